package reports

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/controls"
)

// The JUnit XML elements GitLab, Jenkins and most CI test views read.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       string          `xml:"time,attr"`
	Timestamp  string          `xml:"timestamp,attr"`
	Properties []junitProperty `xml:"properties>property,omitempty"`
	Cases      []junitCase     `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitMessage `xml:"failure,omitempty"`
	Error     *junitMessage `xml:"error,omitempty"`
	Skipped   *junitMessage `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

func (s *junitSuite) add(c junitCase) {
	s.Tests++
	switch {
	case c.Failure != nil:
		s.Failures++
	case c.Error != nil:
		s.Errors++
	case c.Skipped != nil:
		s.Skipped++
	}
	s.Cases = append(s.Cases, c)
}

// JUnit writes the assessment as JUnit XML: one testsuite per framework with one
// testcase per requirement (failure when not_met or partial, skipped when
// not_assessed, passed when met or waived), then a testsuite "findings" with one
// testcase per (check, resource) finding (failure when it fails unwaived, skipped
// when waived, error when the check could not assess the resource).
func JUnit(w io.Writer, in Input) error {
	a := in.Assessment
	root := junitSuites{Name: "sdescan " + a.Tool.Version, Time: "0"}
	for _, fw := range a.Frameworks {
		s := junitSuite{Name: fw.ID, Time: "0", Timestamp: junitTime(a.AsOf), Properties: []junitProperty{
			{"title", fw.Title}, {"version", fw.Version}, {"status", fw.Status},
			{"score", fmt.Sprintf("%.1f", fw.Score)}, {"rag", fw.RAG},
		}}
		for _, r := range fw.Requirements {
			c := junitCase{Name: strings.TrimSpace(r.ID + " " + r.Title), Classname: "sdescan." + fw.ID, Time: "0"}
			why := strings.Join(r.Reasons, "\n")
			label := r.Status
			if r.Label != "" && r.Label != r.Status {
				label += " (" + r.Label + ")"
			}
			switch r.Status {
			case controls.NotMet, controls.Partial:
				c.Failure = &junitMessage{Message: "requirement " + label, Type: r.Status, Text: why}
			case controls.NotAssessed:
				c.Skipped = &junitMessage{Message: "not assessed: " + firstLine(r.Reasons, "no evidence"), Text: why}
			default:
				c.SystemOut = "requirement " + label
				if why != "" {
					c.SystemOut += "\n" + why
				}
			}
			s.add(c)
		}
		root.add(s)
	}

	s := junitSuite{Name: "findings", Time: "0", Timestamp: junitTime(a.AsOf)}
	for f := range a.EachFinding() {
		c := junitCase{Name: f.CheckID + " " + f.ResourceID, Classname: "sdescan.findings." + f.CheckID, Time: "0"}
		msgs := strings.Join(f.Messages, "\n")
		title := in.checkMeta(f.CheckID).Title
		switch {
		case f.Status == checks.Fail && f.Waiver != nil:
			wv := f.Waiver
			c.Skipped = &junitMessage{Message: fmt.Sprintf("waived by %s until %s (approved by %s): %s", wv.ID, wv.Expires, wv.Approver, wv.Reason), Text: msgs}
		case f.Status == checks.Fail:
			c.Failure = &junitMessage{Message: fmt.Sprintf("%s (%s): %s", title, f.Severity, firstLine(f.Messages, "fails")), Type: string(f.Severity), Text: msgs}
		case f.Status == checks.Error:
			c.Error = &junitMessage{Message: "could not assess: " + firstLine(f.Messages, "evaluation failed"), Type: "not_assessed", Text: msgs}
		default:
			c.SystemOut = string(f.Status)
		}
		s.add(c)
	}
	root.add(s)

	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(root); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func (r *junitSuites) add(s junitSuite) {
	r.Tests += s.Tests
	r.Failures += s.Failures
	r.Errors += s.Errors
	r.Skipped += s.Skipped
	if s.Cases == nil {
		s.Cases = []junitCase{}
	}
	r.Suites = append(r.Suites, s)
}

// junitTime is the assessment time as JUnit writes it (ISO 8601 without zone).
func junitTime(asOf string) string {
	return strings.TrimSuffix(asOf, "Z")
}

func firstLine(list []string, fallback string) string {
	if len(list) == 0 {
		return fallback
	}
	s := list[0]
	if len(list) > 1 {
		s += fmt.Sprintf(" (+%d more)", len(list)-1)
	}
	return s
}
