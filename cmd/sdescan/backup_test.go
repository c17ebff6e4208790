package main

import (
	"encoding/json"
	"strings"
	"testing"
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
	if m := run(t, dir, "backup", "--demo", "--format", "md"); m.code != 0 || !strings.HasPrefix(m.stdout, "# Backup review") {
		t.Errorf("md: exit %d\n%s", m.code, m.stdout)
	}
	for _, bad := range [][]string{{"backup"}, {"backup", "--demo", "--format", "sarif"}, {"backup", "--demo", "facts.json"}, {"backup", "missing.json"}} {
		if b := run(t, dir, bad...); b.code != 2 || strings.Count(strings.TrimSpace(b.stderr), "\n") > 0 {
			t.Errorf("%v: exit %d, stderr %q: want 2 and one line", bad, b.code, b.stderr)
		}
	}
}
