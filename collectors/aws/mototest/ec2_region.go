package mototest

import (
	"context"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	cfgtypes "github.com/aws/aws-sdk-go-v2/service/configservice/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/securityhub"
)

// moto answers as this account.
const motoAccount = "123456789012"

// RegionResourceID is the ID of the test region's aws.region resource.
const RegionResourceID = "aws://" + motoAccount + "/" + Region + "/region"

func ec2ResourceID(kind, id string) string {
	return fmt.Sprintf("aws://%s/%s/ec2/%s/%s", motoAccount, Region, kind, id)
}

// EC2Network names what SeedNetwork creates.
type EC2Network struct {
	// Resource IDs of the VPCs: one with an active flow log of ALL traffic, one
	// with a flow log of rejected traffic only, and one without a flow log of its
	// own (only one of its subnets has a flow log, which does not cover the VPC).
	LoggedVPC, RejectOnlyVPC, UnloggedVPC string
	// Resource IDs of two subnets of the logged VPC: one that does not map public
	// IPs on launch, one that does.
	PrivateSubnet, PublicSubnet string
	// The subnets' own IDs, to launch instances into.
	PrivateSubnetID, PublicSubnetID string
}

// SeedNetwork creates, with the SDK outside sdescan's guard, three VPCs with
// their flow logs (to a CloudWatch Logs group it creates) and two subnets.
func (s *Server) SeedNetwork(t testing.TB) EC2Network {
	t.Helper()
	ctx := context.Background()
	cfg := s.Config()
	c := ec2.NewFromConfig(cfg)
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("seed %s: %v", what, err)
		}
	}
	if _, err := cloudwatchlogs.NewFromConfig(cfg).CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("/sde/vpc-flow-logs")}); err != nil {
		t.Fatalf("seed flow log group: %v", err)
	}
	vpc := func(name, cidr string) string {
		t.Helper()
		v, err := c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String(cidr), TagSpecifications: []ec2types.TagSpecification{{
			ResourceType: ec2types.ResourceTypeVpc, Tags: []ec2types.Tag{{Key: aws.String("Name"), Value: aws.String(name)}}}}})
		must("vpc "+name, err)
		return aws.ToString(v.Vpc.VpcId)
	}
	flowLog := func(kind ec2types.FlowLogsResourceType, resource string, traffic ec2types.TrafficType) {
		t.Helper()
		out, err := c.CreateFlowLogs(ctx, &ec2.CreateFlowLogsInput{
			ResourceType: kind, ResourceIds: []string{resource}, TrafficType: traffic,
			LogDestinationType: ec2types.LogDestinationTypeCloudWatchLogs, LogGroupName: aws.String("/sde/vpc-flow-logs"),
			DeliverLogsPermissionArn: aws.String("arn:aws:iam::" + motoAccount + ":role/sde-flow-logs"),
		})
		must("flow log of "+resource, err)
		if len(out.Unsuccessful) > 0 || len(out.FlowLogIds) != 1 {
			t.Fatalf("seed flow log of %s: %+v", resource, out.Unsuccessful)
		}
	}
	subnet := func(vpcID, cidr, name string) string {
		t.Helper()
		sn, err := c.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: aws.String(vpcID), CidrBlock: aws.String(cidr), AvailabilityZone: aws.String(Region + "a"),
			TagSpecifications: []ec2types.TagSpecification{{ResourceType: ec2types.ResourceTypeSubnet, Tags: []ec2types.Tag{{Key: aws.String("Name"), Value: aws.String(name)}}}}})
		must("subnet "+name, err)
		return aws.ToString(sn.Subnet.SubnetId)
	}

	logged, rejectOnly, unlogged := vpc("sde-logged", "10.10.0.0/16"), vpc("sde-reject-only", "10.20.0.0/16"), vpc("sde-unlogged", "10.30.0.0/16")
	flowLog(ec2types.FlowLogsResourceTypeVpc, logged, ec2types.TrafficTypeAll)
	flowLog(ec2types.FlowLogsResourceTypeVpc, rejectOnly, ec2types.TrafficTypeReject)
	flowLog(ec2types.FlowLogsResourceTypeSubnet, subnet(unlogged, "10.30.1.0/24", "sde-unlogged-a"), ec2types.TrafficTypeAll)

	private := subnet(logged, "10.10.1.0/24", "sde-private")
	public := subnet(logged, "10.10.9.0/24", "sde-public")
	_, err := c.ModifySubnetAttribute(ctx, &ec2.ModifySubnetAttributeInput{SubnetId: aws.String(public), MapPublicIpOnLaunch: &ec2types.AttributeBooleanValue{Value: aws.Bool(true)}})
	must("public subnet", err)
	return EC2Network{
		LoggedVPC: ec2ResourceID("vpc", logged), RejectOnlyVPC: ec2ResourceID("vpc", rejectOnly), UnloggedVPC: ec2ResourceID("vpc", unlogged),
		PrivateSubnet: ec2ResourceID("subnet", private), PublicSubnet: ec2ResourceID("subnet", public),
		PrivateSubnetID: private, PublicSubnetID: public,
	}
}

// EC2Compute names the resource IDs SeedCompute creates.
type EC2Compute struct {
	// GoodInstance requires IMDSv2 and has no public IP (in the private subnet);
	// BadInstance allows IMDSv1 and has a public IP (in the public subnet).
	GoodInstance, BadInstance        string
	EncryptedVolume, PlainVolume     string
	EncryptedSnapshot, PlainSnapshot string
}

// SeedCompute launches two instances into the subnets of n, and creates an
// encrypted and an unencrypted volume with a snapshot of each: the unencrypted
// one public, the encrypted one shared with one account.
func (s *Server) SeedCompute(t testing.TB, n EC2Network) EC2Compute {
	t.Helper()
	ctx := context.Background()
	c := ec2.NewFromConfig(s.Config())
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("seed %s: %v", what, err)
		}
	}
	imgs, err := c.DescribeImages(ctx, &ec2.DescribeImagesInput{Owners: []string{"amazon"}})
	must("image lookup", err)
	if len(imgs.Images) == 0 {
		t.Fatal("seed: moto knows no Amazon image in " + Region)
	}
	ami := imgs.Images[0].ImageId
	run := func(name, subnet string, tokens ec2types.HttpTokensState) string {
		t.Helper()
		out, err := c.RunInstances(ctx, &ec2.RunInstancesInput{
			ImageId: ami, InstanceType: ec2types.InstanceTypeT3Micro, MinCount: aws.Int32(1), MaxCount: aws.Int32(1),
			SubnetId:        aws.String(subnet),
			MetadataOptions: &ec2types.InstanceMetadataOptionsRequest{HttpTokens: tokens, HttpEndpoint: ec2types.InstanceMetadataEndpointStateEnabled},
			TagSpecifications: []ec2types.TagSpecification{{ResourceType: ec2types.ResourceTypeInstance,
				Tags: []ec2types.Tag{{Key: aws.String("Name"), Value: aws.String(name)}}}},
		})
		must("instance "+name, err)
		return aws.ToString(out.Instances[0].InstanceId)
	}
	good := run("sde-analysis", n.PrivateSubnetID, ec2types.HttpTokensStateRequired)
	bad := run("sde-bastion", n.PublicSubnetID, ec2types.HttpTokensStateOptional)

	volume := func(encrypted bool) string {
		t.Helper()
		v, err := c.CreateVolume(ctx, &ec2.CreateVolumeInput{AvailabilityZone: aws.String(Region + "a"), Size: aws.Int32(20), Encrypted: aws.Bool(encrypted),
			TagSpecifications: []ec2types.TagSpecification{{ResourceType: ec2types.ResourceTypeVolume,
				Tags: []ec2types.Tag{{Key: aws.String("data-classification"), Value: aws.String("pseudonymised")}}}}})
		must("volume", err)
		return aws.ToString(v.VolumeId)
	}
	snapshot := func(volume string) string {
		t.Helper()
		sn, err := c.CreateSnapshot(ctx, &ec2.CreateSnapshotInput{VolumeId: aws.String(volume), Description: aws.String("sde backup")})
		must("snapshot of "+volume, err)
		return aws.ToString(sn.SnapshotId)
	}
	enc, plain := volume(true), volume(false)
	encSnap, plainSnap := snapshot(enc), snapshot(plain)
	// The plain snapshot is public too (AWS-EC2-007); the encrypted one is shared
	// with one named account.
	_, err = c.ModifySnapshotAttribute(ctx, &ec2.ModifySnapshotAttributeInput{SnapshotId: aws.String(plainSnap), Attribute: ec2types.SnapshotAttributeNameCreateVolumePermission,
		OperationType: ec2types.OperationTypeAdd, GroupNames: []string{"all"}})
	must("make snapshot public", err)
	_, err = c.ModifySnapshotAttribute(ctx, &ec2.ModifySnapshotAttributeInput{SnapshotId: aws.String(encSnap), Attribute: ec2types.SnapshotAttributeNameCreateVolumePermission,
		OperationType: ec2types.OperationTypeAdd, UserIds: []string{"210987654321"}})
	must("share snapshot", err)
	return EC2Compute{
		GoodInstance: ec2ResourceID("instance", good), BadInstance: ec2ResourceID("instance", bad),
		EncryptedVolume: ec2ResourceID("volume", enc), PlainVolume: ec2ResourceID("volume", plain),
		EncryptedSnapshot: ec2ResourceID("snapshot", encSnap), PlainSnapshot: ec2ResourceID("snapshot", plainSnap),
	}
}

// RegionSettings says which region-wide settings SeedRegion makes.
type RegionSettings struct {
	EBSEncryptionByDefault bool
	// GuardDutyDetector creates a detector, enabled when GuardDutyEnabled.
	GuardDutyDetector, GuardDutyEnabled bool
	// ConfigRecorder creates a recorder of all supported types (with global
	// ones) and a delivery channel; ConfigRecording starts it.
	ConfigRecorder, ConfigRecording bool
	SecurityHub                     bool
}

// SeedRegion turns on the region-wide settings of rs in the test region.
func (s *Server) SeedRegion(t testing.TB, rs RegionSettings) {
	t.Helper()
	ctx := context.Background()
	cfg := s.Config()
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("seed %s: %v", what, err)
		}
	}
	if rs.EBSEncryptionByDefault {
		_, err := ec2.NewFromConfig(cfg).EnableEbsEncryptionByDefault(ctx, &ec2.EnableEbsEncryptionByDefaultInput{})
		must("EBS encryption by default", err)
	}
	if rs.GuardDutyDetector {
		_, err := guardduty.NewFromConfig(cfg).CreateDetector(ctx, &guardduty.CreateDetectorInput{Enable: aws.Bool(rs.GuardDutyEnabled)})
		must("GuardDuty detector", err)
	}
	if rs.ConfigRecorder {
		s3c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
		_, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("sde-config-history"),
			CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraint(Region)}})
		must("config bucket", err)
		cs := configservice.NewFromConfig(cfg)
		_, err = cs.PutConfigurationRecorder(ctx, &configservice.PutConfigurationRecorderInput{ConfigurationRecorder: &cfgtypes.ConfigurationRecorder{
			Name:           aws.String("default"),
			RoleARN:        aws.String("arn:aws:iam::" + motoAccount + ":role/sde-config"),
			RecordingGroup: &cfgtypes.RecordingGroup{AllSupported: true, IncludeGlobalResourceTypes: true},
		}})
		must("config recorder", err)
		_, err = cs.PutDeliveryChannel(ctx, &configservice.PutDeliveryChannelInput{DeliveryChannel: &cfgtypes.DeliveryChannel{
			Name: aws.String("default"), S3BucketName: aws.String("sde-config-history")}})
		must("config delivery channel", err)
		if rs.ConfigRecording {
			_, err = cs.StartConfigurationRecorder(ctx, &configservice.StartConfigurationRecorderInput{ConfigurationRecorderName: aws.String("default")})
			must("start config recorder", err)
		}
	}
	if rs.SecurityHub {
		_, err := securityhub.NewFromConfig(cfg).EnableSecurityHub(ctx, &securityhub.EnableSecurityHubInput{})
		must("Security Hub", err)
	}
}
