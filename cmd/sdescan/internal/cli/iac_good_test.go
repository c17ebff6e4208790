package cli

import (
	"encoding/json"
	"testing"
)

// TestIACGoodFixturePasses: a fixture called good has no failing finding at or
// above its gate, and its gate is the strictest (--fail-on low): not one check,
// sdescan's or Trivy's, fails on it, none errors, and its collector run is ok.
func TestIACGoodFixturePasses(t *testing.T) {
	iacRepo(t)
	for _, dir := range []string{"fixtures/iac/terraform/good", "fixtures/iac/terraform/azure-good", "fixtures/iac/arm/good"} {
		t.Run(dir, func(t *testing.T) {
			code, out, stderr := runIAC(t, dir, "--as-of", "2026-11-25", "--fail-on", "low", "--format", "json")
			if code != ExitOK || stderr != "" {
				t.Errorf("exit %d, stderr %q; want 0 and nothing", code, stderr)
			}
			var a iacAssessment
			if err := json.Unmarshal([]byte(out), &a); err != nil {
				t.Fatal(err)
			}
			for _, f := range a.Findings {
				if f.Status == "fail" || f.Status == "error" {
					t.Errorf("%s %s on %s: %v", f.CheckID, f.Status, f.ResourceID, f.Messages)
				}
			}
			for _, r := range a.CollectorRuns {
				if r.Status != "ok" || len(r.Errors) > 0 {
					t.Errorf("collector run %s: %v", r.Status, r.Errors)
				}
			}
			if len(a.Findings) == 0 {
				t.Error("no findings at all: nothing was checked")
			}
		})
	}
}
