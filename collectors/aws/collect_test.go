package aws

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/checks/engine"
	"github.com/sdescan/sdescan/checks/schema"
	"github.com/sdescan/sdescan/collectors"
	"github.com/sdescan/sdescan/collectors/aws/mototest"
)

var fixedNow = func() time.Time { return time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC) }

func validateFacts(t *testing.T, f *checks.Facts) {
	t.Helper()
	var buf bytes.Buffer
	if err := checks.WriteJSON(&buf, f); err != nil {
		t.Fatal(err)
	}
	if err := schema.ValidateFacts(buf.Bytes()); err != nil {
		t.Fatalf("collected facts do not match facts.schema.json: %v", err)
	}
}

func evaluate(t *testing.T, f *checks.Facts) map[string]checks.Finding {
	t.Helper()
	e, err := engine.New(collectors.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	fs, err := e.Evaluate(context.Background(), f, engine.Params{AsOf: f.AsOf()})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]checks.Finding{}
	for _, x := range fs {
		out[x.CheckID+" "+x.ResourceID] = x
	}
	return out
}

const (
	goodID = mototest.GoodBucketID
	badID  = mototest.BadBucketID
)

var s3Checks = []string{"AWS-S3-001", "AWS-S3-002", "AWS-S3-003", "AWS-S3-004", "AWS-S3-005", "AWS-S3-006"}

// TestCollectS3AgainstMoto runs the real collector and the real checks against
// seeded buckets in moto: every seeded misconfiguration is found on the right
// bucket, and the compliant bucket has no finding.
func TestCollectS3AgainstMoto(t *testing.T) {
	moto := mototest.Start(t)
	moto.SeedS3(t)
	goodSG, badSG := moto.SeedEC2(t)
	trailID := moto.SeedAccount(t)
	f := Collect(context.Background(), moto.Config(), Options{Version: "test", Now: fixedNow})
	if len(f.Runs) != 1 || f.Runs[0].Status != checks.RunOK || f.Runs[0].Scope != "123456789012" {
		t.Fatalf("run = %+v, want one ok run for account 123456789012", f.Runs)
	}
	validateFacts(t, f)
	byType := map[string]int{}
	for _, r := range f.Resources {
		byType[r.Type]++
	}
	if byType["aws.s3.bucket"] != 4 || byType["aws.account"] != 1 || byType["aws.cloudtrail.trail"] != 1 || byType["aws.ec2.security_group"] < 2 {
		t.Fatalf("resources by type %v, want 3 buckets and the seeded security groups", byType)
	}
	got := evaluate(t, f)
	for _, id := range s3Checks {
		if g := got[id+" "+goodID]; g.Status != checks.Pass {
			t.Errorf("%s on the compliant bucket: %s %v, want pass", id, g.Status, g.Messages)
		}
		if b := got[id+" "+badID]; b.Status != checks.Fail {
			t.Errorf("%s on the misconfigured bucket: %s %v, want fail", id, b.Status, b.Messages)
		}
	}
	for _, id := range []string{"AWS-EC2-001", "AWS-EC2-002"} {
		if g := got[id+" "+goodSG]; g.Status != checks.Pass {
			t.Errorf("%s on the internal-only group: %s %v, want pass", id, g.Status, g.Messages)
		}
	}
	if b := got["AWS-EC2-001 "+badSG]; b.Status != checks.Fail {
		t.Errorf("AWS-EC2-001 on the group open to SSH: %s, want fail", b.Status)
	}
	account := "aws://123456789012/global/account"
	for key, want := range map[string]checks.Status{
		"AWS-IAM-001 " + account: checks.Fail, // moto's root user has no MFA
		"AWS-IAM-002 " + account: checks.Pass, // nor access keys
		"AWS-IAM-006 " + account: checks.Fail, // minimum length 8
		"AWS-CT-001 " + account:  checks.Pass, // multi-region, logging, management events
		"AWS-CT-002 " + trailID:  checks.Pass, // log file validation
		"AWS-CT-003 " + trailID:  checks.Fail, // no KMS key
	} {
		if g := got[key]; g.Status != want {
			t.Errorf("%s: %s %v, want %s", key, g.Status, g.Messages, want)
		}
	}
	if c := got["AWS-S3-001 "+badID].Classification; c != "identifiable" {
		t.Errorf("classification of the bad bucket = %q, want identifiable (from its tag)", c)
	}
	// Calls: each per-bucket read once per bucket, listing once.
	calls := f.Runs[0].APICalls
	if calls["s3:ListBuckets"] != 1 || calls["s3:GetBucketEncryption"] != 4 || calls["s3control:GetPublicAccessBlock"] != 1 {
		t.Errorf("api calls %v", calls)
	}
}

// TestCollectS3Failures: what could not be read is never a pass. Access denied on
// bucket policies leaves AWS-S3-004 in error on every bucket with the run partial;
// a failed STS call fails the run with no resources; the rest is unchanged.
func TestCollectS3Failures(t *testing.T) {
	moto := mototest.Start(t)
	moto.SeedS3(t)

	t.Run("policy access denied", func(t *testing.T) {
		proxy := moto.Deny(t, func(q mototest.Request) bool { _, ok := q.HTTP.URL.Query()["policy"]; return ok })
		f := Collect(context.Background(), proxy.Config(), Options{Version: "test", Now: fixedNow})
		if f.Runs[0].Status != checks.RunPartial || len(f.Runs[0].Errors) != 3 {
			t.Fatalf("run status %s with %d errors, want partial with 3 (one per bucket): %+v", f.Runs[0].Status, len(f.Runs[0].Errors), f.Runs[0].Errors)
		}
		for _, e := range f.Runs[0].Errors {
			if e.API != "GetBucketPolicy" || !strings.Contains(e.Message, "AccessDenied") || e.Resource == "" {
				t.Errorf("collect error %+v", e)
			}
		}
		validateFacts(t, f)
		got := evaluate(t, f)
		for _, id := range []string{goodID, badID} {
			if s := got["AWS-S3-004 "+id].Status; s != checks.Error {
				t.Errorf("AWS-S3-004 on %s is %s, want error (policy unreadable)", id, s)
			}
		}
		// Unaffected checks keep their results.
		if s := got["AWS-S3-003 "+goodID].Status; s != checks.Pass {
			t.Errorf("AWS-S3-003 on the good bucket is %s, want pass", s)
		}
		if s := got["AWS-S3-003 "+badID].Status; s != checks.Fail {
			t.Errorf("AWS-S3-003 on the bad bucket is %s, want fail", s)
		}
	})

	t.Run("no identity", func(t *testing.T) {
		proxy := moto.Deny(t, func(q mototest.Request) bool { return q.Op == "GetCallerIdentity" })
		f := Collect(context.Background(), proxy.Config(), Options{Version: "test", Now: fixedNow})
		if f.Runs[0].Status != checks.RunFailed || len(f.Resources) != 0 || len(f.Runs[0].Errors) != 1 {
			t.Fatalf("run %+v with %d resources, want failed with one error and none", f.Runs[0], len(f.Resources))
		}
		validateFacts(t, f)
	})
}

// assertCalls checks the API calls a collection made, per operation.
func assertCalls(t *testing.T, calls, want map[string]int) {
	t.Helper()
	for op, n := range want {
		if calls[op] != n {
			t.Errorf("%s called %d times, want %d (all: %v)", op, calls[op], n, calls)
		}
	}
}

// assertDeterministic collects again and compares the facts byte for byte.
func assertDeterministic(t *testing.T, cfg sdkaws.Config, f *checks.Facts) {
	t.Helper()
	again := Collect(context.Background(), cfg, Options{Version: "test", Now: fixedNow})
	var a, b bytes.Buffer
	if err := checks.WriteJSON(&a, f); err != nil {
		t.Fatal(err)
	}
	if err := checks.WriteJSON(&b, again); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("two collections of the same estate differ")
	}
}

// TestThrottlingIsRetried: throttled calls (in each protocol's own throttling
// error) are retried with backoff and never become collect errors or findings.
func TestThrottlingIsRetried(t *testing.T) {
	moto := mototest.Start(t)
	moto.SeedS3(t)
	throttled := map[string]bool{"GetCallerIdentity": true, "DescribeSecurityGroups": true, "ListTables": true, "GetAccountAuthorizationDetails": true}
	proxy := moto.Throttle(t, 1, func(q mototest.Request) bool {
		_, enc := q.HTTP.URL.Query()["encryption"]
		return throttled[q.Op] || enc
	})
	want := Collect(context.Background(), moto.Config(), Options{Version: "test", Now: fixedNow})
	got := Collect(context.Background(), proxy.Config(), Options{Version: "test", Now: fixedNow})
	if got.Runs[0].Status != checks.RunOK || len(got.Runs[0].Errors) != 0 {
		t.Fatalf("run %s with errors %+v: throttling must be retried, not reported", got.Runs[0].Status, got.Runs[0].Errors)
	}
	var a, b bytes.Buffer
	_ = checks.WriteJSON(&a, want.Resources)
	_ = checks.WriteJSON(&b, got.Resources)
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("a throttled collection differs from an unthrottled one")
	}
}

// assertTypeCounts checks how many resources of each type a collection produced.
func assertTypeCounts(t *testing.T, f *checks.Facts, want map[string]int) {
	t.Helper()
	byType := map[string]int{}
	for _, r := range f.Resources {
		byType[r.Type]++
	}
	for typ, n := range want {
		if byType[typ] != n {
			t.Errorf("%d resources of type %s, want %d (all: %v)", byType[typ], typ, n, byType)
		}
	}
}

// assertFindings checks the status of each expected (check, resource) finding.
func assertFindings(t *testing.T, got map[string]checks.Finding, want map[string]checks.Status) {
	t.Helper()
	for key, w := range want {
		if g := got[key]; g.Status != w {
			t.Errorf("%s: %s %v, want %s", key, g.Status, g.Messages, w)
		}
	}
}
