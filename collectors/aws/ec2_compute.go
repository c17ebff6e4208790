package aws

import (
	"context"
	"slices"
	"strings"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/sdescan/sdescan/checks"
)

var (
	ec2InstanceTypes = []string{"aws.ec2.instance"}
	ec2VolumeTypes   = []string{"aws.ec2.volume"}
	ec2SnapshotTypes = []string{"aws.ec2.snapshot"}
)

func init() {
	register(service{
		name:    "ec2-compute",
		covers:  []string{"aws.ec2.instance", "aws.ec2.volume", "aws.ec2.snapshot"},
		collect: (*collector).collectCompute,
		ops: []Operation{
			{"EC2", "DescribeInstances", "ec2:DescribeInstances"},
			{"EC2", "DescribeVolumes", "ec2:DescribeVolumes"},
			{"EC2", "DescribeSnapshots", "ec2:DescribeSnapshots"},
			{"EC2", "DescribeSnapshotAttribute", "ec2:DescribeSnapshotAttribute"},
		},
	})
}

// collectCompute reads the instances, EBS volumes and the account's own EBS
// snapshots of the configured region: one paginated listing each, and each
// snapshot's createVolumePermission (who may restore it: AWS-EC2-007). A listing
// that fails is recorded and its type is left unassessed; the other two are
// unaffected.
func (c *collector) collectCompute(ctx context.Context) {
	client := ec2.NewFromConfig(c.cfg)
	c.collectInstances(ctx, client)
	c.collectVolumes(ctx, client)
	c.collectSnapshots(ctx, client)
}

func (c *collector) ec2Resource(typ, kind, id string, tags []ec2types.Tag, attrs map[string]any) checks.Resource {
	region := c.cfg.Region
	return checks.Resource{
		ID:         resourceID(c.account, region, kind, id),
		Type:       typ,
		Source:     "aws",
		Scope:      checks.Scope{Account: c.account, Region: region},
		Tags:       ec2Tags(tags),
		Attributes: attrs,
	}
}

func (c *collector) collectInstances(ctx context.Context, client *ec2.Client) {
	ctx = cite(ctx) // resources cite this listing only
	var instances []ec2types.Instance
	p := ec2.NewDescribeInstancesPaginator(client, &ec2.DescribeInstancesInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			c.fail(checks.CollectError{Region: c.cfg.Region, Service: "ec2", API: "DescribeInstances", ResourceTypes: ec2InstanceTypes, Message: errorMessage(err)})
			return
		}
		for _, r := range page.Reservations {
			instances = append(instances, r.Instances...)
		}
	}
	for _, in := range instances {
		id := sdkaws.ToString(in.InstanceId)
		c.add(ctx, c.ec2Resource("aws.ec2.instance", "ec2/instance", id, in.Tags, instanceAttributes(in)))
	}
}

func instanceAttributes(in ec2types.Instance) map[string]any {
	attrs := map[string]any{
		"instance_id":   sdkaws.ToString(in.InstanceId),
		"instance_type": string(in.InstanceType),
	}
	if in.State != nil && in.State.Name != "" {
		attrs["state"] = string(in.State.Name)
	}
	attrSetString(attrs, "image_id", in.ImageId)
	attrSetString(attrs, "vpc_id", in.VpcId)
	attrSetString(attrs, "subnet_id", in.SubnetId)
	attrSetTime(attrs, "launch_time", in.LaunchTime)
	if in.IamInstanceProfile != nil {
		attrSetString(attrs, "iam_instance_profile_arn", in.IamInstanceProfile.Arn)
	}
	groups := make([]any, 0, len(in.SecurityGroups))
	for _, g := range in.SecurityGroups {
		groups = append(groups, sdkaws.ToString(g.GroupId))
	}
	attrs["security_group_ids"] = groups
	if m := in.MetadataOptions; m != nil {
		md := map[string]any{}
		if m.HttpTokens != "" {
			md["http_tokens"] = string(m.HttpTokens)
		}
		if m.HttpEndpoint != "" {
			md["http_endpoint"] = string(m.HttpEndpoint)
		}
		if h := sdkaws.ToInt32(m.HttpPutResponseHopLimit); h >= 1 {
			md["http_put_response_hop_limit"] = int(h)
		}
		attrs["metadata_options"] = md
	}
	// A public address on the primary interface (PublicIpAddress) or on any other
	// attached interface (an Elastic IP on a secondary ENI) makes it reachable.
	public := sdkaws.ToString(in.PublicIpAddress) != ""
	for _, ni := range in.NetworkInterfaces {
		if ni.Association != nil && sdkaws.ToString(ni.Association.PublicIp) != "" {
			public = true
		}
	}
	attrs["has_public_ip"] = public
	attrSetString(attrs, "public_ip_address", in.PublicIpAddress)
	// IPv6 addresses are globally unique and routable: reachable from the internet
	// whenever the subnet routes IPv6 to an internet gateway.
	v6 := map[string]bool{}
	if a := sdkaws.ToString(in.Ipv6Address); a != "" {
		v6[a] = true
	}
	for _, ni := range in.NetworkInterfaces {
		for _, a := range ni.Ipv6Addresses {
			if s := sdkaws.ToString(a.Ipv6Address); s != "" {
				v6[s] = true
			}
		}
	}
	list := make([]string, 0, len(v6))
	for a := range v6 {
		list = append(list, a)
	}
	attrs["ipv6_addresses"] = sortedStrings(list)
	return attrs
}

func (c *collector) collectVolumes(ctx context.Context, client *ec2.Client) {
	ctx = cite(ctx) // resources cite this listing only
	volumes, err := listAll(ctx, ec2.NewDescribeVolumesPaginator(client, &ec2.DescribeVolumesInput{}),
		func(o *ec2.DescribeVolumesOutput) []ec2types.Volume { return o.Volumes })
	if err != nil {
		c.fail(checks.CollectError{Region: c.cfg.Region, Service: "ec2", API: "DescribeVolumes", ResourceTypes: ec2VolumeTypes, Message: errorMessage(err)})
		return
	}
	for _, v := range volumes {
		id := sdkaws.ToString(v.VolumeId)
		attrs := map[string]any{
			"volume_id": id,
			"encrypted": sdkaws.ToBool(v.Encrypted),
			"size_gib":  int(sdkaws.ToInt32(v.Size)),
		}
		attrSetString(attrs, "kms_key_id", v.KmsKeyId)
		if v.State != "" {
			attrs["state"] = string(v.State)
		}
		attached := make([]any, 0, len(v.Attachments))
		for _, a := range v.Attachments {
			if i := sdkaws.ToString(a.InstanceId); i != "" {
				attached = append(attached, i)
			}
		}
		attrs["attached_instance_ids"] = attached
		c.add(ctx, c.ec2Resource("aws.ec2.volume", "ec2/volume", id, v.Tags, attrs))
	}
}

// collectSnapshots reads the snapshots the account owns (OwnerIds=self): public
// and shared snapshots of others are not the account's data to judge.
func (c *collector) collectSnapshots(ctx context.Context, client *ec2.Client) {
	ctx = cite(ctx) // resources cite this listing only
	snapshots, err := listAll(ctx, ec2.NewDescribeSnapshotsPaginator(client, &ec2.DescribeSnapshotsInput{OwnerIds: []string{"self"}}),
		func(o *ec2.DescribeSnapshotsOutput) []ec2types.Snapshot { return o.Snapshots })
	if err != nil {
		c.fail(checks.CollectError{Region: c.cfg.Region, Service: "ec2", API: "DescribeSnapshots", ResourceTypes: ec2SnapshotTypes, Message: errorMessage(err)})
		return
	}
	c.readConcurrently(ctx, len(snapshots), func(ctx context.Context, i int) resourceRead {
		return c.readSnapshot(ctx, client, snapshots[i])
	})
}

// readSnapshot keeps what the listing says of a snapshot and reads who may create
// volumes from it. A permission read that fails leaves create_volume_permissions
// out (the check is not assessed on it) and is recorded; a snapshot deleted since
// it was listed is dropped.
func (c *collector) readSnapshot(ctx context.Context, client *ec2.Client, s ec2types.Snapshot) resourceRead {
	id := sdkaws.ToString(s.SnapshotId)
	attrs := map[string]any{
		"snapshot_id": id,
		"encrypted":   sdkaws.ToBool(s.Encrypted),
	}
	attrSetString(attrs, "volume_id", s.VolumeId)
	attrSetString(attrs, "kms_key_id", s.KmsKeyId)
	attrSetTime(attrs, "start_time", s.StartTime)
	if s.State != "" {
		attrs["state"] = string(s.State)
	}
	r := c.ec2Resource("aws.ec2.snapshot", "ec2/snapshot", id, s.Tags, attrs)
	out := resourceRead{resource: &r}
	perm, err := client.DescribeSnapshotAttribute(ctx, &ec2.DescribeSnapshotAttributeInput{SnapshotId: s.SnapshotId, Attribute: ec2types.SnapshotAttributeNameCreateVolumePermission})
	switch {
	case err == nil:
		groups, users := []any{}, []any{}
		for _, p := range perm.CreateVolumePermissions {
			if p.Group != "" {
				groups = append(groups, string(p.Group))
			}
			if u := sdkaws.ToString(p.UserId); u != "" {
				users = append(users, u)
			}
		}
		sortAny(groups)
		sortAny(users)
		attrs["create_volume_permissions"] = map[string]any{"groups": groups, "user_ids": users}
	case errorCode(err) == "InvalidSnapshot.NotFound":
		return resourceRead{}
	default:
		out.errors = append(out.errors, checks.CollectError{Region: c.cfg.Region, Service: "ec2", API: "DescribeSnapshotAttribute", Resource: r.ID, ResourceTypes: ec2SnapshotTypes, Message: errorMessage(err)})
	}
	return out
}

// sortAny sorts a list of strings held as []any (as facts hold lists).
func sortAny(list []any) {
	slices.SortFunc(list, func(a, b any) int { return strings.Compare(a.(string), b.(string)) })
}

// attrSetString sets attrs[key] to *v when it is a non-empty string.
func attrSetString(attrs map[string]any, key string, v *string) {
	if s := sdkaws.ToString(v); s != "" {
		attrs[key] = s
	}
}

// attrSetTime sets attrs[key] to t as RFC3339 UTC when t is set.
func attrSetTime(attrs map[string]any, key string, t *time.Time) {
	if t != nil && !t.IsZero() {
		attrs[key] = t.UTC().Format(time.RFC3339)
	}
}
