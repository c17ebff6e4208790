package runner

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/checks/engine"
	"github.com/sdescan/sdescan/collectors"
	"github.com/sdescan/sdescan/controls"
)

// customCheck is a --policy check with an alias, passing resources tagged ok.
const customCheck = `# METADATA
# title: Tagged ok
# custom:
#   id: TEST-001
#   aliases: [OLD-001]
#   severity: high
#   resource_types: [test.thing]
package sdescan.checks.test.tagged

import rego.v1

default applicable := false

applicable if input.resource.type == "test.thing"

deny contains "not tagged ok" if not input.resource.tags.ok == "yes"
`

func testSetup(t *testing.T) Setup {
	t.Helper()
	return Setup{
		Tool:     checks.Version{Name: "sdescan", Version: "test"},
		Policies: []checks.PolicySource{collectors.Builtin(), {Name: "custom", FS: fstest.MapFS{"tagged.rego": {Data: []byte(customCheck)}}}},
		External: func() ([]*checks.Check, error) {
			return []*checks.Check{{ID: "AWS-0090", Aliases: []string{"AVD-AWS-0090"}}}, nil
		},
		Params: Params{AsOf: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)},
	}
}

// TestResolver: one resolver for every command and verify — the compiled
// checks' IDs and aliases as written, external checks in any case, checks the
// facts record, nothing else.
func TestResolver(t *testing.T) {
	p, err := Prepare(testSetup(t))
	if err != nil {
		t.Fatal(err)
	}
	recorded := &checks.Facts{Resources: []checks.Resource{{ID: "r", Type: checks.TypeRecordedResult, Attributes: map[string]any{
		"check_id": "DS002", "resource_id": "x", "severity": "high", "aliases": []any{"AVD-DS-0002"}}}}}
	resolve := Resolver(p.Engine, p.Setup.External, recorded)
	for _, tc := range []struct{ id, want string }{
		{"TEST-001", "TEST-001"},
		{"OLD-001", "TEST-001"},
		{"AWS-S3-001", "AWS-S3-001"},
		{"AWS-0090", "AWS-0090"},
		{"avd-aws-0090", "AWS-0090"},
		{"DS002", "DS002"},
		{"AVD-DS-0002", "DS002"},
		{"AWS-0091", ""}, // Trivy's shape, but no such check
		{"test-001", ""}, // sdescan's IDs are exact
		{"NOT-A-CHECK", ""},
	} {
		got, ok := resolve(tc.id)
		if got != tc.want || ok != (tc.want != "") {
			t.Errorf("resolve(%q) = %q, %v; want %q", tc.id, got, ok, tc.want)
		}
	}
}

// TestPrepareErrors: what is wrong with an assessment's inputs is an error
// naming the file; a failure to list external checks is that failure, never an
// unknown check ID.
func TestPrepareErrors(t *testing.T) {
	waiver := func(id string) File {
		return File{Name: "w.yaml", Data: []byte("waivers:\n  - check: " + id + "\n    resource: r\n    reason: accepted for the test\n    approver: Jo Bloggs\n    expires: \"2027-01-01\"\n")}
	}
	for _, tc := range []struct {
		name   string
		change func(*Setup)
		want   string
	}{
		{"unknown framework", func(s *Setup) { s.Params.Frameworks = []string{"nope"} }, `unknown framework "nope"`},
		{"unknown check in a waiver", func(s *Setup) { s.Waivers = []File{waiver("AWS-9999")} }, "w.yaml"},
		{"external listing fails", func(s *Setup) {
			s.External = func() ([]*checks.Check, error) { return nil, errors.New("trivy checks unreadable") }
			s.Waivers = []File{waiver("AWS-0090")}
		}, "listing external checks: trivy checks unreadable"},
		{"bad framework file", func(s *Setup) { s.Frameworks = []File{{Name: "mine.yaml", Data: []byte("id: [")}} }, "mine.yaml"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := testSetup(t)
			tc.change(&s)
			_, err := Prepare(s)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Prepare: %v, want an error saying %q", err, tc.want)
			}
		})
	}
	s := testSetup(t)
	s.Waivers = []File{waiver("avd-aws-0090")}
	p, err := Prepare(s)
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Waivers[0][0].Check; got != "AWS-0090" {
		t.Errorf("waiver check %q, want AWS-0090", got)
	}
}

// TestRun: evaluation, roll-up and gate in one call; the selection limits the
// checks reported; resources are released unless kept.
func TestRun(t *testing.T) {
	s := testSetup(t)
	s.Gate = Gate{Severity: checks.High}
	p, err := Prepare(s)
	if err != nil {
		t.Fatal(err)
	}
	facts := func() *checks.Facts {
		return &checks.Facts{CollectedAt: s.Params.AsOf, Runs: []checks.CollectorRun{{Collector: "test", Scope: "here", Status: checks.RunOK}},
			Resources: []checks.Resource{
				{ID: "a", Type: "test.thing", Source: "test", Tags: map[string]string{"ok": "yes"}},
				{ID: "b", Type: "test.thing", Source: "test"},
			}}
	}
	f := facts()
	var seen int
	res, err := p.Run(context.Background(), f, Options{
		Select:    func(c *checks.Check) bool { return strings.HasPrefix(c.ID, "TEST-") },
		Evaluated: func(f *checks.Facts, _ *checks.FindingSet, _ []*checks.Check) { seen = len(f.Resources) },
	})
	if err != nil {
		t.Fatal(err)
	}
	if seen != 2 || f.Resources != nil {
		t.Errorf("Evaluated saw %d resources, after the run %d remain; want 2 then none", seen, len(f.Resources))
	}
	// How the checks were evaluated is in the assessment, fallbacks listed.
	if ev := res.Assessment.Evaluation; ev == nil || ev.Resources != 2 || ev.PlanRunner+ev.OPAEvaluator != 2 || ev.Fallbacks == nil {
		t.Errorf("evaluation %+v, want 2 resources, each by the plan runner or OPA's evaluator", ev)
	}
	if len(res.Checks) != 1 || res.Checks[0].ID != "TEST-001" {
		t.Errorf("checks reported: %v, want TEST-001 alone", res.Checks)
	}
	if res.Verdict.Failures != 1 || !res.Verdict.New("TEST-001", "b") {
		t.Errorf("verdict %+v, want TEST-001 on b failing the gate", res.Verdict)
	}
	if err := res.Verdict.Err(s.Gate); err == nil || err.Error() != "gate failed: 1 unwaived finding(s) at or above high" {
		t.Errorf("gate error %v", err)
	}
	// A baseline holding the failure: no longer new, the gate passes.
	s.Gate.Baseline = map[[2]string]bool{{"TEST-001", "b"}: true}
	if v := s.Gate.Judge(res.Assessment); v.Failures != 0 || v.New("TEST-001", "b") {
		t.Errorf("with the baseline: %+v", v)
	}
	f = facts()
	if _, err := p.Run(context.Background(), f, Options{KeepResources: true}); err != nil || len(f.Resources) != 2 {
		t.Errorf("KeepResources: %v, %d resources", err, len(f.Resources))
	}
}

// TestRecordRoundTrip: the parameters a pack records read back as they were,
// defaults filled in.
func TestRecordRoundTrip(t *testing.T) {
	p := Params{AsOf: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC), Frameworks: []string{"dspt"}, ClassificationTag: "class",
		BreakGlassRoles: []string{"bg"}, ExpiringDays: 14, BackupMinRetentionDays: 7}
	got, err := p.Record().Params()
	if err != nil {
		t.Fatal(err)
	}
	if !got.AsOf.Equal(p.AsOf) || got.ClassificationTag != "class" || got.ExpiringDays != 14 || got.BackupMinRetentionDays != 7 ||
		got.BackupDefaultRPOHours != engine.DefaultRPOHours || len(got.Frameworks) != 1 || len(got.BreakGlassRoles) != 1 {
		t.Errorf("round trip: %+v", got)
	}
	if r := (Params{AsOf: p.AsOf}).Record(); r.Frameworks == nil || r.BreakGlassRoles == nil {
		t.Errorf("empty lists must record as [], got %+v", r)
	}
	if _, err := (Record{AsOf: "yesterday"}).Params(); err == nil {
		t.Error("a bad as_of must be an error")
	}
}

// TestNothingAssessed: a run that assessed nothing says why; a partial run is
// incomplete only for --strict.
func TestNothingAssessed(t *testing.T) {
	failed := checks.CollectorRun{Collector: "aws", Scope: "123", Status: checks.RunFailed, Errors: []checks.CollectError{{Message: "credentials refused"}}}
	partial := checks.CollectorRun{Collector: "aws", Scope: "456", Status: checks.RunPartial}
	for _, tc := range []struct {
		name                string
		facts               *checks.Facts
		nothing, incomplete string
	}{
		{"empty", &checks.Facts{}, "records no collector run and no resource", "records no collector run"},
		{"all failed", &checks.Facts{Runs: []checks.CollectorRun{failed}}, "the collector run failed; aws 123: credentials refused", "aws (123) is failed"},
		{"one partial", &checks.Facts{Runs: []checks.CollectorRun{failed, partial}}, "", "aws (123) is failed"},
		{"resources without runs", &checks.Facts{Resources: []checks.Resource{{ID: "x"}}}, "", "records no collector run"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := NothingAssessed(tc.facts, len(tc.facts.Resources), "f.json")
			if (err == nil) != (tc.nothing == "") || (err != nil && (!strings.Contains(err.Error(), tc.nothing) || !errors.Is(err, ErrNothing))) {
				t.Errorf("NothingAssessed: %v, want %q", err, tc.nothing)
			}
			err = Incomplete(tc.facts, "f.json")
			if err == nil || !strings.Contains(err.Error(), tc.incomplete) {
				t.Errorf("Incomplete: %v, want %q", err, tc.incomplete)
			}
		})
	}
}

// TestRunFileMatchesRun: a facts file streamed through RunFile is assessed
// exactly as the same facts read whole and run (findings, assessment, verdict,
// count); the assessment time comes from the file when none is given.
func TestRunFileMatchesRun(t *testing.T) {
	const file = "../../fixtures/demo/facts.json"
	for _, tc := range []struct {
		name    string
		budget  int
		spilled bool
	}{{"in memory", 0, false}, {"spilled", 2048, true}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("TMPDIR", t.TempDir())
			s := testSetup(t)
			s.Params.AsOf = time.Time{}
			s.Gate = Gate{Severity: checks.High}
			s.SpillBudget = tc.budget
			// A waiver, applied as the findings are read back.
			s.Waivers = []File{{Name: "w.yaml", Data: []byte("waivers:\n  - check: AWS-S3-001\n    resource: \"*\"\n    reason: accepted for the test\n    approver: Jo Bloggs\n    expires: \"2099-01-01\"\n")}}
			asOf := func(f *checks.Facts) (time.Time, error) { return f.AsOf(), nil }
			_, streamed, header, err := RunFile(context.Background(), s, file, asOf, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if !streamed.Assessment.Streamed() || streamed.Findings.Spilled() != tc.spilled {
				t.Errorf("streamed %v, spilled %v", streamed.Assessment.Streamed(), streamed.Findings.Spilled())
			}
			whole, err := checks.ReadFactsFile(file)
			if err != nil {
				t.Fatal(err)
			}
			s.Params.AsOf, s.Recorded = whole.AsOf(), whole
			p, err := Prepare(s)
			if err != nil {
				t.Fatal(err)
			}
			want, err := p.Run(context.Background(), whole, Options{})
			if err != nil {
				t.Fatal(err)
			}
			var got, exp bytes.Buffer
			if err := controls.WriteJSON(&got, streamed.Assessment, streamed.Assessment); err != nil {
				t.Fatal(err)
			}
			if err := controls.WriteJSON(&exp, want.Assessment, want.Assessment); err != nil {
				t.Fatal(err)
			}
			if got.String() != exp.String() || streamed.Findings.Len() != want.Findings.Len() || streamed.Verdict.Failures != want.Verdict.Failures {
				t.Errorf("streamed assessment differs from the whole one at line %d (%d vs %d findings, %d vs %d gate failures)",
					firstDiffLine(got.String(), exp.String()), streamed.Findings.Len(), want.Findings.Len(), streamed.Verdict.Failures, want.Verdict.Failures)
			}
			if w := want.Assessment.Waivers; len(w) != 1 || w[0].Applied == 0 {
				t.Errorf("the waiver was not applied: %+v", w)
			}
			if streamed.Resources != want.Resources || streamed.Resources == 0 || len(header.Runs) != len(whole.Runs) {
				t.Errorf("%d resources streamed, %d whole; %d runs, want %d", streamed.Resources, want.Resources, len(header.Runs), len(whole.Runs))
			}
			if err := streamed.Close(); err != nil {
				t.Fatal(err)
			}
			if left, _ := os.ReadDir(os.Getenv("TMPDIR")); len(left) != 0 {
				t.Errorf("left behind: %v", left)
			}
		})
	}
	s := testSetup(t)
	asOf := func(f *checks.Facts) (time.Time, error) { return f.AsOf(), nil }
	// A waiver for an unknown check is bad input, found after the file is read.
	s.Waivers = []File{{Name: "w.yaml", Data: []byte("waivers:\n  - check: NOPE-001\n    resource: r\n    reason: accepted for the test\n    approver: Jo Bloggs\n    expires: \"2027-01-01\"\n")}}
	if _, _, _, err := RunFile(context.Background(), s, file, asOf, Options{}); err == nil || !strings.Contains(err.Error(), "w.yaml") {
		t.Errorf("RunFile with a bad waiver: %v", err)
	}
}

func firstDiffLine(a, b string) int {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(la), len(lb)) {
		if la[i] != lb[i] {
			return i + 1
		}
	}
	return min(len(la), len(lb)) + 1
}
