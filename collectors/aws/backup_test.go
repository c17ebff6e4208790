package aws

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/collectors/aws/mototest"
)

// attrJSON renders one attribute for comparison with an expected JSON value.
func attrJSON(t *testing.T, r *checks.Resource, path ...string) string {
	t.Helper()
	var v any = r.Attributes
	for _, p := range path {
		m, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("%s: %v is not an object", r.ID, path)
		}
		v = m[p]
	}
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func mustResource(t *testing.T, f *checks.Facts, id string) *checks.Resource {
	t.Helper()
	r := resourceByID(f, id)
	if r == nil {
		t.Fatalf("no resource %s", id)
	}
	return r
}

// TestCollectBackupAgainstMoto: AWS Backup plans, vaults and vault lock and EFS file
// systems come from moto; the selections, recovery points, jobs and restore testing
// plans moto lacks come from recorded AWS responses (testdata/backup) served in
// front of it. The facts say what each holds.
func TestCollectBackupAgainstMoto(t *testing.T) {
	moto := mototest.Start(t)
	seed := moto.SeedBackup(t)
	front := moto.WithBackup(t, mototest.RecordedBackup(os.DirFS("testdata/backup")))
	f := Collect(context.Background(), front.Config(), Options{Version: "test", Now: fixedNow})
	if run := f.Runs[0]; run.Status != checks.RunOK {
		t.Fatalf("run %s: %+v", run.Status, run.Errors)
	}
	validateFacts(t, f)
	assertTypeCounts(t, f, map[string]int{"aws.backup.vault": 3, "aws.backup.plan": 2, "aws.backup.jobs": 1, "aws.efs.file_system": 2})

	locked := mustResource(t, f, mototest.BackupVaultID(seed.LockedVault))
	if got := attrJSON(t, locked, "lock", "mode"); got != `"compliance"` {
		t.Errorf("locked vault mode %s", got)
	}
	if got := attrJSON(t, locked, "lock", "min_retention_days") + attrJSON(t, locked, "lock", "max_retention_days"); got != "353650" {
		t.Errorf("locked vault retention %s", got)
	}
	if got := attrJSON(t, mustResource(t, f, mototest.BackupVaultID(seed.GovernanceVault)), "lock", "mode"); got != `"governance"` {
		t.Errorf("governance vault mode %s", got)
	}
	if open := mustResource(t, f, mototest.BackupVaultID(seed.OpenVault)); open.Attributes["lock"] != nil || open.Attributes["locked"] != false {
		t.Errorf("open vault: lock %v locked %v", open.Attributes["lock"], open.Attributes["locked"])
	}
	wantPoints := `[{"all_encrypted":false,"completed":2,"continuous":false,"count":3,"encryption_key_arns":["arn:aws:kms:eu-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"],"min_delete_after_days":7,"newest_completed":"2026-11-19T03:30:00Z","oldest_completed":"2026-11-18T03:30:00Z","resource_arn":"arn:aws:dynamodb:eu-west-2:123456789012:table/sde-good-table","resource_type":"DynamoDB","statuses":{"COMPLETED":2,"PARTIAL":1}},` +
		`{"all_encrypted":true,"completed":1,"continuous":true,"count":1,"encryption_key_arns":["arn:aws:kms:eu-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"],"newest_completed":"2026-11-16T06:40:00Z","oldest_completed":"2026-11-16T06:40:00Z","resource_arn":"arn:aws:s3:::sde-good-data","resource_type":"S3","statuses":{"COMPLETED":1}}]`
	if got := attrJSON(t, locked, "recovery_points"); got != wantPoints {
		t.Errorf("recovery points:\n got %s\nwant %s", got, wantPoints)
	}
	if got := attrJSON(t, mustResource(t, f, mototest.BackupVaultID(seed.OpenVault)), "recovery_points"); got != "[]" {
		t.Errorf("open vault recovery points %s", got)
	}

	daily := mustResource(t, f, mototest.BackupPlanID(seed.DailyPlan))
	wantRules := `[{"copy_actions":[{"destination_backup_vault_arn":"arn:aws:backup:eu-west-1:123456789012:backup-vault:sde-dr","lifecycle":{"delete_after_days":35}}],"enable_continuous_backup":false,"lifecycle":{"delete_after_days":35},"rule_name":"daily-35d","schedule_expression":"cron(0 3 * * ? *)","target_backup_vault_name":"sde-vault-locked"}]`
	if got := attrJSON(t, daily, "rules"); !sameJSONIgnoring(t, got, wantRules, "start_window_minutes", "completion_window_minutes", "schedule_expression_timezone") {
		t.Errorf("daily rules:\n got %s\nwant %s", got, wantRules)
	}
	sel := attrJSON(t, daily, "selections")
	for _, want := range []string{`"string_equals":[{"key":"aws:ResourceTag/data-classification","value":"identifiable"}]`, `"string_not_equals":[{"key":"aws:ResourceTag/backup","value":"exclude"}]`,
		`"list_of_tags":[{"condition_type":"STRINGEQUALS","key":"project","value":"sde"}]`, `"not_resources":["arn:aws:dynamodb:eu-west-2:123456789012:table/sde-scratch-*"]`, `"resources":["*"]`} {
		if !strings.Contains(sel, want) {
			t.Errorf("selections lack %s:\n%s", want, sel)
		}
	}

	jobs := mustResource(t, f, "aws://123456789012/eu-west-2/backup/jobs")
	for key, want := range map[string]string{
		"since":                 `"2026-10-16T09:00:00Z"`,
		"backup_jobs":           `[{"completed":1,"failed":0,"in_progress_or_other":0,"last_completed":"2026-11-19T03:30:00Z","resource_arn":"arn:aws:dynamodb:eu-west-2:123456789012:table/sde-good-table","resource_type":"DynamoDB"},{"completed":0,"failed":1,"in_progress_or_other":0,"last_failed":"2026-11-17T03:31:00Z","last_failure_message":"Backup job failed because the IAM role could not be assumed","resource_arn":"arn:aws:rds:eu-west-2:123456789012:db:sde-good-db","resource_type":"RDS"}]`,
		"copy_jobs":             `[{"completed":1,"destination_vault_arns":["arn:aws:backup:eu-west-1:123456789012:backup-vault:sde-dr"],"failed":0,"in_progress_or_other":0,"last_completed":"2026-11-19T04:00:00Z","resource_arn":"arn:aws:dynamodb:eu-west-2:123456789012:table/sde-good-table","resource_type":"DynamoDB"}]`,
		"restore_jobs":          `[{"completion_date":"2026-11-16T06:40:00Z","creation_date":"2026-11-16T06:00:00Z","recovery_point_arn":"arn:aws:backup:eu-west-2:123456789012:recovery-point:2EB3B5E7-9EB0-435A-A80B-108B488B0D45","resource_type":"DynamoDB","restore_job_id":"r-5e6f7a8b-dddd-4d8e-9a5b-1c2d3e4f5a6b","restore_testing_plan_arn":"arn:aws:backup:eu-west-2:123456789012:restore-testing-plan:sde_monthly_restore-1a2b3c","source_resource_arn":"arn:aws:dynamodb:eu-west-2:123456789012:table/sde-good-table","status":"COMPLETED","validation_status":"SUCCESSFUL"}]`,
		"restore_testing_plans": `[{"arn":"arn:aws:backup:eu-west-2:123456789012:restore-testing-plan:sde_monthly_restore-1a2b3c","last_execution_time":"2026-11-16T06:00:00Z","name":"sde_monthly_restore","schedule_expression":"cron(0 6 ? * 2#3 *)"}]`,
	} {
		if got := attrJSON(t, jobs, key); got != want {
			t.Errorf("jobs %s:\n got %s\nwant %s", key, got, want)
		}
	}

	good := mustResource(t, f, mototest.EFSID(seed.BackedUpFS))
	if good.Attributes["automatic_backups"] != true || good.Attributes["encrypted"] != true || good.Tags["data-classification"] != "pseudonymised" {
		t.Errorf("backed-up file system: %v tags %v", good.Attributes, good.Tags)
	}
	bare := mustResource(t, f, mototest.EFSID(seed.BareFS))
	if bare.Attributes["automatic_backups"] != false || bare.Attributes["encrypted"] != false || bare.Attributes["backup_policy_status"] != "NONE" {
		t.Errorf("bare file system: %v", bare.Attributes)
	}
	// The join: what protects each file system is on it.
	bareBackup := attrJSON(t, bare, "backup")
	for _, want := range []string{`"native":[{"enabled":false,"mechanism":"efs-automatic-backups"}]`, `"selection":"identifiable-data"`, `"plan_name":"sde-daily"`, `"plan_name":"sde-weekly"`,
		`"recovery_points":{"completed":0,"count":0}`, `"unresolved":[]`} {
		if !strings.Contains(bareBackup, want) {
			t.Errorf("bare file system's backup lacks %s:\n%s", want, bareBackup)
		}
	}
	if strings.Contains(bareBackup, "research-tables") {
		t.Errorf("bare file system selected by research-tables (DynamoDB and RDS only): %s", bareBackup)
	}
	goodBackup := attrJSON(t, good, "backup")
	if !strings.Contains(goodBackup, `"selected_by":[]`) || !strings.Contains(goodBackup, `{"enabled":true,"mechanism":"efs-automatic-backups"}`) {
		t.Errorf("backed-up file system's backup: %s", goodBackup)
	}
	assertDeterministic(t, front.Config(), f)
}

// sameJSONIgnoring compares two JSON arrays of objects, dropping the named keys
// from the first (values the emulator fills in by default).
func sameJSONIgnoring(t *testing.T, got, want string, drop ...string) bool {
	t.Helper()
	var g, w []map[string]any
	if err := json.Unmarshal([]byte(got), &g); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatal(err)
	}
	for _, m := range g {
		for _, d := range drop {
			delete(m, d)
		}
	}
	return reflect.DeepEqual(g, w)
}

// TestCollectBackupFailures: a Backup or EFS call that fails (moto's own 404 for
// an unimplemented action, access denied) leaves out exactly what depended on it,
// with a collect error naming the API and the resource: a vault whose recovery
// points could not be listed has no recovery_points (not an empty list), a plan
// whose selections could not be read has no selections, and so on.
func TestCollectBackupFailures(t *testing.T) {
	moto := mototest.Start(t)
	seed := moto.SeedBackup(t)
	notImplemented := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusNotFound)
		_, _ = io.WriteString(w, "<html><title>404: Not Found</title>The backup method has not been implemented</html>")
	})

	t.Run("moto's unimplemented calls", func(t *testing.T) {
		f := Collect(context.Background(), moto.WithBackup(t, notImplemented).Config(), Options{Version: "test", Now: fixedNow})
		if f.Runs[0].Status != checks.RunPartial {
			t.Fatalf("run %s, want partial", f.Runs[0].Status)
		}
		apis := map[string]int{}
		for _, e := range f.Runs[0].Errors {
			if e.Service != "backup" {
				t.Errorf("unexpected error %+v", e)
				continue
			}
			apis[e.API]++
		}
		want := map[string]int{"ListBackupSelections": 2, "ListRecoveryPointsByBackupVault": 3, "ListBackupJobs": 1, "ListCopyJobs": 1, "ListRestoreJobs": 1, "ListRestoreTestingPlans": 1}
		if !reflect.DeepEqual(apis, want) {
			t.Errorf("errors per API %v, want %v", apis, want)
		}
		for _, v := range []string{seed.LockedVault, seed.GovernanceVault, seed.OpenVault} {
			r := mustResource(t, f, mototest.BackupVaultID(v))
			if _, ok := r.Attributes["recovery_points"]; ok {
				t.Errorf("%s has recovery_points although they could not be listed", r.ID)
			}
			if r.Attributes["lock"] == nil && v != seed.OpenVault {
				t.Errorf("%s lost its lock, which was read", r.ID)
			}
		}
		for _, p := range []string{seed.DailyPlan, seed.WeeklyPlan} {
			r := mustResource(t, f, mototest.BackupPlanID(p))
			if _, ok := r.Attributes["selections"]; ok {
				t.Errorf("%s has selections although they could not be read", r.ID)
			}
			if _, ok := r.Attributes["rules"]; !ok {
				t.Errorf("%s lost its rules, which were read", r.ID)
			}
		}
		if jobs := resourceByID(f, "aws://123456789012/eu-west-2/backup/jobs"); jobs != nil {
			t.Errorf("a jobs resource although no job listing could be read: %v", jobs.Attributes)
		}
		// What could not be read is absent from the file systems' backup, not empty.
		for _, fsID := range []string{seed.BackedUpFS, seed.BareFS} {
			b, _ := mustResource(t, f, mototest.EFSID(fsID)).Attributes["backup"].(map[string]any)
			if b == nil {
				t.Fatalf("file system %s has no backup attribute", fsID)
			}
			for _, k := range []string{"aws_backup", "recovery_points", "restore_jobs"} {
				if _, ok := b[k]; ok {
					t.Errorf("file system %s: backup.%s present although it could not be read", fsID, k)
				}
			}
		}
	})

	t.Run("access denied", func(t *testing.T) {
		denied := moto.Deny(t, func(q mototest.Request) bool {
			return q.Service == "backup" || q.Service == "elasticfilesystem"
		})
		f := Collect(context.Background(), denied.Config(), Options{Version: "test", Now: fixedNow})
		for _, typ := range []string{"aws.backup.vault", "aws.backup.plan", "aws.efs.file_system"} {
			for _, r := range f.Resources {
				if r.Type == typ {
					t.Errorf("%s collected although its listing was denied", r.ID)
				}
			}
		}
		apis := map[string]bool{}
		for _, e := range f.Runs[0].Errors {
			apis[e.Service+":"+e.API] = true
			if !strings.Contains(e.Message, "AccessDenied") {
				t.Errorf("error %+v does not say access was denied", e)
			}
		}
		for _, want := range []string{"backup:ListBackupPlans", "backup:ListBackupVaults", "backup:ListBackupJobs", "backup:ListRestoreTestingPlans", "efs:DescribeFileSystems"} {
			if !apis[want] {
				t.Errorf("no error for %s (errors: %v)", want, apis)
			}
		}
		// No jobs resource when no job listing could be read.
		if jobs := resourceByID(f, "aws://123456789012/eu-west-2/backup/jobs"); jobs != nil {
			t.Errorf("jobs resource with every listing denied: %v", jobs.Attributes)
		}
	})
}
