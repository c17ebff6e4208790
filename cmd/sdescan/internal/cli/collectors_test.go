package cli

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/spf13/pflag"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/checks/engine"
	"github.com/sdescan/sdescan/checks/schema"
	"github.com/sdescan/sdescan/collectors"
)

// TestRegistry: the registry is the one list of collectors, and what else lists
// them agrees with it — the embedded policy folders, the folders on disk and the
// Makefile's lint and test folders (a glob, so a new collector's folder joins
// them), and the facts schema, which describes every type a collector emits.
func TestRegistry(t *testing.T) {
	r := registry()
	if err := r.Validate(); err != nil {
		t.Fatal(err)
	}
	if got, want := r.PolicyDirs(), collectors.BuiltinPolicyDirs(); !slices.Equal(got, want) {
		t.Errorf("registered policy folders %v, embedded %v", got, want)
	}
	onDisk, err := filepath.Glob("../../../../collectors/*/policy")
	if err != nil {
		t.Fatal(err)
	}
	for i, d := range onDisk {
		onDisk[i] = strings.TrimPrefix(filepath.ToSlash(d), "../../../../collectors/")
	}
	if !slices.Equal(onDisk, r.PolicyDirs()) {
		t.Errorf("policy folders on disk %v, registered %v", onDisk, r.PolicyDirs())
	}
	mk, err := os.ReadFile("../../../../Makefile")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(mk), "POLICY_DIRS := $(sort $(wildcard collectors/*/policy))") || strings.Contains(string(mk), "collectors/aws/policy") {
		t.Error("the Makefile must lint and test the policy folders by their glob (POLICY_DIRS), naming none")
	}
	src, err := r.Builtin()
	if err != nil || src.FS != collectors.BuiltinFS() {
		t.Errorf("the registered collectors' checks are not the shipped tree: %v", err)
	}
	var doc struct {
		Defs map[string]json.RawMessage `json:"$defs"`
	}
	if err := json.Unmarshal(schema.Facts, &doc); err != nil {
		t.Fatal(err)
	}
	emitted := map[string]string{}
	for _, c := range r {
		for _, typ := range c.ResourceTypes {
			if _, ok := doc.Defs[typ]; !ok {
				t.Errorf("collector %s emits %s, which the facts schema does not describe", c.Name, typ)
			}
			if other, dup := emitted[typ]; dup {
				t.Errorf("%s is emitted by %s and %s", typ, other, c.Name)
			}
			emitted[typ] = c.Name
		}
	}
	for typ := range doc.Defs {
		if strings.Contains(typ, ".") && emitted[typ] == "" {
			t.Errorf("the facts schema describes %s, which no registered collector emits", typ)
		}
	}
	// Every check reads types some collector covers: one that reads none would
	// never be assessed.
	e, err := engine.New(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range e.Checks() {
		if !slices.ContainsFunc(r, func(col collectors.Collector) bool { return col.Reads(c) }) {
			t.Errorf("check %s reads %v, which no registered collector covers", c.ID, c.ResourceTypes)
		}
	}
	for _, tc := range []struct {
		name string
		r    collectors.Registry
		want string
	}{
		{"twice", collectors.Registry{{Name: "a", Covers: []string{"a.*"}}, {Name: "a", Covers: []string{"a.*"}}}, "registered twice"},
		{"no covers", collectors.Registry{{Name: "a"}}, "covers no resource type"},
		{"emits uncovered", collectors.Registry{{Name: "a", Covers: []string{"a.*"}, ResourceTypes: []string{"b.x"}}}, "emits b.x"},
		{"folder without checks", collectors.Registry{{Name: "a", Covers: []string{"a.*"}, PolicyDir: "a/policy"}}, "go together"},
	} {
		if err := tc.r.Validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: Validate = %v, want %q", tc.name, err, tc.want)
		}
	}
}

// tinySource is the smallest estate source: --tiny collects two things, one
// labelled and one not (docs/writing-collectors.md).
type tinySource struct{ use bool }

func (s *tinySource) addFlags(f *pflag.FlagSet) {
	f.BoolVar(&s.use, "tiny", false, "collect the tiny estate")
}
func (s *tinySource) requested() bool     { return s.use }
func (s *tinySource) keepsEvidence() bool { return false }
func (s *tinySource) collect(context.Context, io.Writer, string) (*checks.Facts, error) {
	at := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	return &checks.Facts{
		Tool: checks.Version{Name: "sdescan", Version: Version}, CollectedAt: at,
		Runs: []checks.CollectorRun{{Collector: "tiny", Scope: "here", Started: at, Ended: at, Status: checks.RunOK}},
		Resources: []checks.Resource{
			{ID: "tiny://here/a", Type: "tiny.thing", Source: "tiny", Attributes: map[string]any{"labelled": true}},
			{ID: "tiny://here/b", Type: "tiny.thing", Source: "tiny", Attributes: map[string]any{"labelled": false}},
		},
	}, nil
}

const tinyCheck = `# METADATA
# title: Tiny things are labelled
# custom:
#   id: TINY-001
#   severity: high
#   resource_types: [tiny.thing]
#   remediation: Label it.
package sdescan.checks.tiny.labelled

import rego.v1

default applicable := false

applicable if input.resource.type == "tiny.thing"

deny contains "not labelled" if input.resource.attributes.labelled == false
`

// TestRegisterCollector: adding a collector is its package and one
// registration — with nothing else changed, scan grows its flag, runs its
// collection, compiles its checks and judges its facts, and the run covers
// the types the registration names.
func TestRegisterCollector(t *testing.T) {
	saved := registered
	t.Cleanup(func() { registered = saved })
	registered = append(slices.Clone(saved), registration{
		Collector: collectors.Collector{Name: "tiny", Covers: []string{"tiny.*"}, ResourceTypes: []string{"tiny.thing"},
			PolicyDir: "tiny/policy", Policies: fstest.MapFS{"labelled.rego": {Data: []byte(tinyCheck)}}},
		source: func() estateSource { return &tinySource{} },
	})
	out := filepath.Join(t.TempDir(), "a.json")
	r := runCLI(t, "scan", "--tiny", "--format", "json", "--output", out, "--fail-on", "high")
	if r.code != ExitGateFailed || !strings.Contains(r.stderr, "gate failed: 1 unwaived finding(s) at or above high") {
		t.Fatalf("scan --tiny: exit %d, stderr %q; want the gate to fail on TINY-001", r.code, r.stderr)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var a struct {
		Checks []struct {
			ID     string `json:"id"`
			Status string `json:"status"`
		} `json:"checks"`
		Findings []struct {
			CheckID    string `json:"check_id"`
			ResourceID string `json:"resource_id"`
			Status     string `json:"status"`
		} `json:"findings"`
	}
	if err := json.Unmarshal(data, &a); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range a.Findings {
		if f.CheckID == "TINY-001" {
			got = append(got, f.ResourceID+" "+f.Status)
		}
	}
	if want := []string{"tiny://here/a pass", "tiny://here/b fail"}; !slices.Equal(got, want) {
		t.Errorf("TINY-001 findings %v, want %v", got, want)
	}
	// The AWS checks are not assessed: no run of this scan covers their types.
	for _, c := range a.Checks {
		if c.ID == "AWS-S3-001" && c.Status != "not_assessed" {
			t.Errorf("AWS-S3-001 is %s in a scan of the tiny estate alone, want not_assessed", c.Status)
		}
	}
	// Without its flag, scan says which sources there are, the new one among them.
	if r := runCLI(t, "scan"); r.code != ExitInput || !strings.Contains(r.stderr, "use --aws or --azure or --tiny (your estate)") {
		t.Errorf("scan without a source: exit %d, stderr %q", r.code, r.stderr)
	}
}
