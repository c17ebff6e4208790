package aws

import (
	"bytes"
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/collectors/aws/mototest"
)

// datastoreServices are the services of rds.go, dynamodb.go, kms.go and logs.go as
// their collect errors name them.
var datastoreServices = []string{"dynamodb", "kms", "logs", "rds"}

// datastoreErrors are the collect errors of those services.
func datastoreErrors(f *checks.Facts) []checks.CollectError {
	var out []checks.CollectError
	for _, e := range f.Runs[0].Errors {
		if slices.Contains(datastoreServices, e.Service) {
			out = append(out, e)
		}
	}
	return out
}

func resourceByID(f *checks.Facts, id string) *checks.Resource {
	for i := range f.Resources {
		if f.Resources[i].ID == id {
			return &f.Resources[i]
		}
	}
	return nil
}

// expectedDatastoreFindings is what the checks say on the seeded resources when
// everything could be read.
func expectedDatastoreFindings(ids mototest.Datastores) map[string]checks.Status {
	return map[string]checks.Status{
		"AWS-RDS-001 " + ids.GoodDBInstance: checks.Pass,
		"AWS-RDS-002 " + ids.GoodDBInstance: checks.Pass,
		"AWS-RDS-003 " + ids.GoodDBInstance: checks.Pass,
		"AWS-RDS-001 " + ids.BadDBInstance:  checks.Fail, // unencrypted
		"AWS-RDS-002 " + ids.BadDBInstance:  checks.Fail, // publicly accessible
		"AWS-RDS-003 " + ids.BadDBInstance:  checks.Fail, // 1 day of backups
		"AWS-RDS-001 " + ids.ClusterMember:  checks.Pass,
		"AWS-RDS-002 " + ids.ClusterMember:  checks.Pass,
		"AWS-RDS-003 " + ids.ClusterMember:  checks.NotApplicable, // judged on its cluster
		"AWS-RDS-001 " + ids.GoodDBCluster:  checks.Pass,
		"AWS-RDS-003 " + ids.GoodDBCluster:  checks.Pass,
		"AWS-RDS-001 " + ids.BadDBCluster:   checks.Fail,
		"AWS-RDS-003 " + ids.BadDBCluster:   checks.Fail,

		"AWS-RDS-004 " + ids.PrivateDBSnapshot:     checks.Pass, // shared with one named account
		"AWS-RDS-004 " + ids.PublicDBSnapshot:      checks.Fail,
		"AWS-RDS-004 " + ids.PublicClusterSnapshot: checks.Fail,

		"AWS-DDB-001 " + ids.GoodTable: checks.Pass,
		"AWS-DDB-001 " + ids.BadTable:  checks.Fail,

		"AWS-KMS-001 " + ids.GoodKey:       checks.Pass,
		"AWS-KMS-001 " + ids.BadKey:        checks.Fail,
		"AWS-KMS-001 " + ids.AsymmetricKey: checks.NotApplicable,
		"AWS-KMS-001 " + ids.DisabledKey:   checks.NotApplicable,

		"AWS-LOGS-001 " + ids.GoodLogGroup:        checks.Pass,
		"AWS-LOGS-001 " + ids.NeverExpireLogGroup: checks.Pass, // retention 0: never expires
		"AWS-LOGS-001 " + ids.BadLogGroup:         checks.Fail,
	}
}

// TestCollectDatastoresAgainstMoto runs the real collector and the real checks
// against RDS, DynamoDB, KMS and CloudWatch Logs resources seeded in moto: each
// check passes on the compliant resource and fails on the misconfigured one.
func TestCollectDatastoresAgainstMoto(t *testing.T) {
	moto := mototest.Start(t)
	ids := moto.SeedDatastores(t)
	f := Collect(context.Background(), moto.Config(), Options{Version: "test", Now: fixedNow})
	if len(f.Runs) != 1 || f.Runs[0].Scope != "123456789012" {
		t.Fatalf("runs = %+v, want one run for account 123456789012", f.Runs)
	}
	if errs := datastoreErrors(f); len(errs) != 0 {
		t.Fatalf("collect errors: %+v", errs)
	}
	validateFacts(t, f)

	assertTypeCounts(t, f, map[string]int{"aws.rds.db_instance": 3, "aws.rds.db_cluster": 2, "aws.dynamodb.table": 2, "aws.kms.key": 4, "aws.logs.log_group": 3})

	got := evaluate(t, f)
	assertFindings(t, got, expectedDatastoreFindings(ids))
	// RDS-002 reads DB instances only.
	if g, ok := got["AWS-RDS-002 "+ids.GoodDBCluster]; ok {
		t.Errorf("AWS-RDS-002 judged a cluster: %+v", g)
	}
	// Tags come through, so findings are weighted by data classification.
	for key, want := range map[string]string{
		"AWS-RDS-001 " + ids.BadDBInstance: "pseudonymised",
		"AWS-RDS-001 " + ids.GoodDBCluster: "identifiable",
		"AWS-DDB-001 " + ids.GoodTable:     "pseudonymised",
		"AWS-KMS-001 " + ids.GoodKey:       "identifiable",
	} {
		if c := got[key].Classification; c != want {
			t.Errorf("%s: classification %q, want %q", key, c, want)
		}
	}

	// Shapes the checks and the schema do not pin down.
	attr := func(id, name string) any {
		t.Helper()
		r := resourceByID(f, id)
		if r == nil {
			t.Fatalf("no resource %s", id)
		}
		return r.Attributes[name]
	}
	if m := attr(ids.GoodDBCluster, "members"); !reflect.DeepEqual(m, []any{"sde-good-cluster-1"}) {
		t.Errorf("cluster members %v", m)
	}
	if c := attr(ids.ClusterMember, "db_cluster_identifier"); c != "sde-good-cluster" {
		t.Errorf("member's cluster %v", c)
	}
	if _, ok := resourceByID(f, ids.GoodDBInstance).Attributes["db_cluster_identifier"]; ok {
		t.Error("a standalone instance has a db_cluster_identifier")
	}
	if a := attr(ids.GoodKey, "aliases"); !reflect.DeepEqual(a, []any{"alias/sde-research-data"}) {
		t.Errorf("key aliases %v", a)
	}
	if _, ok := resourceByID(f, ids.AsymmetricKey).Attributes["rotation_enabled"]; ok {
		t.Error("rotation status read for the asymmetric key, which cannot rotate")
	}
	if a := attr(ids.GoodLogGroup, "arn"); a != "arn:aws:logs:eu-west-2:123456789012:log-group:/sde/vpc-flow-logs" {
		t.Errorf("log group arn %v", a)
	}
	if s := attr(ids.GoodTable, "sse_type"); s != "KMS" {
		t.Errorf("sse_type of the KMS table %v", s)
	}
	if s := attr(ids.BadTable, "sse_type"); s != "AWS_OWNED" {
		t.Errorf("sse_type of the default table %v", s)
	}

	// Calls: one listing each; per-resource reads once per resource.
	calls := f.Runs[0].APICalls
	assertCalls(t, calls, map[string]int{
		"rds:DescribeDBInstances": 1, "rds:DescribeDBClusters": 1,
		"dynamodb:ListTables": 1, "dynamodb:DescribeTable": 2, "dynamodb:DescribeContinuousBackups": 2, "dynamodb:ListTagsOfResource": 2,
		"kms:ListKeys": 1, "kms:ListAliases": 1, "kms:DescribeKey": 4, "kms:ListResourceTags": 4,
		"kms:GetKeyRotationStatus": 3, // good, bad and disabled: customer managed, symmetric, KMS key material
		// Manual snapshots only: AWS does not let automated ones be shared.
		"rds:DescribeDBSnapshots": 1, "rds:DescribeDBSnapshotAttributes": 2,
		"rds:DescribeDBClusterSnapshots": 1, "rds:DescribeDBClusterSnapshotAttributes": 1,
		"cloudwatchlogs:DescribeLogGroups": 1,
	})

	assertDeterministic(t, moto.Config(), f)
}

// TestCollectDatastoresFailures: what could not be read is never a pass. A denied
// listing hides its type (recorded, nothing invented) and leaves the rest as it
// was; a denied per-resource read leaves the attribute out, so its check reports
// an error on that resource only.
func TestCollectDatastoresFailures(t *testing.T) {
	moto := mototest.Start(t)
	ids := moto.SeedDatastores(t)
	want := expectedDatastoreFindings(ids)

	t.Run("DescribeDBInstances denied", func(t *testing.T) {
		proxy := moto.Deny(t, func(q mototest.Request) bool { return q.Op == "DescribeDBInstances" })
		f := Collect(context.Background(), proxy.Config(), Options{Version: "test", Now: fixedNow})
		validateFacts(t, f)
		if f.Runs[0].Status != checks.RunPartial {
			t.Errorf("run status %s, want partial", f.Runs[0].Status)
		}
		errs := datastoreErrors(f)
		if len(errs) != 1 {
			t.Fatalf("collect errors %+v, want one", errs)
		}
		if e := errs[0]; e.Service != "rds" || e.API != "DescribeDBInstances" || e.Region != mototest.Region || e.Resource != "" ||
			!reflect.DeepEqual(e.ResourceTypes, []string{"aws.rds.db_instance"}) || !strings.HasPrefix(e.Message, "AccessDenied: ") {
			t.Errorf("collect error %+v", e)
		}
		for _, r := range f.Resources {
			if r.Type == "aws.rds.db_instance" {
				t.Errorf("DB instance %s collected though the listing was denied", r.ID)
			}
		}
		got := evaluate(t, f)
		for key, g := range got {
			if g.ResourceType == "aws.rds.db_instance" {
				t.Errorf("%s: %s on a DB instance that could not be listed", key, g.Status)
			}
		}
		// Clusters and the other services are judged as before.
		for key, w := range want {
			if strings.Contains(key, "/rds/db-instance/") {
				continue
			}
			if g := got[key]; g.Status != w {
				t.Errorf("%s: %s %v, want %s as without the failure", key, g.Status, g.Messages, w)
			}
		}
	})

	t.Run("per-resource reads denied", func(t *testing.T) {
		proxy := moto.Deny(t, func(q mototest.Request) bool {
			body := q.Body
			switch q.Op {
			case "DescribeContinuousBackups":
				return bytes.Contains(body, []byte(`"sde-airlock-requests"`))
			case "GetKeyRotationStatus":
				return bytes.Contains(body, []byte(ids.GoodKeyID))
			case "DescribeKey":
				return bytes.Contains(body, []byte(ids.BadKeyID))
			case "ListTagsOfResource":
				return true
			case "DescribeDBSnapshotAttributes":
				return bytes.Contains(body, []byte("sde-bad-db-manual"))
			}
			return false
		})
		f := Collect(context.Background(), proxy.Config(), Options{Version: "test", Now: fixedNow})
		validateFacts(t, f)
		if f.Runs[0].Status != checks.RunPartial {
			t.Errorf("run status %s, want partial", f.Runs[0].Status)
		}
		type failure struct{ api, resource string }
		var failures []failure
		for _, e := range datastoreErrors(f) {
			failures = append(failures, failure{e.API, e.Resource})
			if !strings.HasPrefix(e.Message, "AccessDenied") || len(e.ResourceTypes) != 1 {
				t.Errorf("collect error %+v", e)
			}
		}
		wantFailures := []failure{
			{"DescribeContinuousBackups", ids.GoodTable}, {"ListTagsOfResource", ids.GoodTable}, {"ListTagsOfResource", ids.BadTable},
			{"GetKeyRotationStatus", ids.GoodKey}, {"DescribeKey", ids.BadKey},
			{"DescribeDBSnapshotAttributes", ids.PublicDBSnapshot},
		}
		slices.SortFunc(failures, func(a, b failure) int { return strings.Compare(a.api+a.resource, b.api+b.resource) })
		slices.SortFunc(wantFailures, func(a, b failure) int { return strings.Compare(a.api+a.resource, b.api+b.resource) })
		if !slices.Equal(failures, wantFailures) {
			t.Errorf("failures %v, want %v", failures, wantFailures)
		}
		// The resources are still there, without what could not be read.
		for _, id := range []string{ids.GoodTable, ids.BadTable, ids.GoodKey, ids.BadKey} {
			r := resourceByID(f, id)
			if r == nil {
				t.Fatalf("%s missing: a failed read must not drop the resource", id)
			}
			if (id == ids.GoodTable || id == ids.BadTable) && r.Tags != nil {
				t.Errorf("%s has tags %v though they could not be read", id, r.Tags)
			}
		}
		if _, ok := resourceByID(f, ids.BadKey).Attributes["key_manager"]; ok {
			t.Error("bad key has key_manager though DescribeKey was denied")
		}

		got := evaluate(t, f)
		changed := map[string]checks.Status{
			"AWS-DDB-001 " + ids.GoodTable: checks.Error, // PITR unknown
			"AWS-KMS-001 " + ids.GoodKey:   checks.Error, // rotation unknown
			"AWS-KMS-001 " + ids.BadKey:    checks.Error, // whether it is in scope unknown
			// Who may restore it unknown: not assessed, never private.
			"AWS-RDS-004 " + ids.PublicDBSnapshot: checks.Error,
		}
		for key, w := range want {
			if c, ok := changed[key]; ok {
				w = c
			}
			if g := got[key]; g.Status != w {
				t.Errorf("%s: %s %v, want %s", key, g.Status, g.Messages, w)
			}
		}
		if c := got["AWS-DDB-001 "+ids.GoodTable].Classification; c != "" {
			t.Errorf("classification %q from tags that could not be read", c)
		}
	})
}
