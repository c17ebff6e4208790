package controls

import (
	"bytes"
	"fmt"
	"io"
	"iter"
	"slices"

	"github.com/sdescan/sdescan/checks"
)

// findingStream is an assessment's findings when they are read from a
// checks.FindingSet rather than held (Input.Set): each is read back and its
// waiver applied as it is yielded.
type findingStream struct {
	set   *checks.FindingSet
	waive func(checks.Finding) *WaiverRef
}

// EachFinding yields the assessment's findings, waivers applied, in order
// (check ID, then resource ID): Findings, or those of the set it reads. A
// read error of the set stops it; FindingsErr says which.
func (a *Assessment) EachFinding() iter.Seq[Finding] {
	if a.stream == nil {
		return slices.Values(a.Findings)
	}
	s := a.stream
	return func(yield func(Finding) bool) {
		for f := range s.set.All() {
			if !yield(Finding{Finding: nonNilMessages(f), Waiver: s.waive(f)}) {
				return
			}
		}
	}
}

// Streamed says whether the findings are read from a set (Findings is nil).
func (a *Assessment) Streamed() bool { return a.stream != nil }

// FindingsErr is the error that stopped EachFinding, if any: a rendering that
// read the findings is complete only when it is nil.
func (a *Assessment) FindingsErr() error {
	if a.stream == nil {
		return nil
	}
	return a.stream.set.Err()
}

func nonNilMessages(f checks.Finding) checks.Finding {
	if f.Messages == nil {
		f.Messages = []string{}
	}
	return f
}

// WriteJSON writes v, the assessment a or a value that embeds it, as
// checks.WriteJSON does. When a's findings are read from a set they are
// encoded as they are read, so the document is never whole in memory; the
// bytes are the same either way.
func WriteJSON(w io.Writer, v any, a *Assessment) error {
	if a.stream == nil {
		return checks.WriteJSON(w, v)
	}
	// The document with "findings": null (Findings is nil), cut there.
	var head bytes.Buffer
	if err := checks.WriteJSON(&head, v); err != nil {
		return err
	}
	const marker = "\n  \"findings\": null"
	i := bytes.Index(head.Bytes(), []byte(marker))
	if i < 0 || bytes.Count(head.Bytes(), []byte(marker)) != 1 {
		return fmt.Errorf("assessment JSON: no place for the findings")
	}
	cut := i + len(marker) - len("null")
	if _, err := w.Write(head.Bytes()[:cut]); err != nil {
		return err
	}
	if err := checks.WriteJSONArray(w, a.EachFinding()); err != nil {
		return err
	}
	if err := a.FindingsErr(); err != nil {
		return err
	}
	_, err := w.Write(head.Bytes()[cut+len("null"):])
	return err
}

// tally is the roll-up's count of the findings, by check.
type tally map[string]*checkTally

// checkTally counts one check's findings: by status, and the weights the risk
// score adds up.
type checkTally struct {
	pass, fail, waived, errors int
	// assessedW, failedW and waivedW are the weights of the pass/fail findings
	// (FindingWeight); critical counts the unwaived critical failures.
	assessedW, failedW, waivedW, critical int
}

// add counts one finding, waiver applied.
func (t tally) add(f checks.Finding, waived bool) {
	c := t[f.CheckID]
	if c == nil {
		c = &checkTally{}
		t[f.CheckID] = c
	}
	switch f.Status {
	case checks.Pass:
		c.pass++
	case checks.Fail:
		if waived {
			c.waived++
		} else {
			c.fail++
		}
	case checks.Error:
		c.errors++
	}
	if f.Status != checks.Pass && f.Status != checks.Fail {
		return
	}
	w := FindingWeight(f)
	c.assessedW += w
	switch {
	case f.Status == checks.Pass:
	case waived:
		c.waivedW += w
	default:
		c.failedW += w
		if f.Severity == checks.Critical {
			c.critical++
		}
	}
}

// risk scores the pass/fail findings of the checks keep selects.
func (t tally) risk(keep func(checkID string) bool) Risk {
	var r Risk
	for id, c := range t {
		if !keep(id) {
			continue
		}
		r.AssessedWeight += c.assessedW
		r.FailedWeight += c.failedW
		r.WaivedWeight += c.waivedW
		r.CriticalFailures += c.critical
	}
	r.Score, r.RAG = ScoreRAG(r.AssessedWeight, r.FailedWeight, r.CriticalFailures)
	r.NotAssessedChecks = []string{}
	return r
}
