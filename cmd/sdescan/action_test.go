package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// action is the part of action.yml the runner below reads.
type action struct {
	Inputs map[string]struct {
		Default string `yaml:"default"`
	} `yaml:"inputs"`
	Outputs map[string]struct {
		Value string `yaml:"value"`
	} `yaml:"outputs"`
	Runs struct {
		Using string `yaml:"using"`
		Steps []struct {
			Name  string            `yaml:"name"`
			ID    string            `yaml:"id"`
			If    string            `yaml:"if"`
			Uses  string            `yaml:"uses"`
			Shell string            `yaml:"shell"`
			Run   string            `yaml:"run"`
			Env   map[string]string `yaml:"env"`
			With  map[string]string `yaml:"with"`
		} `yaml:"steps"`
	} `yaml:"runs"`
}

var expr = regexp.MustCompile(`\$\{\{\s*(.*?)\s*\}\}`)

// actionRun is what one run of the action left.
type actionRun struct {
	code            int               // the exit code of the first step that failed, else 0
	outputs         map[string]string // steps.run's outputs
	summary         string            // the job summary
	uploaded        bool              // the upload-sarif step would have run
	uploadSARIFFile string
}

// runAction runs the composite action of action.yml as a GitHub runner would,
// without network: each `run:` step with `bash --noprofile --norc -eo pipefail`,
// GitHub's variables set (GITHUB_WORKSPACE, GITHUB_STEP_SUMMARY, GITHUB_OUTPUT,
// RUNNER_TEMP, INPUT_*) and the step's ${{ … }} expressions expanded; `uses:`
// steps are not run (their `if:` is evaluated and recorded). sdescan is the
// binary the tests built, first on the PATH.
func runAction(t *testing.T, workspace string, inputs map[string]string) actionRun {
	t.Helper()
	data, err := os.ReadFile("../../action.yml")
	if err != nil {
		t.Fatal(err)
	}
	var a action
	if err := yaml.Unmarshal(data, &a); err != nil {
		t.Fatalf("action.yml: %v", err)
	}
	if a.Runs.Using != "composite" {
		t.Fatalf("action.yml: runs.using %q", a.Runs.Using)
	}
	in := map[string]string{}
	for name, i := range a.Inputs {
		in[name] = i.Default
	}
	for name, v := range inputs {
		if _, ok := a.Inputs[name]; !ok {
			t.Fatalf("action.yml has no input %q", name)
		}
		in[name] = v
	}
	temp := t.TempDir()
	summary := filepath.Join(temp, "step_summary.md")
	binDir := filepath.Dir(binary)
	actionPath, _ := filepath.Abs("../..")
	res := actionRun{outputs: map[string]string{}}
	eval := func(e string) string {
		switch {
		case strings.HasPrefix(e, "inputs."):
			v, ok := in[strings.TrimPrefix(e, "inputs.")]
			if !ok {
				t.Fatalf("action.yml: unknown input in %q", e)
			}
			return v
		case strings.HasPrefix(e, "steps.run.outputs."):
			return res.outputs[strings.TrimPrefix(e, "steps.run.outputs.")]
		case e == "github.action_path":
			return actionPath
		case e == "runner.temp":
			return temp
		}
		t.Fatalf("action.yml: an expression this runner does not know: %q", e)
		return ""
	}
	expand := func(s string) string {
		return expr.ReplaceAllStringFunc(s, func(m string) string { return eval(expr.FindStringSubmatch(m)[1]) })
	}
	for i, step := range a.Runs.Steps {
		if step.Uses != "" {
			// The only condition used: always() && inputs.upload-sarif == 'true' && steps.run.outputs.sarif-file != ''.
			if strings.Contains(step.Uses, "upload-sarif") {
				res.uploaded = in["upload-sarif"] == "true" && res.outputs["sarif-file"] != ""
				res.uploadSARIFFile = expand(step.With["sarif_file"])
			}
			continue
		}
		if step.If != "" {
			t.Fatalf("action.yml step %d: a run step with a condition (%q) this runner cannot evaluate", i, step.If)
		}
		if step.Shell != "bash" {
			t.Fatalf("action.yml step %q: shell %q, want bash", step.Name, step.Shell)
		}
		script := filepath.Join(temp, "step.sh")
		if err := os.WriteFile(script, []byte(expand(step.Run)), 0o644); err != nil {
			t.Fatal(err)
		}
		output := filepath.Join(temp, "output-"+step.ID)
		os.WriteFile(output, nil, 0o644)
		cmd := exec.Command("bash", "--noprofile", "--norc", "-eo", "pipefail", script)
		cmd.Dir = workspace
		env := append(os.Environ(),
			"PATH="+binDir+string(os.PathListSeparator)+os.Getenv("PATH"),
			"GITHUB_ACTIONS=true", "CI=true",
			"GITHUB_WORKSPACE="+workspace,
			"GITHUB_ACTION_PATH="+actionPath,
			"GITHUB_STEP_SUMMARY="+summary,
			"GITHUB_OUTPUT="+output,
			"GITHUB_PATH="+filepath.Join(temp, "path"),
			"GITHUB_ENV="+filepath.Join(temp, "env"),
			"RUNNER_TEMP="+temp,
			"RUNNER_OS=Linux", "RUNNER_ARCH=X64",
			"COLUMNS=100",
		)
		for name, v := range in {
			env = append(env, "INPUT_"+strings.ToUpper(name)+"="+v)
		}
		for _, k := range sortedKeys(step.Env) {
			env = append(env, k+"="+expand(step.Env[k]))
		}
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		t.Logf("step %q:\n%s", step.Name, out)
		if step.ID == "run" {
			res.outputs = readOutputs(t, output)
		}
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			res.code = ee.ExitCode()
			break
		} else if err != nil {
			t.Fatal(err)
		}
	}
	s, _ := os.ReadFile(summary)
	res.summary = string(s)
	return res
}

func sortedKeys(m map[string]string) []string { return slices.Sorted(maps.Keys(m)) }

// readOutputs reads a GITHUB_OUTPUT file of NAME=VALUE lines.
func readOutputs(t *testing.T, file string) map[string]string {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), "=")
		if !ok {
			t.Fatalf("GITHUB_OUTPUT: %q is not NAME=VALUE", sc.Text())
		}
		out[k] = v
	}
	return out
}

// copyTree copies a fixture tree into a new workspace.
func copyTree(t *testing.T, src string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	return dir
}

func checkSARIF(t *testing.T, file string) {
	t.Helper()
	var s struct {
		Version string            `json:"version"`
		Runs    []json.RawMessage `json:"runs"`
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("no SARIF: %v", err)
	}
	if err := json.Unmarshal(data, &s); err != nil || s.Version != "2.1.0" || len(s.Runs) == 0 {
		t.Fatalf("%s is not SARIF 2.1.0 (%v)", file, err)
	}
}

// TestAction runs action.yml's steps locally: the SARIF file and the job summary
// are written whatever the gate decides, and the job's exit code follows fail-on
// (and the baseline); verify checks a signed pack and reports it.
func TestAction(t *testing.T) {
	good, bad := "../../fixtures/iac/kubernetes/good", "../../fixtures/iac/terraform/bad"
	for _, tc := range []struct {
		name   string
		tree   string
		inputs map[string]string
		want   int
	}{
		{"iac passing tree", good, nil, 0},
		{"iac failing tree", bad, nil, 1},
		{"iac failing tree, no fail-on", bad, map[string]string{"fail-on": ""}, 0},
		{"iac failing tree, md log, another SARIF file", bad, map[string]string{"format": "md", "sarif-file": "out/iac.sarif", "upload-sarif": "false"}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ws := copyTree(t, tc.tree)
			os.MkdirAll(filepath.Join(ws, "out"), 0o755)
			r := runAction(t, ws, tc.inputs)
			if r.code != tc.want || r.outputs["exit-code"] != map[int]string{0: "0", 1: "1"}[tc.want] {
				t.Errorf("exit %d (output exit-code %q), want %d", r.code, r.outputs["exit-code"], tc.want)
			}
			sarif := "sdescan.sarif"
			if tc.inputs["sarif-file"] != "" {
				sarif = tc.inputs["sarif-file"]
			}
			checkSARIF(t, filepath.Join(ws, sarif))
			if r.outputs["sarif-file"] != sarif || r.uploaded != (tc.inputs["upload-sarif"] != "false") || (r.uploaded && r.uploadSARIFFile != sarif) {
				t.Errorf("outputs %v, upload %v of %q", r.outputs, r.uploaded, r.uploadSARIFFile)
			}
			if !strings.HasPrefix(r.summary, "## sdescan iac\n") || !strings.Contains(r.summary, "|") {
				t.Errorf("job summary:\n%.600s", r.summary)
			}
		})
	}

	t.Run("iac failing tree with its baseline", func(t *testing.T) {
		ws := copyTree(t, bad)
		if r := run(t, ws, "iac", ".", "--format", "json", "--output", "iac-baseline.json"); r.code != 0 {
			t.Fatalf("baseline: %+v", r)
		}
		if r := runAction(t, ws, map[string]string{"baseline": "iac-baseline.json"}); r.code != 0 {
			t.Errorf("exit %d with the baseline of the same tree, want 0", r.code)
		}
	})

	t.Run("bad input", func(t *testing.T) {
		ws := copyTree(t, good)
		for _, in := range []map[string]string{
			{"command": "scna"},
			{"command": "verify", "paths": "a.zip b.zip"},
			{"command": "scan", "baseline": "x.json"},
			{"baseline": "missing.json"},
		} {
			if r := runAction(t, ws, in); r.code != 2 {
				t.Errorf("%v: exit %d, want 2", in, r.code)
			}
		}
	})

	t.Run("verify a signed pack", func(t *testing.T) {
		ws := t.TempDir()
		if r := run(t, ws, "keygen", "--out", "op"); r.code != 0 {
			t.Fatalf("keygen: %+v", r)
		}
		if r := run(t, ws, "scan", "--demo", "--format", "json", "--output", "a.json", "--pack", "pack.zip", "--key", "op.key"); r.code != 0 {
			t.Fatalf("scan: %+v", r)
		}
		r := runAction(t, ws, map[string]string{"command": "verify", "paths": "pack.zip", "key": "op.pub"})
		if r.code != 0 || r.outputs["sarif-file"] != "sdescan.sarif" {
			t.Fatalf("verify: exit %d, outputs %v", r.code, r.outputs)
		}
		checkSARIF(t, filepath.Join(ws, "sdescan.sarif"))
		if !strings.Contains(r.summary, "pack.zip: valid") || !strings.Contains(r.summary, "|") {
			t.Errorf("job summary:\n%.600s", r.summary)
		}
		other := filepath.Join(ws, "other")
		os.Mkdir(other, 0o755)
		if r := run(t, other, "keygen", "--out", "x"); r.code != 0 {
			t.Fatal(r)
		}
		if r := runAction(t, ws, map[string]string{"command": "verify", "paths": "pack.zip", "key": "other/x.pub"}); r.code != 1 || r.outputs["sarif-file"] != "" {
			t.Errorf("verify with another key: exit %d, outputs %v, want 1 and no SARIF", r.code, r.outputs)
		}
	})
}

// TestPreCommitHooks: .pre-commit-hooks.yaml defines the sdescan-iac hook as a
// system hook over the whole tree, and its entry passes and fails as the gate.
func TestPreCommitHooks(t *testing.T) {
	data, err := os.ReadFile("../../.pre-commit-hooks.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var hooks []struct {
		ID            string `yaml:"id"`
		Entry         string `yaml:"entry"`
		Language      string `yaml:"language"`
		PassFilenames *bool  `yaml:"pass_filenames"`
		Files         string `yaml:"files"`
	}
	if err := yaml.Unmarshal(data, &hooks); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, h := range hooks {
		if h.ID != "sdescan-iac" {
			continue
		}
		found = true
		if h.Language != "system" || h.PassFilenames == nil || *h.PassFilenames {
			t.Errorf("hook %+v: want language system, pass_filenames false", h)
		}
		if _, err := regexp.Compile(h.Files); err != nil || !regexp.MustCompile(h.Files).MatchString("infra/main.tf") {
			t.Errorf("files %q (%v) does not match infra/main.tf", h.Files, err)
		}
		args := strings.Fields(h.Entry)
		if args[0] != "sdescan" {
			t.Fatalf("entry %q", h.Entry)
		}
		for tree, want := range map[string]int{"../../fixtures/iac/kubernetes/good": 0, "../../fixtures/iac/terraform/bad": 1} {
			if r := run(t, copyTree(t, tree), args[1:]...); r.code != want {
				t.Errorf("%s in %s: exit %d, want %d\n%s", h.Entry, tree, r.code, want, r.stderr)
			}
		}
	}
	if !found {
		t.Error("no sdescan-iac hook")
	}
}
