package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// TestOpennessOfSdescan: sdescan passes its own openness checks. `sdescan
// openness` on this repository (read offline with go-git: the files at HEAD and
// the history, nothing fetched) gives a pass for the licence, README, CI, tests,
// dependencies, changelog and data-file checks. It judges what is committed at
// HEAD, not the working tree.
func TestOpennessOfSdescan(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", "..", "..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, ".git")); err != nil {
		t.Skipf("%s is not a git checkout (%v): openness reads a repository's history", root, err)
	}
	r := runCLI(t, "openness", root, "--format", "json")
	if r.code != ExitOK {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	var out struct {
		Findings []struct {
			CheckID  string   `json:"check_id"`
			Status   string   `json:"status"`
			Messages []string `json:"messages"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatal(err)
	}
	status := map[string]string{}
	messages := map[string][]string{}
	for _, f := range out.Findings {
		status[f.CheckID], messages[f.CheckID] = f.Status, f.Messages
	}
	for _, tc := range []struct{ id, what string }{
		{"OPEN-001", "an OSI-approved licence"},
		{"OPEN-002", "a README that says what the code does and how to run it"},
		{"OPEN-003", "continuous integration"},
		{"OPEN-004", "automated tests"},
		{"OPEN-005", "dependencies declared and locked"},
		{"OPEN-006", "tags, releases or a changelog"},
		{"OPEN-008", "no credential committed, in any commit (documented example keys and placeholders are not credentials)"},
		{"OPEN-009", "no data files or session histories"},
	} {
		t.Run(tc.id, func(t *testing.T) {
			if status[tc.id] != "pass" {
				t.Errorf("%s (%s): %q, want pass: %v", tc.id, tc.what, status[tc.id], messages[tc.id])
			}
		})
	}
}
