package aws

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/collectors/aws/mototest"
)

func TestWildcardMatch(t *testing.T) {
	for _, tc := range []struct {
		filter, name string
		want         bool
	}{
		{"*", "sde/analysis", true},
		{"sde/*", "sde/analysis", true},
		{"sde/*", "sde", false},
		{"*analysis", "sde/analysis", true},
		{"sde-*-prod", "sde-web-prod", true},
		{"sde-*-prod", "sde-web-dev", false},
		{"a*b*c", "axxbyyc", true},
		{"a*b*c", "axxbyy", false},
		{"exact", "exact", true},
		{"exact", "exactly", false},
		{"", "x", false},
	} {
		if got := wildcardMatch(tc.filter, tc.name); got != tc.want {
			t.Errorf("wildcardMatch(%q, %q) = %v, want %v", tc.filter, tc.name, got, tc.want)
		}
	}
}

// TestCollectECRAgainstMoto: repositories with and without scans and immutable
// tags, under a registry rule that covers some of them, are judged as AWS would
// scan them; a registry configuration that cannot be read leaves the scan
// question not assessed, never passed.
func TestCollectECRAgainstMoto(t *testing.T) {
	moto := mototest.Start(t)
	ctx := context.Background()
	c := ecr.NewFromConfig(moto.Config())
	repo := func(name string, scan bool, tags ecrtypes.ImageTagMutability) string {
		t.Helper()
		if _, err := c.CreateRepository(ctx, &ecr.CreateRepositoryInput{RepositoryName: aws.String(name), ImageTagMutability: tags,
			ImageScanningConfiguration: &ecrtypes.ImageScanningConfiguration{ScanOnPush: scan}}); err != nil {
			t.Fatalf("seed %s: %v", name, err)
		}
		return "aws://123456789012/" + mototest.Region + "/ecr/repository/" + name
	}
	good := repo("sde/analysis", true, ecrtypes.ImageTagMutabilityImmutable)
	mutable := repo("sde/scratch", true, ecrtypes.ImageTagMutabilityMutable)
	unscanned := repo("tools/base", false, ecrtypes.ImageTagMutabilityImmutable)
	ruled := repo("prod-web", false, ecrtypes.ImageTagMutabilityImmutable)
	if _, err := c.PutRegistryScanningConfiguration(ctx, &ecr.PutRegistryScanningConfigurationInput{ScanType: ecrtypes.ScanTypeBasic,
		Rules: []ecrtypes.RegistryScanningRule{{ScanFrequency: ecrtypes.ScanFrequencyScanOnPush,
			RepositoryFilters: []ecrtypes.ScanningRepositoryFilter{{Filter: aws.String("prod-*"), FilterType: ecrtypes.ScanningRepositoryFilterTypeWildcard}}}}}); err != nil {
		t.Fatalf("seed registry scanning: %v", err)
	}

	f := Collect(ctx, moto.Config(), Options{Version: "test", Now: fixedNow})
	validateFacts(t, f)
	got := evaluate(t, f)
	assertFindings(t, got, map[string]checks.Status{
		"AWS-ECR-001 " + good:      checks.Pass,
		"AWS-ECR-001 " + mutable:   checks.Fail,
		"AWS-ECR-001 " + unscanned: checks.Fail,
		"AWS-ECR-001 " + ruled:     checks.Pass, // the registry's rule scans it on push
	})
	if r := resourceByID(f, ruled); r == nil || r.Attributes["registry_scan_frequency"] != "SCAN_ON_PUSH" || r.Attributes["registry_scan_type"] != "BASIC" {
		t.Errorf("ruled repository %+v", r)
	}
	assertCalls(t, f.Runs[0].APICalls, map[string]int{"ecr:DescribeRepositories": 1, "ecr:GetRegistryScanningConfiguration": 1})

	proxy := moto.Deny(t, func(q mototest.Request) bool { return q.Op == "GetRegistryScanningConfiguration" })
	f = Collect(ctx, proxy.Config(), Options{Version: "test", Now: fixedNow})
	got = evaluate(t, f)
	for _, id := range []string{good, unscanned, ruled} {
		if g := got["AWS-ECR-001 "+id]; g.Status != checks.Error {
			t.Errorf("%s with the registry's scanning unknown: %s %v, want error (not assessed)", id, g.Status, g.Messages)
		}
	}
	found := false
	for _, e := range f.Runs[0].Errors {
		found = found || (e.Service == "ecr" && e.API == "GetRegistryScanningConfiguration")
	}
	if !found {
		t.Errorf("no collect error for the denied GetRegistryScanningConfiguration: %+v", f.Runs[0].Errors)
	}
}
