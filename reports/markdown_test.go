package reports

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/controls"
)

// rawHTML finds a '<' or '&' that Markdown would pass through as HTML: one not
// escaped with a backslash.
var rawHTML = regexp.MustCompile(`(^|[^\\])[<&]`)

// TestSummary renders the job summary of the demo and checks its parts.
func TestSummary(t *testing.T) {
	in := demoInput(t)
	out := render(t, "md", in)
	golden(t, "md-demo.md", out)
	for _, want := range []string{"## sdescan: risk score ", "| sde-2022 |", "### Top failing checks", "### Not assessed (never counted as met)"} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("summary lacks %q", want)
		}
	}
	if rawHTML.Match(out) {
		t.Fatalf("raw HTML in the summary: %q", rawHTML.Find(out))
	}
}

// TestSummaryStaysSmall renders an enormous, hostile assessment: the summary stays
// far below GitHub's 1 MiB step summary limit and holds no raw HTML.
func TestSummaryStaysSmall(t *testing.T) {
	long := strings.Repeat("<script>alert(1)</script> & | ", 2000)
	a := &controls.Assessment{Tool: checks.Version{Version: long}, AsOf: "2026-01-01T00:00:00Z"}
	for i := range 2000 {
		id := fmt.Sprintf("X-%04d", i)
		a.Checks = append(a.Checks, controls.CheckResult{ID: id, Title: long, Severity: checks.High, Reasons: []string{long + id}})
		a.Risk.NotAssessedChecks = append(a.Risk.NotAssessedChecks, id)
		for j := range 20 {
			a.Findings = append(a.Findings, controls.Finding{Finding: checks.Finding{CheckID: id, ResourceID: fmt.Sprintf("r%d", j), Status: checks.Fail, Severity: checks.High}})
		}
		a.Waivers = append(a.Waivers, controls.WaiverResult{Waiver: controls.Waiver{ID: long, Check: id, Expires: long}, Status: "expired"})
		days := 3
		a.Attestations = append(a.Attestations, controls.AttestationResult{ID: long, Status: controls.AttValid, Expires: long, DaysLeft: &days})
	}
	for i := range 20 {
		a.Frameworks = append(a.Frameworks, controls.FrameworkResult{ID: fmt.Sprintf("fw-%d", i), Status: long})
	}
	var buf bytes.Buffer
	if err := Summary(&buf, a); err != nil {
		t.Fatal(err)
	}
	if buf.Len() > 256<<10 {
		t.Fatalf("summary of %d bytes", buf.Len())
	}
	if rawHTML.Match(buf.Bytes()) {
		t.Fatalf("raw HTML in the summary: %q", rawHTML.Find(buf.Bytes()))
	}
	for _, want := range []string{"…and 1990 more.", "- …and 1975 more cause(s)", "- …and 3975 more", "expires on"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("summary lacks %q", want)
		}
	}
	t.Logf("%d bytes", buf.Len())
}
