package reports

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/controls"
	"github.com/sdescan/sdescan/reports/texttable"
)

// TopRequirements is how many failing requirements the table lists, and
// maxChecksShown how many of each one's failing checks (heaviest first).
const (
	TopRequirements = 10
	maxChecksShown  = 4
)

// Table writes the operator's one-screen summary fitted to width (0: no limit):
// the overall risk, one row per framework, the requirements that fail with the
// checks that fail them, and what could not be assessed, grouped by cause.
func Table(w io.Writer, a *controls.Assessment, width int) error {
	r := a.Risk
	var b strings.Builder
	fmt.Fprintf(&b, "sdescan %s: assessment as of %s\n", a.Tool.Version, a.AsOf)
	head := fmt.Sprintf("Risk score %.1f (%s): failed weight %d of %d assessed", r.Score, strings.ToUpper(r.RAG), r.FailedWeight, r.AssessedWeight)
	if r.WaivedWeight > 0 {
		head += fmt.Sprintf(", %d waived", r.WaivedWeight)
	}
	head += fmt.Sprintf("; %d critical failure(s); %d check(s) not fully assessed", r.CriticalFailures, r.NotAssessed)
	b.WriteString(texttable.Fill(head, width, "", ""))
	b.WriteString("\n")
	if _, err := io.WriteString(w, b.String()); err != nil {
		return err
	}

	t := texttable.New(
		texttable.Column{Header: "Framework"},
		texttable.Column{Header: "Score"},
		texttable.Column{Header: "Status", Wrap: true},
		texttable.Column{Header: "Met/ not met/ partial/ not assessed/ waived"},
		texttable.Column{Header: "Coverage: automated/ attested/ none"},
	)
	for _, f := range a.Frameworks {
		c := f.Counts
		t.Row(f.ID, fmt.Sprintf("%.1f %s", f.Score, strings.ToUpper(f.RAG)), f.Status,
			fmt.Sprintf("%d/%d/%d/%d/%d", c.Met, c.NotMet, c.Partial, c.NotAssessed, c.Waived),
			fmt.Sprintf("%d/%d/%d", f.Coverage.Automated, f.Coverage.Attested, f.Coverage.None))
	}
	if err := t.Render(w, width); err != nil {
		return err
	}

	b.Reset()
	top := failingRequirements(a)
	if len(top) > 0 {
		b.WriteString("\n")
		b.WriteString(texttable.Fill(fmt.Sprintf("Top failing requirements, heaviest failed weight first (%d not met in all)", len(top)), width, "", ""))
		t = texttable.New(
			texttable.Column{Header: "Framework"},
			texttable.Column{Header: "Requirement", Wrap: true},
			texttable.Column{Header: "Failing checks (resources)", Wrap: true},
		)
		for i, fr := range top {
			if i == TopRequirements {
				break
			}
			t.Row(fr.framework, fr.req.ID+" "+fr.req.Title, strings.Join(fr.checks, ", "))
		}
		if _, err := io.WriteString(w, b.String()); err != nil {
			return err
		}
		if err := t.Render(w, width); err != nil {
			return err
		}
		b.Reset()
	}

	if causes := notAssessedCauses(a); len(causes) > 0 {
		fmt.Fprintf(&b, "\nNot assessed (never counted as met): %d check(s), %d cause(s)\n", r.NotAssessed, len(causes))
		for _, c := range causes {
			b.WriteString(texttable.Fill(c.String(), width, "  - ", "    "))
		}
	}
	var notes []string
	for _, at := range a.Attestations {
		if at.Status == controls.AttExpired || at.Status == controls.AttInvalid {
			notes = append(notes, fmt.Sprintf("attestation %s is %s: %s", at.ID, at.Status, at.Reason))
		}
	}
	for _, wv := range a.Waivers {
		switch {
		case wv.Status == "expired":
			notes = append(notes, fmt.Sprintf("waiver %s (%s on %s) expired on %s and no longer applies", wv.ID, wv.Check, wv.Resource, wv.Expires))
		case wv.Expiring:
			notes = append(notes, fmt.Sprintf("waiver %s (%s) expires on %s", wv.ID, wv.Check, wv.Expires))
		case wv.Status == "active":
			notes = append(notes, fmt.Sprintf("waiver %s covers %d failure(s) of %s until %s (approved by %s)", wv.ID, wv.Applied, wv.Check, wv.Expires, wv.Approver))
		}
	}
	if len(notes) > 0 {
		b.WriteString("\nAttestations and waivers\n")
		for _, n := range notes {
			b.WriteString(texttable.Fill(n, width, "  - ", "    "))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

type failing struct {
	framework string
	req       controls.RequirementResult
	weight    int
	checks    []string
}

// failingRequirements lists not-met requirements, heaviest failed weight first.
func failingRequirements(a *controls.Assessment) []failing {
	weight := map[string]int{}
	count := map[string]int{}
	for f := range a.EachFinding() {
		if f.Status == checks.Fail && f.Waiver == nil {
			weight[f.CheckID] += controls.FindingWeight(f.Finding)
			count[f.CheckID]++
		}
	}
	var out []failing
	for _, fw := range a.Frameworks {
		for _, r := range fw.Requirements {
			if r.Status != controls.NotMet {
				continue
			}
			fr := failing{framework: fw.ID, req: r}
			var ids []string
			for _, c := range r.Checks {
				if c.Status == controls.CheckFail {
					fr.weight += weight[c.ID]
					ids = append(ids, c.ID)
				}
			}
			// Heaviest checks first; the rest are counted, not listed.
			sort.SliceStable(ids, func(i, j int) bool { return weight[ids[i]] > weight[ids[j]] })
			for i, id := range ids {
				if i == maxChecksShown {
					fr.checks = append(fr.checks, fmt.Sprintf("+%d more", len(ids)-maxChecksShown))
					break
				}
				fr.checks = append(fr.checks, fmt.Sprintf("%s (%d)", id, count[id]))
			}
			out = append(out, fr)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].weight > out[j].weight })
	return out
}

// cause is one reason checks could not be (fully) assessed and the checks it
// hides.
type cause struct {
	why    string
	checks []string
	partly []bool   // by checks: assessed in part
	types  []string // the resource types no collector read, for that cause
}

// partial is how many of the checks were assessed in part.
func (c cause) partial() int {
	n := 0
	for _, p := range c.partly {
		if p {
			n++
		}
	}
	return n
}

// String is the cause first, never cut, then how many checks it hides and which.
func (c cause) String() string {
	n := fmt.Sprintf("%d check(s)", len(c.checks))
	if p := c.partial(); p > 0 {
		n += fmt.Sprintf(", %d of them in part", p)
	}
	return fmt.Sprintf("%s (%s): %s", c.why, n, strings.Join(c.checks, ", "))
}

// notAssessedCauses groups the checks that could not be fully assessed by
// cause: one per distinct reason, the causes hiding the most checks first (a
// check with several reasons is under each). Operators read one line per thing
// to fix, not one per check.
func notAssessedCauses(a *controls.Assessment) []cause {
	incomplete := map[string]bool{}
	for _, id := range a.Risk.NotAssessedChecks {
		incomplete[id] = true
	}
	byWhy := map[string]*cause{}
	var out []*cause
	for _, c := range a.Checks {
		if !incomplete[c.ID] {
			continue
		}
		reasons := c.Reasons
		if len(reasons) == 0 {
			reasons = []string{"incomplete evidence"}
		}
		seen := map[*cause]bool{}
		for _, why := range reasons {
			key := why
			t, uncollected := controls.UncollectedType(why)
			if uncollected {
				key = "" // one cause for every type no collector read
			}
			g := byWhy[key]
			if g == nil {
				g = &cause{why: why}
				byWhy[key] = g
				out = append(out, g)
			}
			if uncollected && !slices.Contains(g.types, t) {
				g.types = append(g.types, t)
			}
			if seen[g] {
				continue
			}
			seen[g] = true
			g.checks = append(g.checks, c.ID)
			g.partly = append(g.partly, c.Pass+c.Fail+c.Waived > 0)
		}
	}
	for _, g := range out {
		if len(g.types) > 0 {
			sort.Strings(g.types)
			g.why = "no collector in this scan reads " + strings.Join(g.types, ", ") + ", so none was assessed"
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if len(out[i].checks) != len(out[j].checks) {
			return len(out[i].checks) > len(out[j].checks)
		}
		return out[i].why < out[j].why
	})
	res := make([]cause, len(out))
	for i, g := range out {
		res[i] = *g
	}
	return res
}

func clip(s string, n int) string {
	if len([]rune(s)) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}
