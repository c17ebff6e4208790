package reports

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/sdescan/sdescan/checks"
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
	if holes := notAssessedCauses(a); len(holes) > 0 {
		b.WriteString("\n## Not assessed (never counted as met)\n\n")
		for _, h := range holes {
			fmt.Fprintf(&b, "- %s\n", md(h.String()))
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

// md makes text that comes from facts, files or checks (resource IDs, file names,
// messages, titles) inert in Markdown, wherever it is written: one line, and
// every character that could open HTML, an entity, a link or image, an
// autolink, code, emphasis or a table cell escaped with a backslash (CommonMark
// lets any ASCII punctuation be escaped), so a job summary or a merge request
// shows the text as it is and renders nothing it did not write itself.
func md(s string) string { return mdEscape.Replace(s) }

// mdEscape is md's replacer. The colon is escaped so that "https://…" is never
// an autolink, "www." for the same reason.
var mdEscape = strings.NewReplacer(
	"\\", `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "{", `\{`, "}", `\}`, "[", `\[`, "]", `\]`,
	"(", `\(`, ")", `\)`, "<", `\<`, ">", `\>`, "#", `\#`, "!", `\!`, "|", `\|`, "~", `\~`,
	"&", `\&`, ":", `\:`, "www.", `www\.`, "WWW.", `WWW\.`,
	"\r\n", " ", "\n", " ", "\r", " ",
)

// Limits of the job summary, so that it stays far below GitHub's 1 MiB step
// summary limit whatever the estate's size.
const (
	summaryTopChecks   = 10
	summaryMaxHoles    = 25
	summaryMaxNotes    = 25
	summaryMaxCell     = 200
	summaryExpiringDay = 30
)

// Summary writes the Markdown of `--format md`, sized for a CI job summary
// ($GITHUB_STEP_SUMMARY): the overall score and RAG, one line per framework, the
// failing checks that weigh most, what could not be assessed and why, and the
// waivers and attestations that have expired or expire soon. Every list is capped
// and every cell clipped, and text from inputs is escaped so that it can hold no
// raw HTML. The pack's reports/summary.md is Markdown, not this.
func Summary(w io.Writer, a *controls.Assessment) error { return summary(w, a, nil) }

// summary is Summary with the trend from a previous assessment, when given.
func summary(w io.Writer, a, prev *controls.Assessment) error {
	var b strings.Builder
	r := a.Risk
	fmt.Fprintf(&b, "## sdescan: risk score %.1f (%s)\n\n", r.Score, strings.ToUpper(r.RAG))
	fmt.Fprintf(&b, "sdescan %s, as of %s: failed weight %d of %d assessed", mdText(a.Tool.Version), a.AsOf, r.FailedWeight, r.AssessedWeight)
	if r.WaivedWeight > 0 {
		fmt.Fprintf(&b, ", %d waived", r.WaivedWeight)
	}
	fmt.Fprintf(&b, "; %d critical failure(s); %d check(s) not fully assessed.\n\n", r.CriticalFailures, r.NotAssessed)
	if prev != nil {
		fmt.Fprintf(&b, "%s\n\n", trendLine(a, prev))
	}

	b.WriteString("| Framework | Score | RAG | Status | Met | Not met | Partial | Not assessed | Waived |\n")
	b.WriteString("|---|---:|---|---|---:|---:|---:|---:|---:|\n")
	for _, f := range a.Frameworks {
		c := f.Counts
		fmt.Fprintf(&b, "| %s | %.1f | %s | %s | %d | %d | %d | %d | %d |\n",
			mdText(f.ID), f.Score, strings.ToUpper(f.RAG), mdText(f.Status), c.Met, c.NotMet, c.Partial, c.NotAssessed, c.Waived)
	}

	type failingCheck struct {
		id, title string
		sev       string
		n, weight int
	}
	byCheck := map[string]*failingCheck{}
	var order []*failingCheck
	for f := range a.EachFinding() {
		if f.Status != checks.Fail || f.Waiver != nil {
			continue
		}
		fc := byCheck[f.CheckID]
		if fc == nil {
			fc = &failingCheck{id: f.CheckID, sev: string(f.Severity)}
			byCheck[f.CheckID] = fc
			order = append(order, fc)
		}
		fc.n++
		fc.weight += controls.FindingWeight(f.Finding)
	}
	for _, c := range a.Checks {
		if fc := byCheck[c.ID]; fc != nil {
			fc.title = c.Title
		}
	}
	sort.SliceStable(order, func(i, j int) bool { return order[i].weight > order[j].weight })
	if len(order) > 0 {
		fmt.Fprintf(&b, "\n### Top failing checks\n\n%d check(s) fail; heaviest failed weight first.\n\n", len(order))
		b.WriteString("| Check | Severity | Failing resources | Weight | Title |\n|---|---|---:|---:|---|\n")
		for i, fc := range order {
			if i == summaryTopChecks {
				fmt.Fprintf(&b, "\n…and %d more.\n", len(order)-summaryTopChecks)
				break
			}
			fmt.Fprintf(&b, "| %s | %s | %d | %d | %s |\n", mdText(fc.id), mdText(fc.sev), fc.n, fc.weight, mdText(fc.title))
		}
	}

	if holes := notAssessedCauses(a); len(holes) > 0 {
		b.WriteString("\n### Not assessed (never counted as met)\n\n")
		for i, h := range holes {
			if i == summaryMaxHoles {
				fmt.Fprintf(&b, "- …and %d more cause(s)\n", len(holes)-summaryMaxHoles)
				break
			}
			fmt.Fprintf(&b, "- %s\n", mdText(h.String()))
		}
	}

	var notes []string
	for _, at := range a.Attestations {
		switch {
		case at.Status == controls.AttExpired || at.Status == controls.AttInvalid || at.Status == controls.AttMissing:
			notes = append(notes, fmt.Sprintf("attestation **%s** is %s: %s", mdText(at.ID), at.Status, mdText(at.Reason)))
		case at.DaysLeft != nil && *at.DaysLeft < summaryExpiringDay:
			notes = append(notes, fmt.Sprintf("attestation **%s** expires on %s (%d day(s) left)", mdText(at.ID), mdText(at.Expires), *at.DaysLeft))
		}
	}
	for _, wv := range a.Waivers {
		switch {
		case wv.Status == "expired":
			notes = append(notes, fmt.Sprintf("waiver **%s** (%s on %s) expired on %s and no longer applies", mdText(wv.ID), mdText(wv.Check), mdText(wv.Resource), mdText(wv.Expires)))
		case wv.Expiring:
			notes = append(notes, fmt.Sprintf("waiver **%s** (%s, approved by %s) expires on %s (%d day(s) left)", mdText(wv.ID), mdText(wv.Check), mdText(wv.Approver), mdText(wv.Expires), wv.DaysLeft))
		}
	}
	if len(notes) > 0 {
		b.WriteString("\n### Expired, missing or expiring evidence\n\n")
		for i, n := range notes {
			if i == summaryMaxNotes {
				fmt.Fprintf(&b, "- …and %d more\n", len(notes)-summaryMaxNotes)
				break
			}
			fmt.Fprintf(&b, "- %s\n", n)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// mdText is md of text clipped to a job summary's cell.
func mdText(s string) string { return md(clip(s, summaryMaxCell)) }

// trendLine says how the risk score moved since a previous assessment, in the
// words of the board report: "Trend: down 3.4 since 2026-10-01T00:00:00Z
// (was 76.9 AMBER)".
func trendLine(a, prev *controls.Assessment) string {
	d := round1(a.Risk.Score - prev.Risk.Score)
	dir := "unchanged"
	switch {
	case d > 0:
		dir = fmt.Sprintf("up %.1f", d)
	case d < 0:
		dir = fmt.Sprintf("down %.1f", -d)
	}
	return fmt.Sprintf("Trend: %s since %s (was %.1f %s).", dir, prev.AsOf, prev.Risk.Score, strings.ToUpper(prev.Risk.RAG))
}
