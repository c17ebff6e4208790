package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// binary is the sdescan binary built once for these tests: exit codes are a
// property of the real process, so they are tested on it.
var binary string

func TestMain(m *testing.M) {
	flag.Parse()
	dir, err := os.MkdirTemp("", "sdescan-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "sdescan")
	if runtime.GOOS == "windows" {
		binary += ".exe"
	}
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Stdout, build.Stderr = os.Stdout, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building sdescan:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

type result struct {
	code           int
	stdout, stderr string
}

func run(t *testing.T, dir string, args ...string) result {
	t.Helper()
	return runEnv(t, dir, nil, args...)
}

// runEnv runs the binary with extra environment variables.
func runEnv(t *testing.T, dir string, env []string, args ...string) result {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir = dir
	// Table output is fitted to COLUMNS (no terminal here): the same width
	// whatever the environment running the tests says, unless a test sets it.
	cmd.Env = append(append(os.Environ(), "COLUMNS=100"), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running sdescan %v: %v", args, err)
	}
	return result{code, out.String(), errb.String()}
}

func write(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func demoFacts(t *testing.T) string {
	t.Helper()
	p, err := filepath.Abs("../../fixtures/demo/facts.json")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

const badRego = `# METADATA
# title: broken
# custom:
#   id: X-001
#   severity: high
#   resource_types: [aws.s3.bucket]
package sdescan.checks.x.broken

import rego.v1

deny contains "x" if {
	input.resource.attributes.name ==
}
`

// TestExitCodes proves each documented exit code on the built binary, and that
// every input error is one line on stderr naming the file at fault.
func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	facts := demoFacts(t)
	write(t, dir, "bad.json", "{\"resources\": [\n  {\"id\": 1}\n]}\n")
	write(t, dir, "bad-waivers.yaml", "waivers:\n  - check: AWS-S3-001\n    resource: \"*\"\n")
	write(t, dir, "bad-attestations.yaml", "attestations:\n  - id: pentest\n    date: soon\n")
	write(t, dir, "unknown-kind.yaml", "attestations:\n  - id: no-such-kind\n    attested_by: A Person\n    date: \"2026-01-01\"\n    statement: Something that was attested.\n")
	write(t, dir, "nothing.json", `{"tool":{"name":"sdescan","version":"0.1.0"},"collected_at":"2026-11-20T09:00:00Z","runs":[],"resources":[]}`)
	write(t, dir, "bad-config.yaml", "frameworks: [sde-2022]\nno_such_key: 1\n")
	write(t, dir, "not-yaml.yaml", "waivers: [\n")
	write(t, dir, "policies/broken.rego", badRego)
	write(t, dir, "bad-framework.yaml", "id: mine\ntitle: Mine\nversion: \"1\"\nsource: here\nvocabulary: sde\nrequirements:\n  - id: R1\n    title: One\n    checks: [AWS-NOPE-001]\n")

	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string // substring of the one-line message
	}{
		{"version", []string{"version"}, 0, ""},
		{"iam-policy", []string{"iam-policy"}, 0, ""},
		{"demo", []string{"scan", "--demo"}, 0, ""},
		{"evaluate demo facts", []string{"evaluate", facts}, 0, ""},
		{"gate fails on critical", []string{"scan", "--demo", "--fail-on", "critical"}, 1, "gate failed"},
		{"gate from evaluate", []string{"evaluate", facts, "--fail-on", "low"}, 1, "gate failed"},
		{"strict with collector errors", []string{"scan", "--demo", "--strict"}, 3, "scan incomplete"},
		{"strict with nothing collected", []string{"evaluate", "nothing.json", "--strict"}, 3, "no collector run"},
		{"gate wins over strict", []string{"scan", "--demo", "--strict", "--fail-on", "high"}, 1, "gate failed"},
		{"unknown command", []string{"frobnicate"}, 2, "unknown command"},
		{"unknown flag", []string{"scan", "--nope"}, 2, "unknown flag"},
		{"bad severity", []string{"scan", "--demo", "--fail-on", "severe"}, 2, "--fail-on"},
		{"bad format", []string{"scan", "--demo", "--format", "xml"}, 2, "--format"},
		{"scan without source", []string{"scan"}, 2, "--demo"},
		{"missing facts", []string{"evaluate", "nope.json"}, 2, "nope.json"},
		{"malformed facts", []string{"evaluate", "bad.json"}, 2, "bad.json"},
		{"malformed waivers", []string{"evaluate", facts, "--waivers", "bad-waivers.yaml"}, 2, "bad-waivers.yaml"},
		{"waivers not yaml", []string{"evaluate", facts, "--waivers", "not-yaml.yaml"}, 2, "not-yaml.yaml"},
		{"malformed attestations", []string{"evaluate", facts, "--attestations", "bad-attestations.yaml"}, 2, "bad-attestations.yaml"},
		{"unknown attestation kind", []string{"evaluate", facts, "--attestations", "unknown-kind.yaml"}, 2, "unknown-kind.yaml"},
		{"malformed config", []string{"evaluate", facts, "--config", "bad-config.yaml"}, 2, "bad-config.yaml"},
		{"malformed rego", []string{"evaluate", facts, "--policy", "policies"}, 2, "broken.rego:"},
		{"framework citing unknown check", []string{"evaluate", facts, "--framework-file", "bad-framework.yaml"}, 2, "bad-framework.yaml"},
		{"unknown framework", []string{"controls", "show", "nope"}, 2, "unknown framework"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, dir, tc.args...)
			if r.code != tc.code {
				t.Fatalf("exit code %d, want %d\nstderr: %s", r.code, tc.code, r.stderr)
			}
			if tc.code == 0 {
				return
			}
			lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
			if len(lines) != 1 {
				t.Errorf("stderr has %d lines, want one:\n%s", len(lines), r.stderr)
			}
			if !strings.Contains(r.stderr, tc.stderr) {
				t.Errorf("stderr %q does not mention %q", r.stderr, tc.stderr)
			}
			if strings.Contains(r.stderr, "panic") || strings.Contains(r.stderr, "goroutine") {
				t.Errorf("stderr shows a panic: %s", r.stderr)
			}
		})
	}
}

func TestControlsListJSON(t *testing.T) {
	r := run(t, ".", "controls", "list", "--format", "json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var got []struct {
		ID           string `json:"id"`
		Title        string `json:"title"`
		Version      string `json:"version"`
		Source       string `json:"source"`
		Requirements int    `json:"requirements"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatal(err)
	}
	want := []struct {
		id string
		n  int
	}{{"sde-2022", 12}, {"sde-draft-2022", 11}, {"dspt-ndg", 10}, {"dspt-caf", 47}, {"five-safes", 5}, {"cyber-essentials", 5}, {"satre-v2", 185}}
	if len(got) != len(want) {
		t.Fatalf("%d frameworks, want %d", len(got), len(want))
	}
	for i, w := range want {
		if got[i].ID != w.id || got[i].Requirements != w.n || got[i].Title == "" || got[i].Version == "" || got[i].Source == "" {
			t.Errorf("framework %d = %+v, want %s with %d requirements and title, version, source", i, got[i], w.id, w.n)
		}
	}
	golden(t, "controls-list.json", r.stdout)
}

// TestDemo checks what the demo must show: a requirement whose only evidence is a
// check over a service the collector could not read is not assessed, and one with
// passing checks but an expired attestation is partial; and the output is stable.
func TestDemo(t *testing.T) {
	dir := t.TempDir()
	r := run(t, dir, "scan", "--demo", "--output-dir", "out", "--format", "json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	written, err := os.ReadFile(filepath.Join(dir, "out", "assessment.json"))
	if err != nil {
		t.Fatal(err)
	}
	if string(written) != r.stdout {
		t.Error("out/assessment.json differs from the JSON printed")
	}
	again := run(t, dir, "scan", "--demo", "--format", "json")
	if again.stdout != r.stdout {
		t.Error("two runs on the same input differ")
	}
	viaFacts := run(t, dir, "evaluate", demoFacts(t), "--format", "json")
	if viaFacts.code != 0 {
		t.Fatalf("evaluate: exit %d: %s", viaFacts.code, viaFacts.stderr)
	}

	var a struct {
		Frameworks []struct {
			ID           string `json:"id"`
			Requirements []struct {
				ID      string   `json:"id"`
				Status  string   `json:"status"`
				Reasons []string `json:"reasons"`
			} `json:"requirements"`
		} `json:"frameworks"`
		Attestations []struct {
			ID     string `json:"id"`
			Status string `json:"status"`
		} `json:"attestations"`
		Waivers []struct {
			ID     string `json:"id"`
			Status string `json:"status"`
		} `json:"waivers"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &a); err != nil {
		t.Fatal(err)
	}
	status := map[string]string{}
	for _, f := range a.Frameworks {
		for _, q := range f.Requirements {
			status[f.ID+"/"+q.ID] = q.Status
		}
	}
	for key, want := range map[string]string{
		"demo-region-policy/R1": "not_assessed", // only AWS-SM-001, SageMaker access denied
		"demo-region-policy/R3": "partial",      // checks pass, access-review attestation expired
		"demo-region-policy/R2": "not_met",
	} {
		if status[key] != want {
			t.Errorf("%s is %q, want %q", key, status[key], want)
		}
	}
	att := map[string]string{}
	for _, x := range a.Attestations {
		att[x.ID] = x.Status
	}
	if att["access-review"] != "expired" || att["pentest"] != "valid" {
		t.Errorf("attestations: access-review %q (want expired), pentest %q (want valid)", att["access-review"], att["pentest"])
	}
	wv := map[string]string{}
	for _, x := range a.Waivers {
		wv[x.ID] = x.Status
	}
	if wv["W-001"] != "active" || wv["W-002"] != "expired" {
		t.Errorf("waivers: %v, want W-001 active and W-002 expired", wv)
	}
}

func TestDemoTable(t *testing.T) {
	r := run(t, ".", "scan", "--demo")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	golden(t, "demo-table.txt", r.stdout)
}

// TestInitTemplatesLoad writes the templates and assesses with them as they are.
func TestInitTemplatesLoad(t *testing.T) {
	dir := t.TempDir()
	if r := run(t, dir, "init"); r.code != 0 {
		t.Fatalf("init: exit %d: %s", r.code, r.stderr)
	}
	if r := run(t, dir, "init"); r.code != 2 || !strings.Contains(r.stderr, "already exists") {
		t.Fatalf("second init: exit %d (%s), want 2 and a refusal to overwrite", r.code, r.stderr)
	}
	r := run(t, dir, "evaluate", demoFacts(t), "--config", "sdescan.yaml")
	if r.code != 0 {
		t.Fatalf("evaluate with the init templates: exit %d: %s", r.code, r.stderr)
	}
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	p := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(p, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("output differs from %s (run go test ./cmd/sdescan -update if the change is intended)\n got:\n%s", p, got)
	}
}
