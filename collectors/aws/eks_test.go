package aws

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	ekstypes "github.com/aws/aws-sdk-go-v2/service/eks/types"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/collectors/aws/mototest"
)

// TestCollectEKSAgainstMoto: a private, encrypted, audited cluster passes; one
// open to the internet without secrets encryption or audit logs fails; a
// denied description leaves the cluster out and records why, never a pass.
func TestCollectEKSAgainstMoto(t *testing.T) {
	moto := mototest.Start(t)
	ctx := context.Background()
	c := eks.NewFromConfig(moto.Config())
	create := func(name string, in *eks.CreateClusterInput) string {
		t.Helper()
		in.Name = aws.String(name)
		in.RoleArn = aws.String("arn:aws:iam::123456789012:role/eks")
		if _, err := c.CreateCluster(ctx, in); err != nil {
			t.Fatalf("seed %s: %v", name, err)
		}
		return "aws://123456789012/" + mototest.Region + "/eks/cluster/" + name
	}
	key := "arn:aws:kms:eu-west-2:123456789012:key/sde"
	good := create("sde-analysis", &eks.CreateClusterInput{
		ResourcesVpcConfig: &ekstypes.VpcConfigRequest{SubnetIds: []string{"subnet-1"}, EndpointPrivateAccess: aws.Bool(true), EndpointPublicAccess: aws.Bool(true), PublicAccessCidrs: []string{"203.0.113.0/24"}},
		EncryptionConfig:   []ekstypes.EncryptionConfig{{Resources: []string{"secrets"}, Provider: &ekstypes.Provider{KeyArn: aws.String(key)}}},
		Logging:            &ekstypes.Logging{ClusterLogging: []ekstypes.LogSetup{{Enabled: aws.Bool(true), Types: []ekstypes.LogType{ekstypes.LogTypeAudit, ekstypes.LogTypeApi}}}},
		Tags:               map[string]string{"data-classification": "pseudonymised"},
	})
	bad := create("sde-scratch", &eks.CreateClusterInput{
		ResourcesVpcConfig: &ekstypes.VpcConfigRequest{SubnetIds: []string{"subnet-1"}, EndpointPublicAccess: aws.Bool(true), PublicAccessCidrs: []string{"0.0.0.0/0"}},
		Logging:            &ekstypes.Logging{ClusterLogging: []ekstypes.LogSetup{{Enabled: aws.Bool(false), Types: []ekstypes.LogType{ekstypes.LogTypeAudit}}}},
	})

	f := Collect(ctx, moto.Config(), Options{Version: "test", Now: fixedNow})
	validateFacts(t, f)
	got := evaluate(t, f)
	assertFindings(t, got, map[string]checks.Status{"AWS-EKS-001 " + good: checks.Pass, "AWS-EKS-001 " + bad: checks.Fail})
	if g := got["AWS-EKS-001 "+bad]; len(g.Messages) != 3 {
		t.Errorf("bad cluster: %v, want the endpoint, secrets and audit log each", g.Messages)
	}
	r := resourceByID(f, good)
	if r == nil || r.Attributes["secrets_kms_key"] != key || !reflect.DeepEqual(r.Attributes["log_types_enabled"], []any{"api", "audit"}) ||
		r.Tags["data-classification"] != "pseudonymised" {
		t.Errorf("good cluster %+v", r)
	}
	assertCalls(t, f.Runs[0].APICalls, map[string]int{"eks:ListClusters": 1, "eks:DescribeCluster": 2})

	// EKS speaks REST: DescribeCluster is GET /clusters/NAME (ListClusters is GET /clusters).
	proxy := moto.Deny(t, func(q mototest.Request) bool {
		return q.Service == "eks" && q.HTTP.Method == "GET" && strings.HasPrefix(q.HTTP.URL.Path, "/clusters/")
	})
	f = Collect(ctx, proxy.Config(), Options{Version: "test", Now: fixedNow})
	for _, id := range []string{good, bad} {
		if resourceByID(f, id) != nil {
			t.Errorf("%s collected though it could not be described", id)
		}
	}
	n := 0
	for _, e := range f.Runs[0].Errors {
		if e.Service == "eks" && e.API == "DescribeCluster" && reflect.DeepEqual(e.ResourceTypes, eksClusterTypes) {
			n++
		}
	}
	if n != 2 || f.Runs[0].Status != checks.RunPartial {
		t.Errorf("%d DescribeCluster errors, run %s; want 2, partial", n, f.Runs[0].Status)
	}
}
