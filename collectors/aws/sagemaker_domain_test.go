package aws

import (
	"context"
	"reflect"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sagemaker"
	smtypes "github.com/aws/aws-sdk-go-v2/service/sagemaker/types"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/collectors/aws/mototest"
)

// TestCollectSageMakerDomainsAgainstMoto: a VpcOnly domain without Docker access
// passes AWS-SM-002; a PublicInternetOnly one (AWS's default) fails, as does a
// VpcOnly one with rootful Docker access; ListDomains denied invents no domain
// and records why, so the check is not assessed.
func TestCollectSageMakerDomainsAgainstMoto(t *testing.T) {
	moto := mototest.Start(t)
	ctx := context.Background()
	c := sagemaker.NewFromConfig(moto.Config())
	create := func(name string, in *sagemaker.CreateDomainInput) string {
		t.Helper()
		in.DomainName = aws.String(name)
		in.AuthMode = smtypes.AuthModeIam
		in.VpcId = aws.String("vpc-1")
		in.SubnetIds = []string{"subnet-2", "subnet-1"}
		in.DefaultUserSettings = &smtypes.UserSettings{ExecutionRole: aws.String("arn:aws:iam::123456789012:role/sm")}
		if _, err := c.CreateDomain(ctx, in); err != nil {
			t.Fatalf("seed %s: %v", name, err)
		}
		// moto names a domain d-<name>.
		return "aws://123456789012/" + mototest.Region + "/sagemaker/domain/d-" + name
	}
	private := create("sde-private", &sagemaker.CreateDomainInput{AppNetworkAccessType: smtypes.AppNetworkAccessTypeVpcOnly,
		Tags: []smtypes.Tag{{Key: aws.String("data-classification"), Value: aws.String("pseudonymised")}}})
	public := create("sde-public", &sagemaker.CreateDomainInput{})
	docker := create("sde-docker", &sagemaker.CreateDomainInput{AppNetworkAccessType: smtypes.AppNetworkAccessTypeVpcOnly,
		DomainSettings: &smtypes.DomainSettings{DockerSettings: &smtypes.DockerSettings{EnableDockerAccess: smtypes.FeatureStatusEnabled}}})

	f := Collect(ctx, moto.Config(), Options{Version: "test", Now: fixedNow})
	validateFacts(t, f)
	got := evaluate(t, f)
	assertFindings(t, got, map[string]checks.Status{
		"AWS-SM-002 " + private: checks.Pass,
		"AWS-SM-002 " + public:  checks.Fail,
		"AWS-SM-002 " + docker:  checks.Fail,
	})
	r := resourceByID(f, private)
	if r == nil || r.Attributes["app_network_access_type"] != "VpcOnly" || !reflect.DeepEqual(r.Attributes["subnet_ids"], []any{"subnet-1", "subnet-2"}) ||
		r.Attributes["docker_access_enabled"] != false || r.Tags["data-classification"] != "pseudonymised" {
		t.Errorf("private domain %+v", r)
	}
	if r := resourceByID(f, public); r == nil || r.Attributes["app_network_access_type"] != "PublicInternetOnly" {
		t.Errorf("public domain %+v", r)
	}
	assertCalls(t, f.Runs[0].APICalls, map[string]int{"sagemaker:ListDomains": 1, "sagemaker:DescribeDomain": 3})

	// SageMaker speaks JSON 1.1: the operation is in X-Amz-Target.
	proxy := moto.Deny(t, func(q mototest.Request) bool { return q.Service == "sagemaker" && q.Op == "ListDomains" })
	f = Collect(ctx, proxy.Config(), Options{Version: "test", Now: fixedNow})
	validateFacts(t, f)
	for _, r := range f.Resources {
		if r.Type == "aws.sagemaker.domain" {
			t.Errorf("%s collected although ListDomains was denied", r.ID)
		}
	}
	n := 0
	for _, e := range f.Runs[0].Errors {
		if e.Service == "sagemaker" && e.API == "ListDomains" && reflect.DeepEqual(e.ResourceTypes, smDomainTypes) {
			n++
		}
	}
	if n != 1 || f.Runs[0].Status != checks.RunPartial {
		t.Errorf("%d ListDomains errors, run %s; want 1, partial", n, f.Runs[0].Status)
	}
}
