package rap

import (
	"reflect"
	"strings"
	"testing"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/checks/engine"
	"github.com/sdescan/sdescan/collectors"
)

const repoID = "github://github.com/nhs/rtt"

// goldFacts are the facts no OPEN check judges, all met.
func goldFacts() map[string]any {
	return map[string]any{"open_source_languages": true, "dependency_files": []any{"pyproject.toml"}, "packaged": true}
}

// findings gives every OPEN check a pass on the repository, then the overrides.
func findings(over map[string]checks.Status) []checks.Finding {
	var out []checks.Finding
	for _, id := range []string{"OPEN-002", "OPEN-003", "OPEN-004", "OPEN-006", "OPEN-010"} {
		s, ok := over[id]
		if !ok {
			s = checks.Pass
		}
		if s == "absent" {
			continue
		}
		out = append(out, checks.Finding{CheckID: id, ResourceID: repoID, Status: s})
	}
	// Another repository's failures never count.
	return append(out, checks.Finding{CheckID: "OPEN-002", ResourceID: "github://github.com/nhs/other", Status: checks.Fail})
}

func TestAssess(t *testing.T) {
	cases := []struct {
		name     string
		typ      string
		attrs    map[string]any
		over     map[string]checks.Status
		extra    []checks.Finding
		level    string
		missing  []string
		unassess int // items beyond the three no fact shows
	}{
		{name: "gold", attrs: goldFacts(), level: Gold},
		// A level claimed in the facts is not read: the failing OPEN-002 decides.
		{name: "claimed gold, README fails", attrs: with(goldFacts(), "rap_level", "gold", "rap_missing", []any{}), over: map[string]checks.Status{"OPEN-002": checks.Fail},
			level: None, missing: []string{"a README explaining how to run the code"}},
		{name: "private without exception", attrs: goldFacts(), over: map[string]checks.Status{"OPEN-010": checks.Fail},
			level: None, missing: []string{"code published openly (public repository or a publication exception)"}},
		{name: "published not judged", attrs: goldFacts(), over: map[string]checks.Status{"OPEN-010": checks.Error},
			level: None, missing: []string{"code published openly (public repository or a publication exception) (not assessed)"}},
		{name: "no finding is not assessed", attrs: goldFacts(), over: map[string]checks.Status{"OPEN-002": "absent"},
			level: None, missing: []string{"a README explaining how to run the code (not assessed)"}},
		{name: "not applicable is not met", attrs: goldFacts(), over: map[string]checks.Status{"OPEN-002": checks.NotApplicable},
			level: None, missing: []string{"a README explaining how to run the code (not assessed)"}},
		{name: "language fact missing", attrs: without(goldFacts(), "open_source_languages"),
			level: None, missing: []string{"code in an open-source language (not assessed)"}},
		{name: "proprietary language", attrs: with(goldFacts(), "open_source_languages", false),
			level: None, missing: []string{"code in an open-source language"}},
		{name: "no tests: baseline, and gold's CI item is not reached", attrs: goldFacts(), over: map[string]checks.Status{"OPEN-004": checks.Fail},
			level: Baseline, missing: []string{"automated tests"}},
		{name: "dependencies fact missing", attrs: without(goldFacts(), "dependency_files"),
			level: Baseline, missing: []string{"dependency information recorded (not assessed)"}},
		{name: "no dependencies declared", attrs: with(goldFacts(), "dependency_files", []any{}),
			level: Baseline, missing: []string{"dependency information recorded"}},
		{name: "silver: no CI, no changelog, not packaged", attrs: with(goldFacts(), "packaged", false), over: map[string]checks.Status{"OPEN-003": checks.Fail, "OPEN-006": checks.Error},
			level: Silver, missing: []string{"packaged code (pyproject.toml, setup.py, DESCRIPTION, go.mod, package.json …)", "continuous integration runs the tests", "changes signposted (tags, releases or a changelog) (not assessed)"}},
		{name: "CI not judged", attrs: goldFacts(), over: map[string]checks.Status{"OPEN-003": checks.Error},
			level: Silver, missing: []string{"continuous integration runs the tests (not assessed)"}},
		// Two findings of one check on one repository: a failure among them decides.
		{name: "a duplicate failing finding", attrs: goldFacts(), extra: []checks.Finding{{CheckID: "OPEN-006", ResourceID: repoID, Status: checks.Fail}},
			level: Silver, missing: []string{"changes signposted (tags, releases or a changelog)"}},
		{name: "a duplicate error finding", attrs: goldFacts(), extra: []checks.Finding{{CheckID: "OPEN-006", ResourceID: repoID, Status: checks.Error}},
			level: Silver, missing: []string{"changes signposted (tags, releases or a changelog) (not assessed)"}},
		// Locally, publication is not shown: listed as unassessed, not a gap.
		{name: "local gold", typ: "git.repo", attrs: goldFacts(), over: map[string]checks.Status{"OPEN-010": "absent"}, level: Gold, unassess: 1},
		{name: "no findings at all", attrs: goldFacts(), over: map[string]checks.Status{"OPEN-002": "absent", "OPEN-010": "absent"},
			level: None, missing: []string{"a README explaining how to run the code (not assessed)", "code published openly (public repository or a publication exception) (not assessed)"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			typ := c.typ
			if typ == "" {
				typ = "github.repo"
			}
			r := checks.Resource{ID: repoID, Type: typ, Attributes: c.attrs}
			got := Assess(r, append(findings(c.over), c.extra...))
			if c.missing == nil {
				c.missing = []string{}
			}
			if got.Level != c.level || !reflect.DeepEqual(got.Missing, c.missing) {
				t.Errorf("got %s %q, want %s %q", got.Level, got.Missing, c.level, c.missing)
			}
			if len(got.Unassessed) != len(Unassessed)+c.unassess {
				t.Errorf("unassessed %q", got.Unassessed)
			}
			if c.unassess > 0 && !strings.Contains(got.Unassessed[len(got.Unassessed)-1], "not shown by a local repository") {
				t.Errorf("unassessed %q", got.Unassessed)
			}
		})
	}
}

func with(a map[string]any, kv ...any) map[string]any {
	for i := 0; i < len(kv); i += 2 {
		a[kv[i].(string)] = kv[i+1]
	}
	return a
}

func without(a map[string]any, k string) map[string]any {
	delete(a, k)
	return a
}

// Every check a criterion names is an OPEN check of the built-in catalogue that
// covers both repository types (OPEN-010: GitHub only, hence RemoteOnly).
func TestCriteriaNameBuiltinChecks(t *testing.T) {
	e, err := engine.New(collectors.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range Criteria {
		if (c.Fact == nil) == (len(c.Checks) == 0) {
			t.Errorf("%s: wants either checks or a fact", c.Name)
		}
		for _, id := range c.Checks {
			chk, ok := e.Check(id)
			if !ok {
				t.Errorf("%s: no check %s", c.Name, id)
				continue
			}
			local := false
			for _, typ := range chk.ResourceTypes {
				local = local || typ == typeLocal
			}
			if !local && !c.RemoteOnly {
				t.Errorf("%s: %s does not judge git.repo, so the item must be RemoteOnly", c.Name, id)
			}
		}
	}
}
