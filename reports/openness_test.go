package reports

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/sdescan/sdescan/checks"
)

func opennessFacts() (*checks.Facts, []checks.Finding) {
	facts := &checks.Facts{
		CollectedAt: time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC),
		Runs: []checks.CollectorRun{{Collector: "github", Scope: "github.com", Status: checks.RunPartial, Errors: []checks.CollectError{
			{Collector: "github", Resource: "nhs/private", ResourceTypes: []string{"github.repo:default_branch_protected"}, Message: "403 Must have admin rights to Repository."}}}},
		Resources: []checks.Resource{
			{ID: "github://github.com/nhs", Type: "github.org", Source: "github", Attributes: map[string]any{"login": "nhs", "two_factor_requirement_enabled": true}},
			{ID: "github://github.com/nhs/public", Type: "github.repo", Source: "github", Attributes: map[string]any{
				"full_name": "nhs/public", "licence_file": "LICENSE", "licence_spdx": "MIT", "licence_osi_approved": true,
				"readme_file": "README.md", "readme_explains_usage": true, "ci_systems": []any{"github-actions"}, "test_files": float64(3),
				"open_source_languages": true, "dependency_files": []any{"pyproject.toml"}, "packaged": true}},
			{ID: "github://github.com/nhs/private", Type: "github.repo", Source: "github", Attributes: map[string]any{
				"full_name": "nhs/private", "licence_file": "", "readme_file": "README.md", "ci_systems": []any{}, "test_files": float64(0),
				"rap_level": "none", "rap_missing": []any{"code published openly (public repository or a publication exception)"}}},
		},
	}
	findings := []checks.Finding{
		{CheckID: "OPEN-001", ResourceID: "github://github.com/nhs/private", Status: checks.Fail, Severity: checks.High, Messages: []string{"repository nhs/private has no licence file"}},
		{CheckID: "OPEN-007", ResourceID: "github://github.com/nhs/private", Status: checks.Error, Severity: checks.Medium},
		{CheckID: "OPEN-001", ResourceID: "github://github.com/nhs/public", Status: checks.Pass, Severity: checks.High},
		{CheckID: "OPEN-002", ResourceID: "github://github.com/nhs/public", Status: checks.Pass, Severity: checks.Medium},
		{CheckID: "OPEN-003", ResourceID: "github://github.com/nhs/public", Status: checks.Pass, Severity: checks.Medium},
		{CheckID: "OPEN-004", ResourceID: "github://github.com/nhs/public", Status: checks.Pass, Severity: checks.Medium},
		{CheckID: "OPEN-006", ResourceID: "github://github.com/nhs/public", Status: checks.Pass, Severity: checks.Low},
		{CheckID: "OPEN-010", ResourceID: "github://github.com/nhs/public", Status: checks.Pass, Severity: checks.Medium},
		{CheckID: "AWS-S3-001", ResourceID: "aws://x", Status: checks.Fail},
	}
	return facts, findings
}

func TestOpennessView(t *testing.T) {
	facts, findings := opennessFacts()
	o := BuildOpenness(checks.Version{Name: "sdescan", Version: "test"}, facts, findings)
	if len(o.Repositories) != 2 || len(o.Organisations) != 1 || len(o.Findings) != 8 {
		t.Fatalf("view %+v", o)
	}
	priv := o.Repositories[0]
	if priv.Name != "nhs/private" || priv.Licence != "none" || priv.README != "unknown" || priv.CI != "none" || priv.Tests != "none" ||
		strings.Join(priv.Failing, ",") != "OPEN-001" || strings.Join(priv.NotAssessed, ",") != "OPEN-007" || priv.RAPLevel != "none" {
		t.Errorf("private row %+v", priv)
	}
	pub := o.Repositories[1]
	if pub.Licence != "MIT" || pub.README != "ok" || pub.CI != "github-actions" || pub.Tests != "3 files" || pub.RAPLevel != "gold" {
		t.Errorf("public row %+v", pub)
	}
	cases := []struct {
		format string
		want   []string
	}{
		{"table", []string{"nhs/private", "OPEN-001", "Not assessed: 1 collection error", "two-factor required true"}},
		{"md", []string{"| nhs/private | none |", "## Next RAP level", "## Failing checks", "403 Must have admin rights"}},
		{"json", []string{`"rap_level": "gold"`, `"failing_checks"`}},
	}
	for _, c := range cases {
		t.Run(c.format, func(t *testing.T) {
			var b bytes.Buffer
			if err := WriteOpenness(&b, c.format, o, 100); err != nil {
				t.Fatal(err)
			}
			for _, s := range c.want {
				if !strings.Contains(b.String(), s) {
					t.Errorf("%s lacks %q:\n%s", c.format, s, b.String())
				}
			}
			if c.format == "json" && !json.Valid(b.Bytes()) {
				t.Error("invalid JSON")
			}
		})
	}
	if err := WriteOpenness(&bytes.Buffer{}, "xml", o, 100); err == nil {
		t.Error("xml accepted")
	}
}

// The RAP level is judged from the OPEN findings: a level claimed in the facts
// (rap_level, rap_missing) is never read, and a check that did not judge the
// repository leaves its item not assessed, never met.
func TestOpennessRAPFromFindings(t *testing.T) {
	const id = "github://github.com/nhs/claims-gold"
	attrs := func() map[string]any {
		return map[string]any{"full_name": "nhs/claims-gold", "rap_level": "gold", "rap_missing": []any{}, "rap_unassessed": []any{},
			"open_source_languages": true, "dependency_files": []any{"requirements.txt"}, "packaged": true}
	}
	all := func(over map[string]checks.Status) []checks.Finding {
		var out []checks.Finding
		for _, c := range []string{"OPEN-002", "OPEN-003", "OPEN-004", "OPEN-006", "OPEN-010"} {
			s := checks.Pass
			if o, ok := over[c]; ok {
				s = o
			}
			if s != "" {
				out = append(out, checks.Finding{CheckID: c, ResourceID: id, Status: s})
			}
		}
		return out
	}
	cases := []struct {
		name     string
		findings []checks.Finding
		level    string
		missing  string
	}{
		{"every finding passes", all(nil), "gold", ""},
		{"README fails", all(map[string]checks.Status{"OPEN-002": checks.Fail}), "none", "a README explaining how to run the code"},
		{"private", all(map[string]checks.Status{"OPEN-010": checks.Fail}), "none", "code published openly (public repository or a publication exception)"},
		{"no tests", all(map[string]checks.Status{"OPEN-004": checks.Fail}), "baseline", "automated tests"},
		{"CI not judged", all(map[string]checks.Status{"OPEN-003": checks.Error}), "silver", "continuous integration runs the tests (not assessed)"},
		{"no findings", nil, "none", "a README explaining how to run the code (not assessed); code published openly (public repository or a publication exception) (not assessed)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			facts := &checks.Facts{Resources: []checks.Resource{{ID: id, Type: "github.repo", Source: "github", Attributes: attrs()}}}
			o := BuildOpenness(checks.Version{Name: "sdescan", Version: "test"}, facts, c.findings)
			r := o.Repositories[0]
			if r.RAPLevel != c.level || strings.Join(r.RAPMissing, "; ") != c.missing || len(r.RAPUnassessed) != 3 {
				t.Errorf("RAP %s %q (unassessed %q), want %s %q", r.RAPLevel, r.RAPMissing, r.RAPUnassessed, c.level, c.missing)
			}
			var b bytes.Buffer
			if err := WriteOpenness(&b, "md", o, 100); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(b.String(), "| nhs/claims-gold | unknown | unknown | unknown | unknown | "+c.level+" |") {
				t.Errorf("markdown row:\n%s", b.String())
			}
		})
	}
}
