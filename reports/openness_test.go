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
				"rap_level": "gold", "rap_missing": []any{}}},
			{ID: "github://github.com/nhs/private", Type: "github.repo", Source: "github", Attributes: map[string]any{
				"full_name": "nhs/private", "licence_file": "", "readme_file": "README.md", "ci_systems": []any{}, "test_files": float64(0),
				"rap_level": "none", "rap_missing": []any{"code published openly (public repository or a publication exception)"}}},
		},
	}
	findings := []checks.Finding{
		{CheckID: "OPEN-001", ResourceID: "github://github.com/nhs/private", Status: checks.Fail, Severity: checks.High, Messages: []string{"repository nhs/private has no licence file"}},
		{CheckID: "OPEN-007", ResourceID: "github://github.com/nhs/private", Status: checks.Error, Severity: checks.Medium},
		{CheckID: "OPEN-001", ResourceID: "github://github.com/nhs/public", Status: checks.Pass, Severity: checks.High},
		{CheckID: "AWS-S3-001", ResourceID: "aws://x", Status: checks.Fail},
	}
	return facts, findings
}

func TestOpennessView(t *testing.T) {
	facts, findings := opennessFacts()
	o := BuildOpenness(checks.Version{Name: "sdescan", Version: "test"}, facts, findings)
	if len(o.Repositories) != 2 || len(o.Organisations) != 1 || len(o.Findings) != 3 {
		t.Fatalf("view %+v", o)
	}
	priv := o.Repositories[0]
	if priv.Name != "nhs/private" || priv.Licence != "none" || priv.README != "unknown" || priv.CI != "none" || priv.Tests != "none" ||
		strings.Join(priv.Failing, ",") != "OPEN-001" || strings.Join(priv.NotAssessed, ",") != "OPEN-007" {
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
			if err := WriteOpenness(&b, c.format, o); err != nil {
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
	if err := WriteOpenness(&bytes.Buffer{}, "xml", o); err == nil {
		t.Error("xml accepted")
	}
}
