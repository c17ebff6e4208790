package engine

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/collectors"
)

func testEngine(t *testing.T) *Engine {
	t.Helper()
	e, err := New(checks.DirSource("testdata/policies/good"))
	if err != nil {
		t.Fatal(err)
	}
	return e
}

var asOf = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)

func TestEvaluateStatuses(t *testing.T) {
	e := testEngine(t)
	facts := &checks.Facts{Resources: []checks.Resource{
		{ID: "b/ok", Type: "test.bucket", Attributes: map[string]any{"versioning": true, "created": "2026-01-01T00:00:00Z"}},
		{ID: "b/off", Type: "test.bucket", Tags: map[string]string{"data-classification": "Identifiable"}, Attributes: map[string]any{"versioning": false, "created": "2026-01-01T00:00:00Z"}},
		{ID: "b/unknown", Type: "test.bucket", Attributes: map[string]any{"created": "2026-01-01T00:00:00Z"}},
		{ID: "b/log", Type: "test.bucket", Attributes: map[string]any{"kind": "log", "versioning": false, "created": "2026-01-01T00:00:00Z"}},
		{ID: "b/badtime", Type: "test.bucket", Attributes: map[string]any{"versioning": true, "created": "not a time"}},
		{ID: "b/nocreated", Type: "test.bucket", Attributes: map[string]any{"versioning": true}},
		{ID: "other", Type: "test.other", Attributes: map[string]any{"versioning": false}},
	}}
	facts.Normalize()
	got, err := e.Evaluate(context.Background(), facts, Params{AsOf: asOf})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]checks.Status{
		"TEST-001 b/ok":        checks.Pass,
		"TEST-001 b/off":       checks.Fail,
		"TEST-001 b/unknown":   checks.Error,
		"TEST-001 b/log":       checks.NotApplicable,
		"TEST-001 b/badtime":   checks.Pass,
		"TEST-002 b/ok":        checks.Pass,
		"TEST-002 b/off":       checks.Pass,
		"TEST-002 b/unknown":   checks.Pass,
		"TEST-001 b/nocreated": checks.Pass,
		"TEST-002 b/nocreated": checks.Error, // custom.requires: [created]
		"TEST-002 b/log":       checks.Pass,
		"TEST-002 b/badtime":   checks.Error,
	}
	if len(got) != len(want) {
		t.Fatalf("got %d findings, want %d: %+v", len(got), len(want), got)
	}
	for _, f := range got {
		k := f.CheckID + " " + f.ResourceID
		if f.Status != want[k] {
			t.Errorf("%s: status %s, want %s (%v)", k, f.Status, want[k], f.Messages)
		}
		if k == "TEST-001 b/off" && len(f.Messages) > 0 && (f.Classification != "identifiable" || f.Messages[0] != "bucket b/off is not versioned") {
			t.Errorf("%s: %+v", k, f)
		}
	}
}

func TestEvaluateIsolatesErrorInBatch(t *testing.T) {
	e := testEngine(t)
	var facts checks.Facts
	for i := range 600 {
		created := "2026-01-01T00:00:00Z"
		if i == 417 {
			created = "garbage"
		}
		facts.Resources = append(facts.Resources, checks.Resource{ID: fmt.Sprintf("b/%04d", i), Type: "test.bucket", Attributes: map[string]any{"versioning": true, "created": created}})
	}
	got, err := e.Evaluate(context.Background(), &facts, Params{AsOf: asOf})
	if err != nil {
		t.Fatal(err)
	}
	errs := 0
	for _, f := range got {
		if f.Status == checks.Error {
			errs++
			if f.ResourceID != "b/0417" || f.CheckID != "TEST-002" {
				t.Errorf("unexpected error finding %+v", f)
			}
		}
	}
	if errs != 1 {
		t.Fatalf("want exactly one error finding, got %d", errs)
	}
}

func TestNewRejectsBadPolicies(t *testing.T) {
	meta := func(id, sev, types string) string {
		return fmt.Sprintf("# METADATA\n# title: t\n# custom:\n#   id: %s\n#   severity: %s\n#   resource_types: %s\npackage sdescan.checks.t.%s\n\nimport rego.v1\n\ndeny contains \"x\" if false\n", id, sev, types, strings.ToLower(strings.ReplaceAll(id, "-", "_")))
	}
	cases := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"missing id", map[string]string{"a.rego": "# METADATA\n# title: t\n# custom:\n#   severity: high\n#   resource_types: [x]\npackage sdescan.checks.t.a\n"}, "a.rego:1: check data.sdescan.checks.t.a has no custom.id"},
		{"no metadata", map[string]string{"a.rego": "package sdescan.checks.t.a\n"}, "a.rego:1: package data.sdescan.checks.t.a has no METADATA"},
		{"bad severity", map[string]string{"a.rego": meta("T-1", "urgent", "[x]")}, `a.rego:1: check T-1: unknown severity "urgent"`},
		{"no types", map[string]string{"a.rego": meta("T-1", "high", "[]")}, "a.rego:1: check T-1 has no custom.resource_types"},
		{"duplicate id", map[string]string{"a.rego": meta("T-1", "high", "[x]"), "b.rego": strings.Replace(meta("T-1", "high", "[x]"), "t.t_1", "t.other", 1)}, "b.rego:7: duplicate check id T-1 (also in"},
		{"parse error", map[string]string{"a.rego": "package sdescan.checks.t.a\n\nimport rego.v1\n\ndeny contains x if {\n"}, "pol/a.rego:6: rego_parse_error"},
		{"compile error", map[string]string{"a.rego": meta("T-1", "high", "[x]") + "\ny := undefined_function(1)\n"}, "pol/a.rego:13: rego_type_error: undefined function"},
		{"no deny rule", map[string]string{"a.rego": strings.Replace(meta("T-1", "high", "[x]"), "deny contains", "missing contains", 1)}, "a.rego:1: check T-1 has no deny rule"},
		// A check outside the checks' namespace would never run: refused, not ignored.
		{"check outside sdescan.checks", map[string]string{"a.rego": strings.Replace(meta("T-1", "high", "[x]"), "package sdescan.checks.", "package mychecks.", 1)},
			"a.rego:7: package data.mychecks.t.t_1 has a check ID in its METADATA but is not under sdescan.checks: it would never run (name the package sdescan.checks.<name>)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := fstest.MapFS{}
			for n, s := range tc.files {
				m[n] = &fstest.MapFile{Data: []byte(s)}
			}
			_, err := New(checks.PolicySource{Name: "pol", FS: m})
			if err == nil {
				t.Fatal("want error")
			}
			if !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("error %q does not contain %q on one line", err, tc.want)
			}
		})
	}
}

func TestBuiltinChecksLoad(t *testing.T) {
	e, err := New(collectors.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	if len(e.Checks()) == 0 {
		t.Fatal("no builtin checks")
	}
	for _, c := range e.Checks() {
		test := strings.TrimSuffix(filepath.Base(c.File), ".rego") + "_test.rego"
		if _, err := os.Stat(filepath.Join("..", "..", "collectors", filepath.Dir(strings.TrimPrefix(c.File, "builtin/")), test)); err != nil {
			t.Errorf("check %s (%s) has no %s beside it", c.ID, c.File, test)
		}
	}
}
