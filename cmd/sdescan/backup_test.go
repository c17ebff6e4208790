package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sdescan/sdescan/collectors/aws/mototest"
)

// TestBackupCommand: the backup review of the demo estate on the built binary, in
// each format, and its input errors.
func TestBackupCommand(t *testing.T) {
	dir := t.TempDir()
	r := run(t, dir, "backup", "--demo")
	if r.code != 0 || !strings.Contains(r.stdout, "sde-prod-research-raw") || !strings.Contains(r.stdout, "What to do, most important first:") {
		t.Fatalf("backup --demo: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	var rv struct {
		Stores []struct {
			Name, Status string
		} `json:"stores"`
		RestoreTest string `json:"restore_test"`
	}
	j := run(t, dir, "backup", "--demo", "--format", "json")
	if err := json.Unmarshal([]byte(j.stdout), &rv); err != nil || j.code != 0 {
		t.Fatalf("json: exit %d, %v", j.code, err)
	}
	notAssessed := 0
	for _, s := range rv.Stores {
		if strings.HasPrefix(s.Name, "sde-dev-") && s.Status != "not_assessed" {
			t.Errorf("%s is %s: account 222222222222 denies AWS Backup, so it cannot be met or not met", s.Name, s.Status)
		}
		if s.Status == "not_assessed" {
			notAssessed++
		}
	}
	if notAssessed != 2 || rv.RestoreTest != "valid" {
		t.Errorf("%d stores not assessed, restore test %q", notAssessed, rv.RestoreTest)
	}
	// A stricter restore-test age (the demo's test is 171 days old) expires it, and the
	// plan's first item says to repeat it.
	if err := os.WriteFile(filepath.Join(dir, "strict.yaml"), []byte("backup:\n  restore_test_max_age_days: 90\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// (The table is fitted to the width: its text is compared with the line breaks undone.)
	if s := run(t, dir, "backup", "--demo", "--config", "strict.yaml"); s.code != 0 || !strings.Contains(strings.Join(strings.Fields(s.stdout), " "), "restore test: expired") ||
		!strings.Contains(s.stdout, "1. The restore test attestation is out of date") {
		t.Errorf("restore_test_max_age_days 90: exit %d\n%s%s", s.code, s.stdout, s.stderr)
	}
	if m := run(t, dir, "backup", "--demo", "--format", "md"); m.code != 0 || !strings.HasPrefix(m.stdout, "# Backup review") {
		t.Errorf("md: exit %d\n%s", m.code, m.stdout)
	}
	for _, bad := range [][]string{{"backup"}, {"backup", "--demo", "--format", "sarif"}, {"backup", "--demo", "facts.json"}, {"backup", "missing.json"}} {
		if b := run(t, dir, bad...); b.code != 2 || strings.Count(strings.TrimSpace(b.stderr), "\n") > 0 {
			t.Errorf("%v: exit %d, stderr %q: want 2 and one line", bad, b.code, b.stderr)
		}
	}
}

// TestBackupAWSAgainstMoto is the backup review's acceptance: against moto (with
// the AWS Backup calls moto lacks answered from recorded responses timed relative
// to now), `sdescan backup --aws --region eu-west-2 --format json` gives each store
// of the seeded estate the expected BKP statuses.
func TestBackupAWSAgainstMoto(t *testing.T) {
	moto := mototest.Start(t)
	moto.SeedBackupReview(t)
	front := moto.WithBackup(t, mototest.RecordedBackup(mototest.BackupReviewResponses(time.Now())))
	dir := t.TempDir()
	r := runEnv(t, dir, awsEnv(t, front), "backup", "--aws", "--region", "eu-west-2", "--format", "json")
	if r.code != 0 {
		t.Fatalf("backup --aws: exit %d\n%s", r.code, r.stderr)
	}
	var rv struct {
		Stores []struct {
			ID         string            `json:"id"`
			Status     string            `json:"status"`
			Checks     map[string]string `json:"checks"`
			Mechanisms []string          `json:"mechanisms"`
		} `json:"stores"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &rv); err != nil {
		t.Fatal(err)
	}
	got := map[string]map[string]string{}
	status := map[string]string{}
	for _, s := range rv.Stores {
		got[s.ID], status[s.ID] = s.Checks, s.Status
		// The database's manual snapshot is among its mechanisms.
		if s.ID == mototest.ReviewID("rds/db-instance", mototest.ReviewDB) && !slices.Contains(s.Mechanisms, "rds-snapshots") {
			t.Errorf("%s: mechanisms %v, want rds-snapshots among them", s.ID, s.Mechanisms)
		}
	}
	// not_applicable results are left out of a row's checks: BKP-003 and BKP-005 judge
	// only stores with recovery points.
	want := map[string]map[string]string{
		mototest.ReviewID("dynamodb/table", mototest.ReviewTable): {"BKP-001": "fail", "BKP-002": "pass", "BKP-004": "fail", "BKP-006": "pass"},
		mototest.ReviewID("s3/bucket", mototest.ReviewTagged): {"BKP-001": "pass", "BKP-002": "pass", "BKP-003": "pass", "BKP-004": "pass",
			"BKP-005": "error", // moto's vaults do not say their key type: not assessed, never passed
			"BKP-006": "pass"},
		mototest.ReviewID("rds/db-instance", mototest.ReviewDB): {"BKP-001": "fail", "BKP-002": "pass", "BKP-004": "fail", "BKP-006": "fail"},
		mototest.ReviewID("s3/bucket", mototest.ReviewBare):     {"BKP-001": "fail", "BKP-002": "fail", "BKP-004": "fail", "BKP-006": "fail"},
		mototest.ReviewID("s3/bucket", mototest.ReviewStale):    {"BKP-001": "pass", "BKP-002": "fail", "BKP-003": "fail", "BKP-004": "pass", "BKP-005": "error", "BKP-006": "pass"},
	}
	for id, checks := range want {
		if !reflect.DeepEqual(got[id], checks) {
			t.Errorf("%s: %v, want %v", id, got[id], checks)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d stores reviewed, want %d: %v", len(got), len(want), status)
	}
}
