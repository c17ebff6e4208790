package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// opennessFakeKey has the shape of an AWS access key id; it is committed, then
// deleted. Assembled from parts, so that this file holds none.
const opennessFakeKey = "AK" + "IA" + "V3N6Q2R7T4W5Y2L6"

func opennessRepo(t *testing.T) string {
	t.Helper()
	root := filepath.Join(t.TempDir(), "analysis")
	repo, err := git.PlainInit(root, false)
	if err != nil {
		t.Fatal(err)
	}
	wt, _ := repo.Worktree()
	commit := func(i int, files map[string]string, remove ...string) {
		for p, c := range files {
			f := filepath.Join(root, p)
			os.MkdirAll(filepath.Dir(f), 0o755)
			if err := os.WriteFile(f, []byte(c), 0o644); err != nil {
				t.Fatal(err)
			}
			wt.Add(p)
		}
		for _, p := range remove {
			wt.Remove(p)
		}
		sig := &object.Signature{Name: "a", Email: "a@example.org", When: time.Date(2026, 1, 5, i, 0, 0, 0, time.UTC)}
		if _, err := wt.Commit("c", &git.CommitOptions{Author: sig, Committer: sig}); err != nil {
			t.Fatal(err)
		}
	}
	commit(1, map[string]string{"run.py": "print(1)\n", "settings.py": "KEY = '" + opennessFakeKey + "'\n"})
	commit(2, map[string]string{"cohort.csv": "id\n1\n"}, "settings.py")
	return root
}

func TestOpennessCommand(t *testing.T) {
	repo := opennessRepo(t)
	facts := filepath.Join(t.TempDir(), "facts.json")
	cases := []struct {
		name     string
		args     []string
		code     int
		contains []string
	}{
		{"table", []string{"openness", repo}, 0, []string{"analysis", "none", "OPEN-008", "OPEN-009"}},
		{"markdown", []string{"openness", repo, "--format", "md"}, 0, []string{"| analysis |", "## Failing checks", "aws-access-key-id"}},
		{"json and facts", []string{"openness", repo, "--format", "json", "--save-facts", facts}, 0, []string{`"rap_level": "none"`}},
		{"gate", []string{"openness", repo, "--fail-on", "critical"}, ExitGateFailed, nil},
		{"recursive", []string{"openness", "--recursive", filepath.Dir(repo)}, 0, []string{"analysis"}},
		{"no input", []string{"openness"}, ExitInput, nil},
		{"bad format", []string{"openness", repo, "--format", "xml"}, ExitInput, nil},
		{"not a directory", []string{"openness", filepath.Join(repo, "run.py")}, ExitInput, nil},
		{"strict, not a repository", []string{"openness", t.TempDir(), "--strict"}, ExitIncomplete, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := Main(context.Background(), c.args, &out, &errb)
			if code != c.code {
				t.Fatalf("exit %d, want %d; stderr %s", code, c.code, errb.String())
			}
			all := out.String() + errb.String()
			for _, s := range c.contains {
				if !strings.Contains(out.String(), s) {
					t.Errorf("output lacks %q:\n%s", s, out.String())
				}
			}
			if strings.Contains(all, opennessFakeKey) || strings.Contains(all, opennessFakeKey[4:]) {
				t.Fatal("the committed key appears in the output")
			}
			if c.name == "json and facts" {
				var v map[string]any
				if err := json.Unmarshal(out.Bytes(), &v); err != nil {
					t.Fatalf("json: %v", err)
				}
				data, err := os.ReadFile(facts)
				if err != nil || strings.Contains(string(data), opennessFakeKey) {
					t.Fatalf("facts file: %v (or it holds the key)", err)
				}
				// The RAP level is judged in evaluation: the facts carry none.
				if strings.Contains(string(data), `"rap_`) {
					t.Errorf("the facts file records a RAP level: %s", data)
				}
				// The saved facts feed evaluate: guideline 9 of sde-2022 is judged by the OPEN checks.
				var eo, ee bytes.Buffer
				Main(context.Background(), []string{"evaluate", facts, "--format", "json", "--framework", "sde-2022"}, &eo, &ee)
				if !strings.Contains(eo.String(), "OPEN-001") {
					t.Errorf("evaluate of the saved facts does not cite OPEN-001: %s", ee.String())
				}
			}
		})
	}
}

// With a token, a plain-HTTP --github-url beyond loopback is a usage error, before
// any request; the token is not in the message.
func TestOpennessRefusesPlainHTTPWithToken(t *testing.T) {
	const token = "ghp_" + "CANARYcanaryCANARYcanaryCANARYcanary"
	t.Setenv("GITHUB_TOKEN", token)
	var out, errb bytes.Buffer
	code := Main(context.Background(), []string{"openness", "--github-org", "nhs-example", "--github-url", "http://example.invalid", "--no-cache"}, &out, &errb)
	if code != ExitInput || !strings.Contains(errb.String(), "--github-url http://example.invalid: refusing to send the GitHub token over plain HTTP") {
		t.Fatalf("exit %d, stderr %q", code, errb.String())
	}
	if strings.Contains(out.String()+errb.String(), token) {
		t.Fatal("the token appears in the output")
	}
}

func TestOpennessPublicationExceptions(t *testing.T) {
	_, cat, err := builtinCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "att.yaml")
	body := `attestations:
  - id: publication-exceptions
    attested_by: Jo Bloggs
    date: "2026-01-02"
    statement: Cohort model code stays private until the paper is published.
    details:
      repositories: "nhs-example/cohort-private, nhs-example/other"
  - id: publication-exceptions
    attested_by: Jo Bloggs
    date: "2020-01-02"
    statement: An exception that has long expired.
    details:
      repositories: nhs-example/old
`
	if err := os.WriteFile(file, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := publicationExceptions([]string{file}, cat, time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, " ") != "nhs-example/cohort-private nhs-example/other" {
		t.Errorf("exceptions %v", got)
	}
}
