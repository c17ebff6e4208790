package aws

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/collectors/aws/mototest"
)

// TestBucketRegion: GetBucketLocation's LocationConstraint is empty for
// us-east-1 and EU (the legacy name) for eu-west-1.
func TestBucketRegion(t *testing.T) {
	for in, want := range map[string]string{"": "us-east-1", "EU": "eu-west-1", "eu-west-2": "eu-west-2", "ap-southeast-2": "ap-southeast-2"} {
		if got := bucketRegion(in); got != want {
			t.Errorf("bucketRegion(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestDataResidencyAgainstMoto: S3 lists every bucket whatever the region
// scanned, so classified buckets in us-east-1 (no location constraint) and
// eu-west-1 are collected in their own regions and fail AWS-S3-007 while the UK
// one passes; an anonymised bucket abroad is not judged. When GetBucketLocation
// is denied the failure is recorded, no bucket is placed in the configured
// region, and AWS-S3-007 cannot assess them.
func TestDataResidencyAgainstMoto(t *testing.T) {
	moto := mototest.Start(t)
	moto.SeedS3(t) // sde-good-data (pseudonymised) and sde-bad-data (identifiable), in eu-west-2
	ctx := context.Background()
	seed := func(name, region, class string) string {
		t.Helper()
		c := s3.NewFromConfig(moto.Config(), func(o *s3.Options) { o.UsePathStyle = true; o.Region = region })
		in := &s3.CreateBucketInput{Bucket: aws.String(name)}
		if region != "us-east-1" {
			in.CreateBucketConfiguration = &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraint(region)}
		}
		if _, err := c.CreateBucket(ctx, in); err != nil {
			t.Fatalf("seed %s: %v", name, err)
		}
		if _, err := c.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{Bucket: aws.String(name), Tagging: &s3types.Tagging{
			TagSet: []s3types.Tag{{Key: aws.String("data-classification"), Value: aws.String(class)}}}}); err != nil {
			t.Fatalf("tag %s: %v", name, err)
		}
		return "aws://123456789012/" + region + "/s3/bucket/" + name
	}
	virginia := seed("sde-cohort-virginia", "us-east-1", "identifiable")
	ireland := seed("sde-cohort-ireland", "eu-west-1", "Pseudonymised")
	open := seed("sde-open-data", "us-west-2", "anonymised")
	// A UK bucket replicating to the account's bucket in us-west-2 puts its
	// data there too.
	replicated := seed("sde-replicated", "eu-west-2", "identifiable")
	uk := s3.NewFromConfig(moto.Config(), func(o *s3.Options) { o.UsePathStyle = true })
	for _, b := range []string{"sde-replicated", "sde-open-data"} {
		if _, err := uk.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String(b),
			VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatusEnabled}}); err != nil {
			t.Fatalf("versioning %s: %v", b, err)
		}
	}
	if _, err := uk.PutBucketReplication(ctx, &s3.PutBucketReplicationInput{Bucket: aws.String("sde-replicated"), ReplicationConfiguration: &s3types.ReplicationConfiguration{
		Role: aws.String("arn:aws:iam::123456789012:role/replication"),
		Rules: []s3types.ReplicationRule{{ID: aws.String("all"), Status: s3types.ReplicationRuleStatusEnabled, Priority: aws.Int32(1),
			Filter:                  &s3types.ReplicationRuleFilter{Prefix: aws.String("")},
			DeleteMarkerReplication: &s3types.DeleteMarkerReplication{Status: s3types.DeleteMarkerReplicationStatusDisabled},
			Destination:             &s3types.Destination{Bucket: aws.String("arn:aws:s3:::sde-open-data")}}},
	}}); err != nil {
		t.Fatalf("replication: %v", err)
	}

	f := Collect(ctx, moto.Config(), Options{Version: "test", Now: fixedNow})
	validateFacts(t, f)
	got := evaluate(t, f)
	assertFindings(t, got, map[string]checks.Status{
		"AWS-S3-007 " + mototest.GoodBucketID: checks.Pass,
		"AWS-S3-007 " + mototest.BadBucketID:  checks.Pass,
		"AWS-S3-007 " + virginia:              checks.Fail,
		"AWS-S3-007 " + ireland:               checks.Fail,
		"AWS-S3-007 " + replicated:            checks.Fail,
	})
	if g := got["AWS-S3-007 "+replicated]; len(g.Messages) != 1 || !strings.Contains(g.Messages[0], "replicates it to arn:aws:s3:::sde-open-data in us-west-2") {
		t.Errorf("replicated bucket: %v", g.Messages)
	}
	if g := got["AWS-S3-007 "+virginia]; len(g.Messages) != 1 || !strings.Contains(g.Messages[0], "in us-east-1, outside the allowed regions (eu-west-2, uksouth, ukwest)") {
		t.Errorf("us-east-1 bucket: %v", g.Messages)
	}
	if g, ok := got["AWS-S3-007 "+open]; ok && g.Status != checks.NotApplicable {
		t.Errorf("anonymised bucket abroad: %s %v, want not applicable", g.Status, g.Messages)
	}
	if r := resourceByID(f, open); r == nil || r.Scope.Region != "us-west-2" {
		t.Errorf("bucket in us-west-2 not collected in its region: %+v", r)
	}

	// GetBucketLocation is GET /BUCKET?location.
	proxy := moto.Deny(t, func(q mototest.Request) bool {
		_, ok := q.HTTP.URL.Query()["location"]
		return q.Service == "s3" && ok
	})
	f = Collect(ctx, proxy.Config(), Options{Version: "test", Now: fixedNow})
	validateFacts(t, f)
	got = evaluate(t, f)
	n := 0
	for _, e := range f.Runs[0].Errors {
		if e.API == "GetBucketLocation" {
			n++
			if !strings.Contains(e.Message, "AccessDenied") || !strings.HasPrefix(e.Resource, "aws://123456789012/unknown/s3/bucket/") {
				t.Errorf("error %+v", e)
			}
		}
	}
	if n != 7 || f.Runs[0].Status != checks.RunPartial {
		t.Errorf("%d GetBucketLocation errors, run %s; want 7 (one per bucket), partial", n, f.Runs[0].Status)
	}
	for _, name := range []string{"sde-good-data", "sde-bad-data", "sde-cohort-virginia", "sde-cohort-ireland"} {
		id := "aws://123456789012/unknown/s3/bucket/" + name
		r := resourceByID(f, id)
		if r == nil || r.Scope.Region != "" {
			t.Fatalf("%s: %+v, want a bucket of unknown region", id, r)
		}
		if _, joined := r.Attributes["backup"]; joined {
			t.Errorf("%s: backups joined although its region is unknown", id)
		}
		if g := got["AWS-S3-007 "+id]; g.Status != checks.Error {
			t.Errorf("AWS-S3-007 on %s: %s %v, want error (location unknown)", id, g.Status, g.Messages)
		}
	}
	for _, r := range f.Resources {
		if r.Type == "aws.s3.bucket" && r.Scope.Region != "" {
			t.Errorf("%s placed in %s although its location could not be read", r.ID, r.Scope.Region)
		}
	}
}

// TestRecoveryPointRegionsJoin: a store's recovery points are found in every
// region read (a copy in another region's vault keeps the store's ARN); when a
// region's recovery points could not be listed, where they are is unknown
// (absent), never "nowhere".
func TestRecoveryPointRegionsJoin(t *testing.T) {
	arn := "arn:aws:dynamodb:eu-west-2:1:table/cohort"
	resources := func() []checks.Resource {
		vault := func(region string, points []any) checks.Resource {
			return checks.Resource{ID: "v-" + region, Type: "aws.backup.vault", Scope: checks.Scope{Account: "1", Region: region},
				Attributes: map[string]any{"name": "v", "recovery_points": points}}
		}
		return []checks.Resource{
			{ID: "t", Type: "aws.dynamodb.table", Scope: checks.Scope{Account: "1", Region: "eu-west-2"}, Attributes: map[string]any{"arn": arn}},
			vault("eu-west-2", []any{map[string]any{"resource_arn": arn, "count": 2}}),
			vault("us-east-1", []any{map[string]any{"resource_arn": arn, "count": 1}}),
			vault("eu-west-1", []any{map[string]any{"resource_arn": "arn:aws:s3:::other", "count": 1}}),
		}
	}
	rs := resources()
	joinBackups(rs, nil)
	b, _ := rs[0].Attributes["backup"].(map[string]any)
	if got := b["recovery_point_regions"]; !reflect.DeepEqual(got, []any{"eu-west-2", "us-east-1"}) {
		t.Errorf("recovery_point_regions %v", got)
	}
	rs = resources()
	joinBackups(rs, []checks.CollectError{{Region: "eu-west-1", Service: "backup", API: "ListRecoveryPointsByBackupVault"}})
	b, _ = rs[0].Attributes["backup"].(map[string]any)
	if _, ok := b["recovery_point_regions"]; ok {
		t.Errorf("recovery_point_regions %v although eu-west-1's could not be listed", b["recovery_point_regions"])
	}
}

// TestJoinUnreadRegion: a store in a region where AWS Backup was not read (a
// bucket outside --region: S3 lists every region's) gets its own mechanisms
// only; its plans, recovery points and jobs stay unknown, never "no plan".
func TestJoinUnreadRegion(t *testing.T) {
	rs := []checks.Resource{
		{ID: "b-east", Type: "aws.s3.bucket", Scope: checks.Scope{Account: "1", Region: "us-east-1"}, Attributes: map[string]any{"arn": "arn:aws:s3:::b-east", "versioning": "Enabled"}},
		{ID: "b-london", Type: "aws.s3.bucket", Scope: checks.Scope{Account: "1", Region: "eu-west-2"}, Attributes: map[string]any{"arn": "arn:aws:s3:::b-london"}},
		{ID: "jobs", Type: "aws.backup.jobs", Scope: checks.Scope{Account: "1", Region: "eu-west-2"}, Attributes: map[string]any{}},
	}
	joinBackups(rs, nil)
	east, _ := rs[0].Attributes["backup"].(map[string]any)
	for _, k := range []string{"aws_backup", "recovery_points", "restore_jobs", "copy_destinations"} {
		if _, ok := east[k]; ok {
			t.Errorf("us-east-1 bucket: %s = %v although AWS Backup was not read there", k, east[k])
		}
	}
	if _, ok := east["native"]; !ok {
		t.Errorf("us-east-1 bucket: its own mechanisms were not joined: %v", east)
	}
	london, _ := rs[1].Attributes["backup"].(map[string]any)
	if _, ok := london["aws_backup"]; !ok {
		t.Errorf("eu-west-2 bucket: AWS Backup was read there, its (empty) selection must be joined: %v", london)
	}
}
