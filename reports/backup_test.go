package reports

import (
	"bytes"
	"context"
	"io/fs"
	"strings"
	"testing"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/checks/engine"
	"github.com/sdescan/sdescan/collectors"
	"github.com/sdescan/sdescan/fixtures"
)

func demoBackupReview(t *testing.T) *BackupReview {
	t.Helper()
	data, err := fs.ReadFile(fixtures.DemoFS(), fixtures.DemoFacts)
	if err != nil {
		t.Fatal(err)
	}
	f, err := checks.DecodeFactsBytes(data, "demo facts")
	if err != nil {
		t.Fatal(err)
	}
	e, err := engine.New(collectors.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	p := engine.Params{AsOf: f.AsOf()}
	findings, err := e.Evaluate(context.Background(), f, p)
	if err != nil {
		t.Fatal(err)
	}
	return NewBackupReview(f, findings, p, "missing")
}

// TestBackupReviewDemo: the demo estate's classified stores, worst class first,
// with the protections that are there and the plan of what is missing; stores whose
// backup facts could not be read (account 222222222222 denies AWS Backup) are not
// assessed, never met.
func TestBackupReviewDemo(t *testing.T) {
	rv := demoBackupReview(t)
	status := map[string]string{}
	for _, r := range rv.Stores {
		status[r.Name] = r.Status
	}
	want := map[string]string{
		"sde-prod-identifiable-linkage": "met",
		"sde-linkage":                   "met",
		"sde-prod-research-raw":         "not_met", // newest recovery point 3 days old
		"sde-prod-research-curated":     "not_met", // weekly, 7 days, open vault
		"sde-metadata":                  "not_met", // no plan, 1 day of automated backups
		"sde-prod-outputs-approved":     "not_met", // nothing at all
		"sde-prod-reference-data":       "not_met", // weekly plan meets its 168 h RPO, but no lock or copy
		"sde-dev-pseudo-extract":        "not_assessed",
		"sde-dev-synthetic-data":        "not_assessed",
		// The Azure subscription.
		"stgenomicsdata":        "met",     // daily in a locked, geo-redundant, CMK vault
		"stlegacyshare":         "not_met", // identifiable data in no vault at all
		"stairlockexport":       "not_met",
		"tre-metadata":          "not_met", // automated backups only: no LTR, not copied
		"pg-genomics":           "not_met",
		"vm-genomics-01":        "not_met", // newest recovery point 79 hours old
		"vm-genomics-01-data":   "not_met", // protected through its VM, as stale
		"disk-genomics-scratch": "not_met", // a data disk of no VM, in no vault
	}
	for name, w := range want {
		if status[name] != w {
			t.Errorf("%s: %q, want %q", name, status[name], w)
		}
	}
	if len(rv.Stores) != len(want) {
		t.Errorf("%d stores reviewed, want %d: %v", len(rv.Stores), len(want), status)
	}
	if rv.Stores[0].Classification != "identifiable" {
		t.Errorf("first row %s (%s): identifiable stores come first", rv.Stores[0].Name, rv.Stores[0].Classification)
	}
	// The plan starts with the restore test, then the identifiable store left
	// unprotected in Azure, then missing plans and RPO breaches on pseudonymised
	// data, and ends with what could not be assessed.
	if len(rv.Plan) < 3 || !strings.Contains(rv.Plan[0], "restore test") || !strings.Contains(rv.Plan[1], "stlegacyshare (identifiable): protect it in a Recovery Services or Backup vault") ||
		!strings.Contains(rv.Plan[len(rv.Plan)-1], "could not be fully assessed") {
		t.Errorf("plan order: %q", rv.Plan)
	}
	var a, b bytes.Buffer
	if err := WriteBackupTable(&a, rv, 100); err != nil {
		t.Fatal(err)
	}
	if err := WriteBackupTable(&b, demoBackupReview(t), 100); err != nil {
		t.Fatal(err)
	}
	if a.String() != b.String() || !strings.Contains(a.String(), "sde-prod-research-raw") {
		t.Errorf("table not deterministic or incomplete:\n%s", a.String())
	}
	var m bytes.Buffer
	if err := WriteBackupMarkdown(&m, rv); err != nil || !strings.Contains(m.String(), "| sde-linkage | identifiable |") {
		t.Errorf("markdown (%v):\n%s", err, m.String())
	}
}
