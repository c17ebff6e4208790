package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDiffCommand drives sdescan diff on packs (zip and directory) and
// assessment JSON files built by the binary: the demo as collected, and the same
// estate judged seven months later, when evidence has lapsed.
func TestDiffCommand(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"scan", "--demo", "--pack", "old.zip", "--output-dir", "old"},
		{"scan", "--demo", "--as-of", "2027-06-15", "--pack", "new.zip", "--output-dir", "new"},
		{"scan", "--demo", "--as-of", "2027-06-15", "--pack-dir", "newdir"},
	} {
		if r := run(t, dir, args...); r.code != 0 {
			t.Fatalf("%v: %+v", args, r)
		}
	}

	tests := []struct {
		name   string
		args   []string
		code   int
		stdout []string // substrings of stdout
		stderr string   // substring of stderr; "" means stderr must be empty
	}{
		{name: "packs", args: []string{"diff", "old.zip", "new.zip"},
			stdout: []string{
				"sdescan diff: OLD old.zip (as of 2026-11-20T09:00:00Z) → NEW new.zip (as of 2027-06-15T00:00:00Z)",
				"Risk score 66.8 RED → ",
				"│ worsened │ dspt-caf ",
				"│ attestation │ pentest ",
				"│ waiver      │ W-001 ",
				"active → expired",
			}},
		{name: "worse fails the gate", args: []string{"diff", "old.zip", "new.zip", "--fail-on-worse"}, code: 1,
			stdout: []string{"Risk score"}, stderr: "sdescan: worse: risk score 66.8 → "},
		{name: "better passes the gate", args: []string{"diff", "new.zip", "old.zip", "--fail-on-worse"},
			stdout: []string{"│ improved │ dspt-caf ", "Note: NEW (as of 2026-11-20T09:00:00Z) is older than OLD"}},
		{name: "unchanged passes the gate", args: []string{"diff", "old.zip", "old/assessment.json", "--fail-on-worse"},
			stdout: []string{"(0.0)\nNo measure got better or worse.\n", "Requirements: 0 improved, 0 worsened, 0 changed otherwise", "New failing findings: 0"}},
		{name: "directory pack and JSON", args: []string{"diff", "old/assessment.json", "newdir", "-f", "md"},
			stdout: []string{"## sdescan diff: risk score 66.8 RED → ", "| attestation | pentest | valid → expired | 2027-03-12 |"}},
		{name: "missing input", args: []string{"diff", "old.zip", "absent.zip"}, code: 2,
			stderr: "sdescan: absent.zip: no such file or directory"},
		{name: "not an assessment", args: []string{"diff", "old.zip", "old"}, code: 2,
			stderr: "no manifest.json: not an evidence pack"},
		{name: "one argument", args: []string{"diff", "old.zip"}, code: 2, stderr: "sdescan: diff: want OLD NEW (two assessments, each an evidence pack or an assessment.json file), got 1 argument"},
		{name: "unknown format", args: []string{"diff", "old.zip", "new.zip", "-f", "sarif"}, code: 2,
			stderr: `--format "sarif": want table, json, md`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, dir, tt.args...)
			if r.code != tt.code {
				t.Fatalf("exit %d, want %d: %+v", r.code, tt.code, r)
			}
			for _, s := range tt.stdout {
				if !strings.Contains(r.stdout, s) {
					t.Errorf("stdout has no %q:\n%s", s, r.stdout)
				}
			}
			if tt.stderr == "" && r.stderr != "" || !strings.Contains(r.stderr, tt.stderr) {
				t.Errorf("stderr %q, want %q", r.stderr, tt.stderr)
			}
			if tt.code == 2 && strings.Count(r.stderr, "\n") != 1 {
				t.Errorf("stderr is not one line: %q", r.stderr)
			}
		})
	}

	// The same comparison from zips, a directory and JSON files: the same JSON but
	// for the sources named, and byte-identical when run again.
	diffJSON := func(old, new string) map[string]any {
		r := run(t, dir, "diff", old, new, "-f", "json")
		if r.code != 0 {
			t.Fatalf("diff %s %s: %+v", old, new, r)
		}
		again := run(t, dir, "diff", old, new, "-f", "json")
		if again.stdout != r.stdout {
			t.Fatalf("diff %s %s: two runs differ", old, new)
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(r.stdout), &m); err != nil {
			t.Fatal(err)
		}
		delete(m["old"].(map[string]any), "source")
		delete(m["new"].(map[string]any), "source")
		return m
	}
	want, _ := json.Marshal(diffJSON("old.zip", "new.zip"))
	for _, pair := range [][2]string{{"old/assessment.json", "new/assessment.json"}, {"old.zip", "newdir"}} {
		got, _ := json.Marshal(diffJSON(pair[0], pair[1]))
		if !bytes.Equal(got, want) {
			t.Errorf("diff %s %s differs from the zips'", pair[0], pair[1])
		}
	}
	if r := run(t, dir, "diff", "old.zip", "new.zip", "-o", "diff.md", "-f", "md"); r.code != 0 || r.stdout != "" ||
		!strings.HasPrefix(string(readFile(t, filepath.Join(dir, "diff.md"))), "## sdescan diff: ") {
		t.Errorf("diff -o: %+v", r)
	}

	// A pack that does not match its manifest is refused, unless --no-verify.
	tampered := filepath.Join(dir, "newdir", "assessment.json")
	data := readFile(t, tampered)
	if err := os.WriteFile(tampered, bytes.Replace(data, []byte(`"rag": "red"`), []byte(`"rag": "green"`), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	r := run(t, dir, "diff", "old.zip", "newdir")
	if r.code != 2 || !strings.Contains(r.stderr, "newdir: the pack does not match its manifest (1 problem(s), first: assessment.json: ") || strings.Count(r.stderr, "\n") != 1 {
		t.Errorf("tampered pack: %+v", r)
	}
	r = run(t, dir, "diff", "old.zip", "newdir", "--no-verify")
	if r.code != 0 || !strings.Contains(r.stderr, "warning: newdir does not match its manifest") {
		t.Errorf("tampered pack, --no-verify: %+v", r)
	}
}

// TestPreviousTrend: --previous adds the trend to scan's and report's outputs,
// leaves the evidence pack exactly as it is without it, and refuses a previous
// pack that does not match its manifest.
func TestPreviousTrend(t *testing.T) {
	dir := t.TempDir()
	if r := run(t, dir, "scan", "--demo", "--pack", "old.zip"); r.code != 0 {
		t.Fatalf("scan: %+v", r)
	}
	later := []string{"scan", "--demo", "--as-of", "2027-06-15"}
	r := run(t, dir, append(later, "--previous", "old.zip", "--pack", "new.zip", "--format", "md",
		"--report", "html=board.html", "--report", "table=table.txt", "--output-dir", "out")...)
	if r.code != 0 {
		t.Fatalf("scan --previous: %+v", r)
	}
	trend := "since 2026-11-20T09:00:00Z (was 66.8 RED)."
	if !strings.Contains(r.stdout, "Trend: down ") || !strings.Contains(r.stdout, trend) {
		t.Errorf("md: no trend:\n%s", r.stdout)
	}
	if s := string(readFile(t, filepath.Join(dir, "table.txt"))); !strings.Contains(s, trend) {
		t.Errorf("table: no trend:\n%s", s)
	}
	if s := string(readFile(t, filepath.Join(dir, "board.html"))); !strings.Contains(s, "66.8") || !strings.Contains(s, "Down") {
		t.Errorf("board: no trend")
	}
	var a struct {
		Previous *struct {
			AsOf  string  `json:"as_of"`
			Score float64 `json:"score"`
			RAG   string  `json:"rag"`
		} `json:"previous"`
	}
	if err := json.Unmarshal(readFile(t, filepath.Join(dir, "out", "assessment.json")), &a); err != nil || a.Previous == nil ||
		a.Previous.AsOf != "2026-11-20T09:00:00Z" || a.Previous.Score != 66.8 || a.Previous.RAG != "red" {
		t.Errorf("assessment.json previous: %+v %v", a.Previous, err)
	}

	// The pack is the same bytes as without --previous, and verifies.
	if r := run(t, dir, append(later, "--pack", "plain.zip")...); r.code != 0 {
		t.Fatalf("scan: %+v", r)
	}
	if !bytes.Equal(readFile(t, filepath.Join(dir, "new.zip")), readFile(t, filepath.Join(dir, "plain.zip"))) {
		t.Error("--previous changed the evidence pack")
	}
	if r := run(t, dir, "verify", "new.zip"); r.code != 0 {
		t.Errorf("verify: %+v", r)
	}

	// report --previous, from a pack or from assessment JSON written with a trend.
	for _, prev := range []string{"old.zip", "out/assessment.json"} {
		r := run(t, dir, "report", "new.zip", "-f", "md", "--previous", prev)
		if r.code != 0 || !strings.Contains(r.stdout, "Trend: ") {
			t.Errorf("report --previous %s: %+v", prev, r)
		}
	}
	if r := run(t, dir, "report", "new.zip", "-f", "md"); r.code != 0 || strings.Contains(r.stdout, "Trend: ") {
		t.Errorf("report without --previous: %+v", r)
	}

	// An unreadable or tampered previous is an input error, before any work.
	if err := os.WriteFile(filepath.Join(dir, "bad.json"), []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		append(later, "--previous", "absent.zip"),
		append(later, "--previous", "bad.json"),
		{"report", "new.zip", "--previous", "bad.json"},
	} {
		r := run(t, dir, args...)
		if r.code != 2 || !strings.HasPrefix(r.stderr, "sdescan: --previous ") || strings.Count(r.stderr, "\n") != 1 {
			t.Errorf("%v: %+v", args, r)
		}
	}
}
