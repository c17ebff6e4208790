package aws

import (
	"context"
	"fmt"
	"testing"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/sdescan/sdescan/collectors/aws/mototest"
)

// BenchmarkCollectMoto collects an account seeded in moto with 1,000 buckets, 500
// security groups and 200 roles, and reports API calls per resource (see
// docs/performance.md). Wall time is dominated by the emulator.
func BenchmarkCollectMoto(b *testing.B) {
	moto := mototest.Start(b)
	ctx := context.Background()
	cfg := moto.Config()
	s3c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	for i := range 1000 {
		if _, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: sdkaws.String(fmt.Sprintf("bench-%04d", i)),
			CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraint(mototest.Region)}}); err != nil {
			b.Fatal(err)
		}
	}
	ec := ec2.NewFromConfig(cfg)
	for i := range 500 {
		if _, err := ec.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: sdkaws.String(fmt.Sprintf("bench-%03d", i)), Description: sdkaws.String("bench")}); err != nil {
			b.Fatal(err)
		}
	}
	ic := iam.NewFromConfig(cfg)
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	for i := range 200 {
		if _, err := ic.CreateRole(ctx, &iam.CreateRoleInput{RoleName: sdkaws.String(fmt.Sprintf("bench-%03d", i)), AssumeRolePolicyDocument: sdkaws.String(trust)}); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for b.Loop() {
		f := Collect(ctx, cfg, Options{Version: "bench", Now: fixedNow})
		calls := 0
		maxOp, maxN := "", 0
		for op, n := range f.Runs[0].APICalls {
			calls += n
			if n > maxN {
				maxOp, maxN = op, n
			}
		}
		b.ReportMetric(float64(len(f.Resources)), "resources")
		b.ReportMetric(float64(calls), "api-calls")
		b.ReportMetric(float64(calls)/float64(len(f.Resources)), "calls/resource")
		b.ReportMetric(float64(f.Runs[0].APICalls["s3:GetBucketEncryption"]), "GetBucketEncryption-calls")
		b.ReportMetric(float64(f.Runs[0].APICalls["ec2:DescribeSecurityGroups"]), "DescribeSecurityGroups-calls")
		b.Logf("busiest operation %s: %d calls; %d collect errors", maxOp, maxN, len(f.Runs[0].Errors))
	}
}
