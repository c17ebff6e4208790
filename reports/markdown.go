package reports

import (
	"fmt"
	"io"
	"strings"

	"github.com/sdescan/sdescan/controls"
)

// Markdown writes a one-page summary of the assessment for people: the risk score,
// one row per framework, the failing requirements, what could not be assessed, and
// the attestations and waivers. Like every report, it is a pure function of the
// assessment, so the same assessment always gives the same bytes.
func Markdown(w io.Writer, a *controls.Assessment) error {
	var b strings.Builder
	r := a.Risk
	fmt.Fprintf(&b, "# sdescan assessment\n\n")
	fmt.Fprintf(&b, "sdescan %s, assessment as of %s.\n\n", md(a.Tool.Version), a.AsOf)
	fmt.Fprintf(&b, "**Risk score %.1f (%s)**: failed weight %d of %d assessed", r.Score, strings.ToUpper(r.RAG), r.FailedWeight, r.AssessedWeight)
	if r.WaivedWeight > 0 {
		fmt.Fprintf(&b, ", %d waived", r.WaivedWeight)
	}
	fmt.Fprintf(&b, "; %d critical failure(s); %d check(s) not fully assessed.\n\n", r.CriticalFailures, r.NotAssessed)

	b.WriteString("## Frameworks\n\n")
	b.WriteString("| Framework | Score | RAG | Status | Met | Not met | Partial | Not assessed | Waived |\n")
	b.WriteString("|---|---:|---|---|---:|---:|---:|---:|---:|\n")
	for _, f := range a.Frameworks {
		c := f.Counts
		fmt.Fprintf(&b, "| %s | %.1f | %s | %s | %d | %d | %d | %d | %d |\n",
			md(f.ID), f.Score, strings.ToUpper(f.RAG), md(f.Status), c.Met, c.NotMet, c.Partial, c.NotAssessed, c.Waived)
	}

	if top := failingRequirements(a); len(top) > 0 {
		fmt.Fprintf(&b, "\n## Failing requirements\n\nHeaviest failed weight first (%d not met in all).\n\n", len(top))
		b.WriteString("| Framework | Requirement | Failing checks (resources) |\n|---|---|---|\n")
		for i, fr := range top {
			if i == TopRequirements {
				break
			}
			fmt.Fprintf(&b, "| %s | %s %s | %s |\n", md(fr.framework), md(fr.req.ID), md(fr.req.Title), md(strings.Join(fr.checks, ", ")))
		}
	}
	if holes := notAssessed(a); len(holes) > 0 {
		b.WriteString("\n## Not assessed (never counted as met)\n\n")
		for _, h := range holes {
			fmt.Fprintf(&b, "- %s\n", md(h))
		}
	}
	if len(a.Attestations) > 0 {
		b.WriteString("\n## Attestations\n\n| Attestation | Status | Date | Expires | Attested by |\n|---|---|---|---|---|\n")
		for _, at := range a.Attestations {
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", md(at.ID), md(at.Status), md(at.Date), md(at.Expires), md(at.AttestedBy))
		}
	}
	if len(a.Waivers) > 0 {
		b.WriteString("\n## Waivers\n\n| Waiver | Check | Resource | Status | Applied | Expires | Approver |\n|---|---|---|---|---:|---|---|\n")
		for _, wv := range a.Waivers {
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %d | %s | %s |\n", md(wv.ID), md(wv.Check), md(wv.Resource), md(wv.Status), wv.Applied, md(wv.Expires), md(wv.Approver))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// md makes a string safe inside a Markdown table cell: one line, pipes escaped.
var mdCell = strings.NewReplacer("|", `\|`, "\r\n", " ", "\n", " ", "\r", " ")

func md(s string) string { return mdCell.Replace(s) }
