// Package mototest starts a real local AWS API emulator (moto_server) for tests.
// moto is preinstalled on this project's machines; a missing moto fails the test.
package mototest

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go/middleware"
)

// Region is the region tests use.
const Region = "eu-west-2"

// Server is a running moto_server.
type Server struct {
	URL string
}

// Start runs moto_server on a free port until the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	bin, err := exec.LookPath("moto_server")
	if err != nil {
		t.Fatalf("moto_server not found on PATH: the AWS tests need the moto emulator (preinstalled on the project's machines): %v", err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, "-H", "127.0.0.1", "-p", fmt.Sprint(port))
	var logs strings.Builder
	cmd.Stdout, cmd.Stderr = &logs, &logs
	cmd.Env = append(os.Environ(), "MOTO_ALLOW_NONEXISTENT_REGION=false")
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatalf("start moto_server: %v", err)
	}
	t.Cleanup(func() {
		cancel()
		_ = cmd.Wait()
	})
	s := &Server{URL: fmt.Sprintf("http://127.0.0.1:%d", port)}
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(s.URL + "/moto-api/")
		if err == nil {
			resp.Body.Close()
			// moto does not implement AppStream 2.0, nor AWS Backup's selections,
			// recovery points and jobs: answer them as an empty account.
			return s.WithAppStream(t, EmptyAppStream).WithBackup(t, EmptyBackup)
		}
		if time.Now().After(deadline) {
			t.Fatalf("moto_server did not start on port %d within 30s: %v\n%s", port, err, logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Config returns an SDK configuration for the emulator with static test
// credentials, plus any extra API options.
func (s *Server) Config(apiOptions ...func(*middleware.Stack) error) aws.Config {
	cfg := aws.Config{
		Region:       Region,
		Credentials:  credentials.NewStaticCredentialsProvider("testing", "testing", ""),
		BaseEndpoint: aws.String(s.URL),
	}
	for _, o := range apiOptions {
		cfg.APIOptions = append(cfg.APIOptions, o)
	}
	return cfg
}

// Reset clears everything the emulator holds.
func (s *Server) Reset(t testing.TB) {
	t.Helper()
	resp, err := http.Post(s.URL+"/moto-api/reset", "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
}

const tlsPolicy = `{"Version":"2012-10-17","Statement":[{"Sid":"DenyInsecureTransport","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::%[1]s","arn:aws:s3:::%[1]s/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`

// Resource IDs of the buckets SeedS3 creates.
const (
	GoodBucketID = "aws://123456789012/eu-west-2/s3/bucket/sde-good-data"
	BadBucketID  = "aws://123456789012/eu-west-2/s3/bucket/sde-bad-data"
	LogBucketID  = "aws://123456789012/eu-west-2/s3/bucket/sde-access-logs"
)

// SeedS3 creates, with the SDK itself (outside sdescan's read-only guard), a
// compliant bucket (KMS encryption, versioning, Block Public Access, TLS-only
// policy, access logging; tagged pseudonymised), a misconfigured one (no
// encryption setting, no versioning, public-read ACL, no policy, no logging;
// tagged identifiable) and the log bucket the compliant one logs to.
func (s *Server) SeedS3(t testing.TB) {
	t.Helper()
	ctx := context.Background()
	c := s3.NewFromConfig(s.Config(), func(o *s3.Options) { o.UsePathStyle = true })
	must := func(what string, _ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("seed %s: %v", what, err)
		}
	}
	loc := &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraint(Region)}
	block := &s3types.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(true), IgnorePublicAcls: aws.Bool(true), BlockPublicPolicy: aws.Bool(true), RestrictPublicBuckets: aws.Bool(true)}
	for _, b := range []string{"sde-access-logs", "sde-good-data", "sde-bad-data"} {
		o, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(b), CreateBucketConfiguration: loc})
		must("bucket "+b, o, err)
	}
	ol, err := c.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: aws.String("sde-access-logs"), ACL: s3types.BucketCannedACL("log-delivery-write")})
	must("log bucket acl", ol, err)
	good := aws.String("sde-good-data")
	o1, err := c.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: good, ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{Rules: []s3types.ServerSideEncryptionRule{{
		ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAwsKms, KMSMasterKeyID: aws.String("arn:aws:kms:eu-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab")},
		BucketKeyEnabled:                   aws.Bool(true)}}}})
	must("encryption", o1, err)
	o2, err := c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: good, VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatusEnabled}})
	must("versioning", o2, err)
	o3, err := c.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: good, PublicAccessBlockConfiguration: block})
	must("public access block", o3, err)
	o4, err := c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: good, Policy: aws.String(fmt.Sprintf(tlsPolicy, "sde-good-data"))})
	must("policy", o4, err)
	o5, err := c.PutBucketLogging(ctx, &s3.PutBucketLoggingInput{Bucket: good, BucketLoggingStatus: &s3types.BucketLoggingStatus{LoggingEnabled: &s3types.LoggingEnabled{TargetBucket: aws.String("sde-access-logs"), TargetPrefix: aws.String("good/")}}})
	must("logging", o5, err)
	o6, err := c.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{Bucket: good, Tagging: &s3types.Tagging{TagSet: []s3types.Tag{{Key: aws.String("data-classification"), Value: aws.String("pseudonymised")}}}})
	must("tags", o6, err)

	bad := aws.String("sde-bad-data")
	o7, err := c.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: bad, ACL: s3types.BucketCannedACLPublicRead})
	must("public-read acl", o7, err)
	o8, err := c.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{Bucket: bad, Tagging: &s3types.Tagging{TagSet: []s3types.Tag{{Key: aws.String("data-classification"), Value: aws.String("identifiable")}}}})
	must("tags", o8, err)
}

// SeedEC2 creates two security groups in the default VPC: one allowing SSH from
// anywhere (misconfigured) and one allowing HTTPS from a private range only. It
// returns their resource IDs.
func (s *Server) SeedEC2(t testing.TB) (goodID, badID string) {
	t.Helper()
	ctx := context.Background()
	c := ec2.NewFromConfig(s.Config())
	group := func(name, cidr string, port int32) string {
		t.Helper()
		g, err := c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String(name), Description: aws.String(name)})
		if err != nil {
			t.Fatalf("seed security group %s: %v", name, err)
		}
		_, err = c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: g.GroupId, IpPermissions: []ec2types.IpPermission{{
			IpProtocol: aws.String("tcp"), FromPort: aws.Int32(port), ToPort: aws.Int32(port),
			IpRanges: []ec2types.IpRange{{CidrIp: aws.String(cidr)}},
		}}})
		if err != nil {
			t.Fatalf("seed ingress of %s: %v", name, err)
		}
		return fmt.Sprintf("aws://123456789012/%s/ec2/security-group/%s", Region, aws.ToString(g.GroupId))
	}
	return group("sde-https-internal", "10.0.0.0/8", 443), group("sde-ssh-open", "0.0.0.0/0", 22)
}

// SeedAccount sets a weak password policy (minimum length 8) and a multi-region
// trail with log file validation, logging, without KMS encryption, writing to a
// new bucket. It returns the trail's resource ID.
func (s *Server) SeedAccount(t testing.TB) (trailID string) {
	t.Helper()
	ctx := context.Background()
	cfg := s.Config()
	if _, err := iam.NewFromConfig(cfg).UpdateAccountPasswordPolicy(ctx, &iam.UpdateAccountPasswordPolicyInput{MinimumPasswordLength: aws.Int32(8)}); err != nil {
		t.Fatalf("seed password policy: %v", err)
	}
	s3c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	if _, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("sde-audit-trail"),
		CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraint(Region)}}); err != nil {
		t.Fatalf("seed trail bucket: %v", err)
	}
	ct := cloudtrail.NewFromConfig(cfg)
	if _, err := ct.CreateTrail(ctx, &cloudtrail.CreateTrailInput{Name: aws.String("sde-trail"), S3BucketName: aws.String("sde-audit-trail"),
		IsMultiRegionTrail: aws.Bool(true), EnableLogFileValidation: aws.Bool(true), IncludeGlobalServiceEvents: aws.Bool(true)}); err != nil {
		t.Fatalf("seed trail: %v", err)
	}
	if _, err := ct.PutEventSelectors(ctx, &cloudtrail.PutEventSelectorsInput{TrailName: aws.String("sde-trail"), EventSelectors: []cttypes.EventSelector{{
		IncludeManagementEvents: aws.Bool(true), ReadWriteType: cttypes.ReadWriteTypeAll}}}); err != nil {
		t.Fatalf("seed trail event selectors: %v", err)
	}
	if _, err := ct.StartLogging(ctx, &cloudtrail.StartLoggingInput{Name: aws.String("sde-trail")}); err != nil {
		t.Fatalf("seed trail logging: %v", err)
	}
	return fmt.Sprintf("aws://123456789012/%s/cloudtrail/trail/sde-trail", Region)
}
