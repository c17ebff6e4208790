package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestScanIaC: scan assesses infrastructure code named by --iac or iac.paths with
// the estate, in one assessment and one pack that verify re-derives (Trivy's
// failures are recorded as facts); a waiver file shared with `sdescan iac` may
// cite Trivy's IDs; what cannot be assessed is a collection error, never a pass.
func TestScanIaC(t *testing.T) {
	iacRepo(t)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "sdescan.yaml")
	root, _ := os.Getwd()
	// Paths in the configuration are relative to it.
	rel, err := filepath.Rel(dir, filepath.Join(root, "fixtures", "iac", "terraform", "bad"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cfg, []byte("iac:\n  paths: ["+rel+"]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	waivers := filepath.Join(dir, "waivers.yaml")
	if err := os.WriteFile(waivers, []byte(`waivers:
  - id: W-IAC
    check: AVD-AWS-0089
    resource: "iac:*"
    reason: Bucket access logging is out of scope for the fixture tree.
    approver: Test Approver
    approved_on: "2026-06-01"
    expires: "2027-05-31"
`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
		path string // how the files are reported
	}{
		{"flag", []string{"--iac", "fixtures/iac/terraform/bad"}, "fixtures/iac/terraform/bad/main.tf"},
		{"config", []string{"--config", cfg}, rel + "/main.tf"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pack := filepath.Join(t.TempDir(), "pack.zip")
			var out, errb bytes.Buffer
			args := append([]string{"scan", "--demo", "--waivers", waivers, "--format", "json", "--pack", pack}, tc.args...)
			if code := Main(context.Background(), args, &out, &errb); code != 0 {
				t.Fatalf("exit %d: %s", code, errb.String())
			}
			if !strings.Contains(errb.String(), "not_assessed: "+tc.path+": module \"network\"") {
				t.Errorf("the remote module is not reported as not assessed:\n%s", errb.String())
			}
			var a struct {
				Checks []struct {
					ID                 string `json:"id"`
					Status             string `json:"status"`
					Pass, Fail, Waived int
				} `json:"checks"`
				Findings []struct {
					CheckID    string `json:"check_id"`
					ResourceID string `json:"resource_id"`
					Status     string `json:"status"`
				} `json:"findings"`
				CollectorRuns []struct {
					Collector string `json:"collector"`
					Status    string `json:"status"`
				} `json:"collector_runs"`
			}
			if err := json.Unmarshal(out.Bytes(), &a); err != nil {
				t.Fatal(err)
			}
			seen := map[string]string{}
			for _, f := range a.Findings {
				if strings.HasPrefix(f.ResourceID, "iac:"+tc.path) && seen[f.CheckID] != "fail" {
					seen[f.CheckID] = f.Status
				}
			}
			for id, want := range map[string]string{"AWS-0086": "fail", "IAC-S3-001": "fail", "IAC-SM-001": "fail", "AWS-0089": "fail"} {
				if seen[id] != want {
					t.Errorf("%s on %s: %q, want %q", id, tc.path, seen[id], want)
				}
			}
			for _, c := range a.Checks {
				if c.ID == "AWS-0089" && c.Waived == 0 {
					t.Errorf("AWS-0089 is not waived by the waiver citing AVD-AWS-0089: %+v", c)
				}
			}
			var iacRun string
			for _, r := range a.CollectorRuns {
				if r.Collector == "iac" {
					iacRun = r.Status
				}
			}
			if iacRun != "partial" {
				t.Errorf("iac collector run: %q, want partial (a remote module was not assessed)", iacRun)
			}
			var vout, verr bytes.Buffer
			if code := Main(context.Background(), []string{"verify", pack}, &vout, &verr); code != 0 {
				t.Fatalf("verify: exit %d: %s%s", code, vout.String(), verr.String())
			}
		})
	}
}

// TestScanIaCDeterministic: the same code gives the same facts byte for byte.
// Trivy's evaluator stands in random UUIDs for computed references (a bucket's
// KMS key set to aws_kms_key.x.arn, in a nested block): those are unknown in the
// facts, never the UUID.
func TestScanIaCDeterministic(t *testing.T) {
	iacRepo(t)
	var facts [2][]byte
	for i := range facts {
		file := filepath.Join(t.TempDir(), "facts.json")
		var out, errb bytes.Buffer
		if code := Main(context.Background(), []string{"scan", "--iac", "fixtures/demo/iac", "--as-of", "2026-11-25", "--save-facts", file, "--format", "json"}, &out, &errb); code != 0 {
			t.Fatalf("exit %d: %s", code, errb.String())
		}
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		facts[i] = data
	}
	if !bytes.Equal(facts[0], facts[1]) {
		t.Error("two scans of the same code give different facts")
	}
	if !bytes.Contains(facts[0], []byte(`"sse_algorithm": "aws:kms"`)) || bytes.Contains(facts[0], []byte(`"kms_master_key_id"`)) {
		t.Error("the nested kms_master_key_id (aws_kms_key.sde.arn) should be unknown (absent) beside the known sse_algorithm")
	}
}
