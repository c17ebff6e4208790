package reports

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/controls"
)

// TopRequirements is how many failing requirements the table lists, and
// maxChecksShown how many of each one's failing checks (heaviest first).
const (
	TopRequirements = 10
	maxChecksShown  = 4
)

// Table writes the operator's one-screen summary: the overall risk, one row per
// framework, the requirements that fail with the checks that fail them, and what
// could not be assessed.
func Table(w io.Writer, a *controls.Assessment) error {
	r := a.Risk
	fmt.Fprintf(w, "sdescan %s: assessment as of %s\n", a.Tool.Version, a.AsOf)
	fmt.Fprintf(w, "Risk score %.1f (%s): failed weight %d of %d assessed", r.Score, strings.ToUpper(r.RAG), r.FailedWeight, r.AssessedWeight)
	if r.WaivedWeight > 0 {
		fmt.Fprintf(w, ", %d waived", r.WaivedWeight)
	}
	fmt.Fprintf(w, "; %d critical failure(s); %d check(s) not fully assessed\n\n", r.CriticalFailures, r.NotAssessed)

	t := newTable(w)
	t.Header("Framework", "Score", "RAG", "Status", "Met", "Not met", "Partial", "Not assessed", "Waived", "Coverage auto/attested/none")
	for _, f := range a.Frameworks {
		c := f.Counts
		if err := t.Append(f.ID, fmt.Sprintf("%.1f", f.Score), strings.ToUpper(f.RAG), f.Status,
			c.Met, c.NotMet, c.Partial, c.NotAssessed, c.Waived,
			fmt.Sprintf("%d/%d/%d", f.Coverage.Automated, f.Coverage.Attested, f.Coverage.None)); err != nil {
			return err
		}
	}
	if err := t.Render(); err != nil {
		return err
	}

	top := failingRequirements(a)
	if len(top) > 0 {
		fmt.Fprintf(w, "\nTop failing requirements, heaviest failed weight first (%d not met in all)\n", len(top))
		t = newTable(w)
		t.Header("Framework", "Requirement", "Failing checks (resources)")
		for i, fr := range top {
			if i == TopRequirements {
				break
			}
			if err := t.Append(fr.framework, clip(fr.req.ID+" "+fr.req.Title, 60), strings.Join(fr.checks, ", ")); err != nil {
				return err
			}
		}
		if err := t.Render(); err != nil {
			return err
		}
	}

	if holes := notAssessed(a); len(holes) > 0 {
		fmt.Fprintf(w, "\nNot assessed (never counted as met)\n")
		for _, h := range holes {
			fmt.Fprintf(w, "  - %s\n", h)
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
		fmt.Fprintf(w, "\nAttestations and waivers\n")
		for _, n := range notes {
			fmt.Fprintf(w, "  - %s\n", n)
		}
	}
	return nil
}

func newTable(w io.Writer) *tablewriter.Table {
	return tablewriter.NewTable(w,
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithRowAutoWrap(tw.WrapNormal),
		tablewriter.WithRowMaxWidth(80),
	)
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

// notAssessed says which checks could not be fully assessed and why.
func notAssessed(a *controls.Assessment) []string {
	incomplete := map[string]bool{}
	for _, id := range a.Risk.NotAssessedChecks {
		incomplete[id] = true
	}
	var out []string
	for _, c := range a.Checks {
		if !incomplete[c.ID] {
			continue
		}
		why := "incomplete evidence"
		if len(c.Reasons) > 0 {
			why = c.Reasons[0]
			if len(c.Reasons) > 1 {
				why += fmt.Sprintf(" (+%d more)", len(c.Reasons)-1)
			}
		}
		state := "not assessed"
		if c.Pass+c.Fail+c.Waived > 0 {
			state = "only partly assessed"
		}
		out = append(out, fmt.Sprintf("%s %s: %s", c.ID, state, why))
	}
	return out
}

func clip(s string, n int) string {
	if len([]rune(s)) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}
