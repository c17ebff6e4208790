package reports

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/controls"
)

// hostile is text an estate's owner controls (a bucket name, a file name, a
// message): rendered as Markdown it would be raw HTML, a link, an image, an
// autolink and code if it were not escaped.
const hostile = "x<img src=x onerror=alert(1)>[click](https://evil.example/a)![i](http://evil.example/i.png) www.evil.example `code` &lt; *b* | cell\nnext # h"

// rendered are the forms hostile must not take in any Markdown output: each
// active character unescaped (not after a backslash).
var rendered = regexp.MustCompile("(^|[^\\\\])(<img|\\[click|!\\[|&lt;|`code|\\*b)|]\\(http|https?://evil|www\\.evil|\nnext")

func TestMarkdownEscapesInputs(t *testing.T) {
	a := &controls.Assessment{Tool: checks.Version{Version: hostile}, AsOf: "2026-01-01T00:00:00Z"}
	a.Checks = append(a.Checks, controls.CheckResult{ID: "X-001", Title: hostile, Severity: checks.High, Reasons: []string{hostile}, Fail: 1})
	a.Risk.NotAssessedChecks = []string{"X-001"}
	a.Findings = append(a.Findings, controls.Finding{Finding: checks.Finding{CheckID: "X-001", ResourceID: hostile, Status: checks.Fail, Severity: checks.High, Messages: []string{hostile}}})
	a.Frameworks = append(a.Frameworks, controls.FrameworkResult{ID: hostile, Status: hostile, Requirements: []controls.RequirementResult{{ID: hostile, Title: hostile, Status: controls.NotMet,
		Checks: []controls.RequirementRef{{ID: "X-001", Status: controls.CheckFail}}}}})
	a.Waivers = append(a.Waivers, controls.WaiverResult{Waiver: controls.Waiver{ID: hostile, Check: "X-001", Resource: hostile, Expires: hostile, Approver: hostile}, Status: "expired"})
	a.Attestations = append(a.Attestations, controls.AttestationResult{ID: hostile, Status: controls.AttExpired, Reason: hostile, AttestedBy: hostile})

	d := &Diff{Old: DiffSide{Source: hostile}, New: DiffSide{Source: hostile}, Notes: []string{hostile},
		NewFindings: []FindingChange{{CheckID: "X-001", ResourceID: hostile, ResourceType: hostile, New: "fail"}}}
	rv := &BackupReview{AsOf: "2026-01-01T00:00:00Z", RestoreTest: hostile, Plan: []string{hostile},
		Stores: []BackupRow{{Name: hostile, Classification: hostile, Mechanisms: []string{hostile}, Retention: hostile, Copied: hostile, Locked: hostile, LastRestore: hostile, Status: hostile}}}
	o := &Openness{Tool: checks.Version{Version: hostile}, AsOf: "2026-01-01T00:00:00Z",
		Repositories:  []OpennessRepo{{Name: hostile, Licence: hostile, README: hostile, CI: hostile, Tests: hostile, RAPLevel: hostile, RAPMissing: []string{hostile}, Failing: []string{hostile}}},
		Organisations: []OpennessOrg{{ID: hostile, Attributes: map[string]any{"login": hostile}}},
		Runs:          []checks.CollectorRun{{Collector: hostile, Scope: hostile, Status: checks.RunFailed, Errors: []checks.CollectError{{Resource: hostile, Message: hostile}}}},
		Findings:      []checks.Finding{{CheckID: hostile, Status: checks.Fail, Severity: checks.High, Messages: []string{hostile}}}}

	for _, tc := range []struct {
		name  string
		write func(*bytes.Buffer) error
	}{
		{"pack summary (Markdown)", func(b *bytes.Buffer) error { return Markdown(b, a) }},
		{"job summary (md)", func(b *bytes.Buffer) error { return Summary(b, a) }},
		{"diff md", func(b *bytes.Buffer) error { return WriteDiff(b, "md", d, 0) }},
		{"backup md", func(b *bytes.Buffer) error { return WriteBackupMarkdown(b, rv) }},
		{"openness md", func(b *bytes.Buffer) error { return WriteOpenness(b, "md", o, 0) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := tc.write(&b); err != nil {
				t.Fatal(err)
			}
			out := b.String()
			if !strings.Contains(out, `x\<img src=x onerror=alert\(1\)\>\[click\]`) {
				t.Errorf("the hostile text is not there, escaped:\n%s", out)
			}
			if m := rendered.FindString(out); m != "" {
				t.Errorf("output holds %q:\n%s", m, out)
			}
		})
	}
}
