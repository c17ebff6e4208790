package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestConfigImageAndAzure: image.max_db_age_days and the azure settings are
// read, validated and reach the checks' parameters; bad values are refused
// with the key named.
func TestConfigImageAndAzure(t *testing.T) {
	dir := t.TempDir()
	load := func(body string) (*Config, error) {
		t.Helper()
		file := filepath.Join(dir, "sdescan.yaml")
		if err := os.WriteFile(file, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return loadConfig(file)
	}
	c, err := load("image:\n  max_db_age_days: 3\nazure:\n  policy_initiatives: [/providers/Microsoft.Management/managementGroups/nhs/providers/Microsoft.Authorization/policySetDefinitions/sde-baseline]\n" +
		"  guest_object_ids: [0b1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d]\n")
	if err != nil {
		t.Fatal(err)
	}
	if c.Image.MaxDBAgeDays != 3 || len(c.Azure.PolicyInitiatives) != 1 || len(c.Azure.GuestObjectIDs) != 1 {
		t.Fatalf("config %+v", c)
	}
	for body, want := range map[string]string{
		"image:\n  max_db_age_days: -1\n":                   "image.max_db_age_days must not be negative",
		"image:\n  max_db_age: 3\n":                         "max_db_age",
		"azure:\n  policy_initiatives: [uk-nhs]\n":          "azure.policy_initiatives",
		"azure:\n  guest_object_ids: [alice@nhs.example]\n": "azure.guest_object_ids",
	} {
		if _, err := load(body); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want one containing %q", body, err, want)
		}
	}
}

// TestImageMaxDBAgeReachesTheCheck: the same image and database give IMG-002
// pass when the database is young enough and not assessed when
// --max-db-age-days makes it too old.
func TestImageMaxDBAgeReachesTheCheck(t *testing.T) {
	p := imageFixtures(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--db", p["emptyDB"]}, "pass"},
		{[]string{"--db", p["emptyDB"], "--max-db-age-days", "3"}, "error"},
	} {
		code, out, errb := runImage(t, append([]string{p["current"], "--format", "json", "--as-of", "2026-11-25"}, tc.args...)...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", tc.args, code, errb)
		}
		st, msg := statuses(t, out)
		if st["IMG-002"] != tc.want {
			t.Errorf("%v: IMG-002 %s (%s), want %s", tc.args, st["IMG-002"], msg["IMG-002"], tc.want)
		}
	}
	if code, _, errb := runImage(t, p["current"], "--max-db-age-days", "0"); code != ExitInput || !strings.Contains(errb, "--max-db-age-days") {
		t.Errorf("--max-db-age-days 0: exit %d, %s", code, errb)
	}
}
