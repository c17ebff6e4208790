package reports

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/controls"
)

// update rewrites the golden files of the report formats (go test ./reports -update).
var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	file := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(file, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run go test ./reports -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file at line %d (run go test ./reports -update if the change is intended)", name, FirstDiffLine(got, want))
	}
}

func render(t *testing.T, format string, in Input) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, format, in); err != nil {
		t.Fatalf("%s: %v", format, err)
	}
	// The same input always gives the same bytes.
	var again bytes.Buffer
	if err := Write(&again, format, in); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), again.Bytes()) {
		t.Fatalf("%s: two renderings of the same input differ at line %d", format, FirstDiffLine(buf.Bytes(), again.Bytes()))
	}
	return buf.Bytes()
}

// multitool is Microsoft's SARIF validator, installed by `make tools`.
func multitool(t *testing.T) string {
	t.Helper()
	bin, err := filepath.Abs("../tools/npm/node_modules/.bin/sarif-multitool")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("%s is missing: run `make tools` to install the pinned SARIF validator (%v)", bin, err)
	}
	return bin
}

type sarifLog struct {
	Runs []struct {
		Tool struct {
			Driver struct {
				Rules []struct {
					ID         string         `json:"id"`
					Name       string         `json:"name"`
					Help       map[string]any `json:"help"`
					Properties map[string]any `json:"properties"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Results []struct {
			RuleID       string           `json:"ruleId"`
			Level        string           `json:"level"`
			Message      map[string]any   `json:"message"`
			Locations    []map[string]any `json:"locations"`
			Suppressions []map[string]any `json:"suppressions"`
		} `json:"results"`
	} `json:"runs"`
}

// TestSARIF renders the demo assessment, validates it with Microsoft's SARIF
// multitool and against the SARIF 2.1.0 schema it ships, and checks what GitHub
// code scanning reads: rules with security-severity, one result per failing or
// unassessed finding, waived failures suppressed.
func TestSARIF(t *testing.T) {
	in := demoInput(t)
	out := render(t, "sarif", in)
	golden(t, "sarif-demo.sarif", out)

	dir := t.TempDir()
	file := filepath.Join(dir, "demo.sarif")
	if err := os.WriteFile(file, out, 0o644); err != nil {
		t.Fatal(err)
	}
	bin := multitool(t)
	log := filepath.Join(dir, "validation.sarif")
	// The npm wrapper runs the tool through a shell: the level list is quoted for it.
	cmd := exec.Command(bin, "validate", file, "--level", `"Error;Warning;Note"`, "--output", log)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("sarif-multitool validate: %v\n%s", err, b)
	}
	var v sarifLog
	data, err := os.ReadFile(log)
	if err != nil {
		t.Fatalf("sarif-multitool wrote no log: %v", err)
	}
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	notes := 0
	for _, r := range v.Runs[0].Results {
		if r.Level == "error" || r.Level == "warning" {
			t.Errorf("sarif-multitool: %s %s: %v", r.Level, r.RuleID, r.Message)
		} else {
			notes++
		}
	}
	t.Logf("sarif-multitool: no error or warning, %d note(s)", notes)

	// The schema the multitool ships, as a second, independent check.
	schemaFile, _ := filepath.Abs("../tools/npm/node_modules/@microsoft/sarif-multitool-linux/sarif-2.1.0.json")
	c := jsonschema.NewCompiler()
	sch, err := c.Compile(schemaFile)
	if err != nil {
		t.Fatalf("SARIF schema: %v (run `make tools`)", err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(doc); err != nil {
		t.Fatalf("the SARIF log does not match the SARIF 2.1.0 schema: %v", err)
	}
	// The schema check is not vacuous: a result with an unknown level is refused.
	bad, _ := jsonschema.UnmarshalJSON(bytes.NewReader(bytes.Replace(out, []byte(`"level": "error"`), []byte(`"level": "fatal"`), 1)))
	if sch.Validate(bad) == nil {
		t.Fatal("the SARIF 2.1.0 schema accepted a result with level fatal")
	}

	var got sarifLog
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	run := got.Runs[0]
	a := in.Assessment
	if len(run.Tool.Driver.Rules) != len(a.Checks) {
		t.Fatalf("%d rules for %d checks", len(run.Tool.Driver.Rules), len(a.Checks))
	}
	sev := map[string]string{"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0"}
	for i, r := range run.Tool.Driver.Rules {
		c := a.Checks[i]
		if r.ID != c.ID || r.Properties["security-severity"] != sev[string(c.Severity)] || r.Help["text"] == "" || r.Name == "" {
			t.Fatalf("rule %d: %+v for check %s (%s)", i, r, c.ID, c.Severity)
		}
	}
	failing, waived, errs := 0, 0, 0
	for _, f := range a.Findings {
		switch {
		case f.Status == checks.Fail && f.Waiver != nil:
			waived++
		case f.Status == checks.Fail:
			failing++
		case f.Status == checks.Error:
			errs++
		}
	}
	var gotWaived, gotNotes, located int
	for _, r := range run.Results {
		if len(r.Suppressions) > 0 {
			gotWaived++
			if r.Suppressions[0]["kind"] != "external" || !strings.Contains(r.Suppressions[0]["justification"].(string), "approved by") {
				t.Fatalf("suppression: %v", r.Suppressions[0])
			}
		}
		if r.Level == "note" {
			gotNotes++
		}
		if len(r.Locations) > 0 {
			located++
		}
	}
	if gotWaived != waived || waived == 0 {
		t.Fatalf("%d suppressed results for %d waived findings", gotWaived, waived)
	}
	if located != failing+waived+errs {
		t.Fatalf("%d located results for %d failing, %d waived and %d error findings", located, failing, waived, errs)
	}
	if len(run.Results) < located+1 || gotNotes == 0 {
		t.Fatalf("the checks left unassessed by collection holes have no note: %d results, %d located", len(run.Results), located)
	}
	t.Logf("%d rules, %d results (%d failing, %d waived, %d errors, %d unlocated notes)", len(run.Tool.Driver.Rules), len(run.Results), failing, waived, errs, len(run.Results)-located)
}

// TestSARIFFileLocation locates a finding on a resource that is a file at that
// file, relative, as well as at the resource.
func TestSARIFFileLocation(t *testing.T) {
	a := &controls.Assessment{Tool: checks.Version{Name: "sdescan", Version: "test"}, AsOf: "2026-01-01T00:00:00Z",
		Checks: []controls.CheckResult{{ID: "IAC-TF-001", Title: "Terraform is safe", Severity: checks.High, Status: controls.CheckFail}},
		Findings: []controls.Finding{{Finding: checks.Finding{CheckID: "IAC-TF-001", ResourceID: "iac://repo/main.tf", ResourceType: "iac.terraform.file",
			Status: checks.Fail, Severity: checks.High, Messages: []string{"bucket is public <b>"}}}},
		Risk: controls.Risk{NotAssessedChecks: []string{}}}
	in := Input{Assessment: a, Paths: map[string]string{"iac://repo/main.tf": "./infra/main.tf"}}
	out := render(t, "sarif", in)
	var got struct {
		Runs []struct {
			Results []struct {
				Level     string `json:"level"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct {
							URI string `json:"uri"`
						} `json:"artifactLocation"`
					} `json:"physicalLocation"`
					LogicalLocations []struct {
						FullyQualifiedName string `json:"fullyQualifiedName"`
					} `json:"logicalLocations"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	r := got.Runs[0].Results[0]
	if r.Level != "error" || r.Locations[0].PhysicalLocation.ArtifactLocation.URI != "infra/main.tf" ||
		r.Locations[0].LogicalLocations[0].FullyQualifiedName != "iac://repo/main.tf" {
		t.Fatalf("result: %s", out)
	}
}

func TestRelativeURI(t *testing.T) {
	for in, want := range map[string]string{
		"main.tf": "main.tf", "./infra/main.tf": "infra/main.tf", `infra\main.tf`: "infra/main.tf",
		"dir with space/a#b.tf": "dir%20with%20space/a%23b.tf",
		"":                      "", "/etc/passwd": "", "../up.tf": "", "C:/x.tf": "", ".": "",
	} {
		got, ok := relativeURI(in)
		if got != want || ok != (want != "") {
			t.Errorf("relativeURI(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}
