package reports

import (
	"bytes"
	"encoding/xml"
	"testing"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/controls"
)

// TestJUnit renders the demo assessment as JUnit XML, parses it back with
// encoding/xml and checks every count against the assessment.
func TestJUnit(t *testing.T) {
	in := demoInput(t)
	out := render(t, "junit", in)
	golden(t, "junit-demo.xml", out)
	if !bytes.HasPrefix(out, []byte(xml.Header+"<testsuites ")) {
		t.Fatalf("not a JUnit document: %.80s", out)
	}

	var got junitSuites
	if err := xml.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	a := in.Assessment
	if len(got.Suites) != len(a.Frameworks)+1 {
		t.Fatalf("%d testsuites for %d frameworks and the findings", len(got.Suites), len(a.Frameworks))
	}
	tests, failures, errs, skipped := 0, 0, 0, 0
	for i, fw := range a.Frameworks {
		s := got.Suites[i]
		c := fw.Counts
		if s.Name != fw.ID || s.Tests != len(fw.Requirements) || len(s.Cases) != s.Tests ||
			s.Failures != c.NotMet+c.Partial || s.Skipped != c.NotAssessed || s.Errors != 0 {
			t.Fatalf("testsuite %s: tests %d failures %d skipped %d errors %d; want %d, %d, %d, 0",
				s.Name, s.Tests, s.Failures, s.Skipped, s.Errors, len(fw.Requirements), c.NotMet+c.Partial, c.NotAssessed)
		}
		for j, r := range fw.Requirements {
			tc := s.Cases[j]
			switch r.Status {
			case controls.NotMet, controls.Partial:
				if tc.Failure == nil || tc.Failure.Type != r.Status {
					t.Fatalf("%s %s: %s without a failure", fw.ID, r.ID, r.Status)
				}
			case controls.NotAssessed:
				if tc.Skipped == nil || tc.Skipped.Message == "" {
					t.Fatalf("%s %s: not assessed without a skipped reason", fw.ID, r.ID)
				}
			default:
				if tc.Failure != nil || tc.Skipped != nil || tc.Error != nil {
					t.Fatalf("%s %s: %s is not a pass", fw.ID, r.ID, r.Status)
				}
			}
		}
		tests, failures, skipped = tests+s.Tests, failures+s.Failures, skipped+s.Skipped
	}
	f := got.Suites[len(got.Suites)-1]
	var fail, waived, errors int
	for _, x := range a.Findings {
		switch {
		case x.Status == checks.Fail && x.Waiver != nil:
			waived++
		case x.Status == checks.Fail:
			fail++
		case x.Status == checks.Error:
			errors++
		}
	}
	if f.Name != "findings" || f.Tests != len(a.Findings) || len(f.Cases) != f.Tests || f.Failures != fail || f.Errors != errors || f.Skipped != waived {
		t.Fatalf("findings: tests %d failures %d errors %d skipped %d; want %d, %d, %d, %d",
			f.Tests, f.Failures, f.Errors, f.Skipped, len(a.Findings), fail, errors, waived)
	}
	if fail == 0 || waived == 0 {
		t.Fatal("the demo should have failing and waived findings")
	}
	tests, failures, errs, skipped = tests+f.Tests, failures+f.Failures, errs+f.Errors, skipped+f.Skipped
	if got.Tests != tests || got.Failures != failures || got.Errors != errs || got.Skipped != skipped {
		t.Fatalf("testsuites totals %d/%d/%d/%d, want %d/%d/%d/%d", got.Tests, got.Failures, got.Errors, got.Skipped, tests, failures, errs, skipped)
	}
}
