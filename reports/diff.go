package reports

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strings"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/controls"
	"github.com/sdescan/sdescan/reports/texttable"
)

// DiffFormats are the formats of sdescan diff.
var DiffFormats = []string{"table", "json", "md"}

// Requirement changes: a status moved up or down the order of
// requirementRank, or sideways between two statuses of the same rank.
const (
	ChangeImproved = "improved"
	ChangeWorsened = "worsened"
	ChangeChanged  = "changed" // not_met <-> not_assessed: neither better nor worse
	ChangeAdded    = "added"   // a requirement only NEW has (its framework is in both)
	ChangeRemoved  = "removed" // a requirement only OLD has
)

// requirementRank orders requirement statuses from worst to best. not_met and
// not_assessed share a rank: a hole in the evidence is never better than a
// failure, and gaining evidence of a failure is not an improvement either.
var requirementRank = map[string]int{
	controls.NotMet:      0,
	controls.NotAssessed: 0,
	controls.Partial:     1,
	controls.Waived:      2,
	controls.Met:         3,
}

// Diff compares two assessments of the same estate, OLD and NEW: the stable
// output of `sdescan diff --format json` (docs/reports.md).
type Diff struct {
	Old DiffSide `json:"old"`
	New DiffSide `json:"new"`
	// ScoreChange is NEW's risk score minus OLD's, to one decimal.
	ScoreChange float64 `json:"score_change"`
	// Worse: the risk score dropped or a requirement worsened (--fail-on-worse).
	Worse        bool                `json:"worse"`
	Frameworks   []FrameworkChange   `json:"frameworks"`
	Requirements []RequirementChange `json:"requirements"`
	// NewFindings fail in NEW and did not in OLD (passed, errored, did not apply or
	// were not reported).
	NewFindings []FindingChange `json:"new_findings"`
	// ResolvedFindings failed in OLD and pass in NEW.
	ResolvedFindings []FindingChange `json:"resolved_findings"`
	// GoneFindings failed in OLD and are not a pass in NEW: not reported at all
	// (resource or check gone, or not collected) or not assessable. They are
	// never counted as resolved.
	GoneFindings []FindingChange `json:"gone_findings"`
	// Expired are the attestations valid in OLD and the waivers in force in OLD
	// that are expired, invalid or missing at NEW's as_of.
	Expired []EvidenceChange `json:"expired"`
	// NewlyNotAssessed are the checks NEW could not fully assess (its
	// risk.not_assessed_checks) that OLD could or did not have.
	NewlyNotAssessed []CheckChange `json:"newly_not_assessed"`
	// Notes warn about the comparison itself (e.g. NEW is older than OLD).
	Notes []string `json:"notes"`
}

// DiffSide is one side of a comparison.
type DiffSide struct {
	// Source is the pack or assessment file as given.
	Source string  `json:"source"`
	AsOf   string  `json:"as_of"`
	Score  float64 `json:"score"`
	RAG    string  `json:"rag"`
}

// FrameworkChange is one framework's score on both sides; a side that does not
// report the framework has null score and RAG.
type FrameworkChange struct {
	ID       string   `json:"id"`
	OldScore *float64 `json:"old_score"`
	OldRAG   *string  `json:"old_rag"`
	NewScore *float64 `json:"new_score"`
	NewRAG   *string  `json:"new_rag"`
	// ScoreChange is new_score minus old_score; 0 when a side is missing.
	ScoreChange float64 `json:"score_change"`
}

// RequirementChange is a requirement whose status differs between the sides.
type RequirementChange struct {
	Framework string `json:"framework"`
	ID        string `json:"id"`
	Title     string `json:"title"`
	Old       string `json:"old"` // "" when added
	New       string `json:"new"` // "" when removed
	Change    string `json:"change"`
}

// FindingChange is a (check, resource) pair whose status changed.
type FindingChange struct {
	CheckID      string          `json:"check_id"`
	ResourceID   string          `json:"resource_id"`
	ResourceType string          `json:"resource_type"`
	Severity     checks.Severity `json:"severity"`
	Old          string          `json:"old"` // "" when not reported
	New          string          `json:"new"` // "" when not reported
	// Waiver is the ID of the waiver covering a new failure in NEW, if any.
	Waiver string `json:"waiver,omitempty"`
}

// EvidenceChange is an attestation or waiver that lapsed between the sides.
type EvidenceChange struct {
	Kind    string `json:"kind"` // attestation or waiver
	ID      string `json:"id"`
	Old     string `json:"old"`
	New     string `json:"new"` // "missing" when NEW does not list it
	Expires string `json:"expires,omitempty"`
}

// CheckChange is a check that NEW could not fully assess.
type CheckChange struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Old   string `json:"old"` // "" when OLD does not report the check
	New   string `json:"new"`
}

// Compare diffs two assessments; oldName and newName name their sources.
// It is a pure function: the same assessments give the same Diff, every list in
// a fixed order (frameworks and requirements in NEW's order, then those only OLD
// has; findings by check then resource; evidence attestations first, then by ID;
// checks by ID).
func Compare(oldA, newA *controls.Assessment, oldName, newName string) *Diff {
	d := &Diff{
		Old:              side(oldA, oldName),
		New:              side(newA, newName),
		Frameworks:       []FrameworkChange{},
		Requirements:     []RequirementChange{},
		NewFindings:      []FindingChange{},
		ResolvedFindings: []FindingChange{},
		GoneFindings:     []FindingChange{},
		Expired:          []EvidenceChange{},
		NewlyNotAssessed: []CheckChange{},
		Notes:            []string{},
	}
	d.ScoreChange = round1(newA.Risk.Score - oldA.Risk.Score)
	if oldA.AsOf > newA.AsOf {
		d.Notes = append(d.Notes, fmt.Sprintf("NEW (as of %s) is older than OLD (as of %s): changes read backwards", newA.AsOf, oldA.AsOf))
	}

	// Frameworks and their requirements.
	oldFW := map[string]*controls.FrameworkResult{}
	for i := range oldA.Frameworks {
		oldFW[oldA.Frameworks[i].ID] = &oldA.Frameworks[i]
	}
	seen := map[string]bool{}
	for i := range newA.Frameworks {
		nf := &newA.Frameworks[i]
		seen[nf.ID] = true
		fc := FrameworkChange{ID: nf.ID, NewScore: ptr(nf.Score), NewRAG: ptr(nf.RAG)}
		of := oldFW[nf.ID]
		if of != nil {
			fc.OldScore, fc.OldRAG = ptr(of.Score), ptr(of.RAG)
			fc.ScoreChange = round1(nf.Score - of.Score)
			d.Requirements = append(d.Requirements, requirementChanges(of, nf)...)
		}
		d.Frameworks = append(d.Frameworks, fc)
	}
	for i := range oldA.Frameworks {
		of := &oldA.Frameworks[i]
		if !seen[of.ID] {
			d.Frameworks = append(d.Frameworks, FrameworkChange{ID: of.ID, OldScore: ptr(of.Score), OldRAG: ptr(of.RAG)})
		}
	}

	// Findings, by (check, resource).
	type key struct{ check, resource string }
	oldF := make(map[key]*controls.Finding, len(oldA.Findings))
	for i := range oldA.Findings {
		f := &oldA.Findings[i]
		oldF[key{f.CheckID, f.ResourceID}] = f
	}
	newF := make(map[key]bool, len(newA.Findings))
	for i := range newA.Findings {
		nf := &newA.Findings[i]
		k := key{nf.CheckID, nf.ResourceID}
		newF[k] = true
		of := oldF[k]
		oldStatus := ""
		if of != nil {
			oldStatus = string(of.Status)
		}
		fc := FindingChange{CheckID: nf.CheckID, ResourceID: nf.ResourceID, ResourceType: nf.ResourceType, Severity: nf.Severity, Old: oldStatus, New: string(nf.Status)}
		switch {
		case nf.Status == checks.Fail && oldStatus != string(checks.Fail):
			if nf.Waiver != nil {
				fc.Waiver = nf.Waiver.ID
			}
			d.NewFindings = append(d.NewFindings, fc)
		case oldStatus == string(checks.Fail) && nf.Status == checks.Pass:
			d.ResolvedFindings = append(d.ResolvedFindings, fc)
		case oldStatus == string(checks.Fail) && nf.Status != checks.Fail:
			d.GoneFindings = append(d.GoneFindings, fc)
		}
	}
	for i := range oldA.Findings {
		of := &oldA.Findings[i]
		if of.Status == checks.Fail && !newF[key{of.CheckID, of.ResourceID}] {
			d.GoneFindings = append(d.GoneFindings, FindingChange{CheckID: of.CheckID, ResourceID: of.ResourceID, ResourceType: of.ResourceType, Severity: of.Severity, Old: string(of.Status)})
		}
	}
	for _, list := range [][]FindingChange{d.NewFindings, d.ResolvedFindings, d.GoneFindings} {
		sort.Slice(list, func(i, j int) bool {
			if list[i].CheckID != list[j].CheckID {
				return list[i].CheckID < list[j].CheckID
			}
			return list[i].ResourceID < list[j].ResourceID
		})
	}

	// Attestations valid in OLD, lapsed in NEW; waivers in force in OLD, expired or gone in NEW.
	newAtt := map[string]controls.AttestationResult{}
	for _, at := range newA.Attestations {
		newAtt[at.ID] = at
	}
	for _, at := range oldA.Attestations {
		if at.Status != controls.AttValid {
			continue
		}
		n, ok := newAtt[at.ID]
		switch {
		case !ok:
			d.Expired = append(d.Expired, EvidenceChange{Kind: "attestation", ID: at.ID, Old: at.Status, New: controls.AttMissing, Expires: at.Expires})
		case n.Status != controls.AttValid:
			exp := n.Expires
			if exp == "" {
				exp = at.Expires
			}
			d.Expired = append(d.Expired, EvidenceChange{Kind: "attestation", ID: at.ID, Old: at.Status, New: n.Status, Expires: exp})
		}
	}
	newWaiver := map[string]controls.WaiverResult{}
	for _, w := range newA.Waivers {
		newWaiver[w.ID] = w
	}
	for _, w := range oldA.Waivers {
		if w.Status == "expired" {
			continue
		}
		n, ok := newWaiver[w.ID]
		switch {
		case !ok:
			d.Expired = append(d.Expired, EvidenceChange{Kind: "waiver", ID: w.ID, Old: w.Status, New: controls.AttMissing, Expires: w.Expires})
		case n.Status == "expired":
			d.Expired = append(d.Expired, EvidenceChange{Kind: "waiver", ID: w.ID, Old: w.Status, New: n.Status, Expires: n.Expires})
		}
	}
	sort.SliceStable(d.Expired, func(i, j int) bool {
		if d.Expired[i].Kind != d.Expired[j].Kind {
			return d.Expired[i].Kind < d.Expired[j].Kind // attestation before waiver
		}
		return d.Expired[i].ID < d.Expired[j].ID
	})

	// Checks NEW could not fully assess (risk.not_assessed_checks) that OLD could,
	// or did not have.
	oldHole := map[string]bool{}
	for _, id := range oldA.Risk.NotAssessedChecks {
		oldHole[id] = true
	}
	newHole := map[string]bool{}
	for _, id := range newA.Risk.NotAssessedChecks {
		newHole[id] = true
	}
	oldCheck := map[string]string{}
	for _, c := range oldA.Checks {
		oldCheck[c.ID] = c.Status
	}
	for _, c := range newA.Checks {
		if newHole[c.ID] && !oldHole[c.ID] {
			d.NewlyNotAssessed = append(d.NewlyNotAssessed, CheckChange{ID: c.ID, Title: c.Title, Old: oldCheck[c.ID], New: c.Status})
		}
	}
	sort.Slice(d.NewlyNotAssessed, func(i, j int) bool { return d.NewlyNotAssessed[i].ID < d.NewlyNotAssessed[j].ID })

	d.Worse = newA.Risk.Score < oldA.Risk.Score
	for _, r := range d.Requirements {
		d.Worse = d.Worse || r.Change == ChangeWorsened
	}
	return d
}

func side(a *controls.Assessment, name string) DiffSide {
	return DiffSide{Source: name, AsOf: a.AsOf, Score: a.Risk.Score, RAG: a.Risk.RAG}
}

// requirementChanges lists the requirements of one framework whose status
// differs, in NEW's order, then those only OLD has.
func requirementChanges(of, nf *controls.FrameworkResult) []RequirementChange {
	var out []RequirementChange
	old := map[string]*controls.RequirementResult{}
	for i := range of.Requirements {
		old[of.Requirements[i].ID] = &of.Requirements[i]
	}
	seen := map[string]bool{}
	for _, r := range nf.Requirements {
		seen[r.ID] = true
		o := old[r.ID]
		if o == nil {
			out = append(out, RequirementChange{Framework: nf.ID, ID: r.ID, Title: r.Title, New: r.Status, Change: ChangeAdded})
			continue
		}
		if o.Status == r.Status {
			continue
		}
		change := ChangeChanged
		switch or, nr := requirementRank[o.Status], requirementRank[r.Status]; {
		case nr > or:
			change = ChangeImproved
		case nr < or:
			change = ChangeWorsened
		}
		out = append(out, RequirementChange{Framework: nf.ID, ID: r.ID, Title: r.Title, Old: o.Status, New: r.Status, Change: change})
	}
	for _, r := range of.Requirements {
		if !seen[r.ID] {
			out = append(out, RequirementChange{Framework: of.ID, ID: r.ID, Title: r.Title, Old: r.Status, Change: ChangeRemoved})
		}
	}
	return out
}

func ptr[T any](v T) *T { return &v }

func round1(x float64) float64 {
	r := math.Round(x*10) / 10
	if r == 0 {
		return 0 // never -0
	}
	return r
}

// count returns how many requirement changes are of the given kind.
// Measures says, measure by measure, what got better from OLD to NEW and what
// got worse: the risk score, the framework scores, the requirements, the
// findings, the attestations and waivers, and the checks that could be
// assessed. A measure that did not move is in neither list. There is no
// overall verdict: a higher score beside new failing findings is both.
func (d *Diff) Measures() (better, worse []string) {
	switch {
	case d.ScoreChange > 0:
		better = append(better, "risk score "+signed(d.ScoreChange))
	case d.ScoreChange < 0:
		worse = append(worse, "risk score "+signed(d.ScoreChange))
	}
	up, down := 0, 0
	for _, f := range d.Frameworks {
		if f.OldScore == nil || f.NewScore == nil {
			continue
		}
		switch {
		case f.ScoreChange > 0:
			up++
		case f.ScoreChange < 0:
			down++
		}
	}
	if up > 0 {
		better = append(better, plural(up, "framework score", "framework scores")+" up")
	}
	if down > 0 {
		worse = append(worse, plural(down, "framework score", "framework scores")+" down")
	}
	if n := d.count(ChangeImproved); n > 0 {
		better = append(better, plural(n, "requirement", "requirements")+" improved")
	}
	if n := d.count(ChangeWorsened); n > 0 {
		worse = append(worse, plural(n, "requirement", "requirements")+" worsened")
	}
	if n := len(d.ResolvedFindings); n > 0 {
		better = append(better, plural(n, "finding", "findings")+" resolved")
	}
	if n := len(d.NewFindings); n > 0 {
		worse = append(worse, plural(n, "new failing finding", "new failing findings"))
	}
	if n := len(d.Expired); n > 0 {
		worse = append(worse, plural(n, "attestation or waiver", "attestations or waivers")+" lapsed")
	}
	if n := len(d.NewlyNotAssessed); n > 0 {
		worse = append(worse, plural(n, "check", "checks")+" newly not fully assessed")
	}
	return better, worse
}

// wrapList breaks a "label: a; b; c" line after its semicolons so that no
// line is longer than width (an item longer than width alone excepted);
// continuation lines start with indent.
func wrapList(s string, width int, indent string) string {
	var b strings.Builder
	line := ""
	for i, part := range strings.SplitAfter(s, "; ") {
		if i > 0 && width > 0 && len([]rune(strings.TrimRight(line+part, " "))) > width {
			b.WriteString(strings.TrimRight(line, " ") + "\n")
			line = indent
		}
		line += part
	}
	b.WriteString(strings.TrimRight(line, " ") + "\n")
	return b.String()
}

func (d *Diff) count(change string) int {
	n := 0
	for _, r := range d.Requirements {
		if r.Change == change {
			n++
		}
	}
	return n
}

// WriteDiff renders a diff as table (fitted to width; 0: no limit), json or md.
func WriteDiff(w io.Writer, format string, d *Diff, width int) error {
	switch format {
	case "json":
		return checks.WriteJSON(w, d)
	case "table":
		return diffText(w, d, false, width)
	case "md":
		return diffText(w, d, true, 0)
	}
	return fmt.Errorf("unknown format %q (want table, json or md)", format)
}

// signed formats a change with its sign: +1.5, -3.0, 0.0.
func signed(x float64) string {
	if x > 0 {
		return fmt.Sprintf("+%.1f", x)
	}
	return fmt.Sprintf("%.1f", x)
}

func scoreRAG(score *float64, rag *string) string {
	if score == nil || rag == nil {
		return "—"
	}
	return fmt.Sprintf("%.1f %s", *score, strings.ToUpper(*rag))
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// diffText writes the tables (for a terminal, fitted to width) or the Markdown
// (for a job summary or a merge request) of a diff. The two share their
// sections and order.
func diffText(w io.Writer, d *Diff, markdown bool, width int) error {
	var b bytes.Buffer
	esc := func(s string) string { return s }
	if markdown {
		esc = mdText
	}
	oldScore := scoreRAG(&d.Old.Score, &d.Old.RAG)
	newScore := scoreRAG(&d.New.Score, &d.New.RAG)
	// No overall verdict: each measure is said to be better or worse on its own.
	better, worse := d.Measures()
	judged := func(label string, list []string) string {
		if len(list) == 0 {
			return label + ": nothing"
		}
		return label + ": " + strings.Join(list, "; ")
	}
	if markdown {
		fmt.Fprintf(&b, "## sdescan diff: risk score %s → %s (%s)\n\n", oldScore, newScore, signed(d.ScoreChange))
		fmt.Fprintf(&b, "OLD %s (as of %s); NEW %s (as of %s).\n\n", esc(d.Old.Source), d.Old.AsOf, esc(d.New.Source), d.New.AsOf)
		if len(better)+len(worse) == 0 {
			b.WriteString("No measure got better or worse.\n")
		} else {
			fmt.Fprintf(&b, "- %s\n- %s\n", judged("**Better**", better), judged("**Worse**", worse))
		}
	} else {
		b.WriteString(texttable.Fill(fmt.Sprintf("sdescan diff: OLD %s (as of %s) → NEW %s (as of %s)", d.Old.Source, d.Old.AsOf, d.New.Source, d.New.AsOf), width, "", "  "))
		fmt.Fprintf(&b, "Risk score %s → %s (%s)\n", oldScore, newScore, signed(d.ScoreChange))
		if len(better)+len(worse) == 0 {
			b.WriteString("No measure got better or worse.\n")
		} else {
			b.WriteString(wrapList(judged("Better", better), width, "  "))
			b.WriteString(wrapList(judged("Worse", worse), width, "  "))
		}
	}
	for _, n := range d.Notes {
		b.WriteString("\n")
		b.WriteString(texttable.Fill("Note: "+esc(n), width, "", "  "))
	}

	// section writes a heading and rows: a Markdown table, or a table fitted to
	// the width whose titles, resources and statuses wrap (IDs are kept whole).
	wraps := map[string]bool{"Title": true, "Resource": true, "Status": true, "Requirement": true}
	section := func(title string, header []string, rows [][]string) {
		if markdown {
			fmt.Fprintf(&b, "\n### %s\n\n", title)
			if len(rows) == 0 {
				b.WriteString("None.\n")
				return
			}
			fmt.Fprintf(&b, "| %s |\n|%s\n", strings.Join(header, " | "), strings.Repeat("---|", len(header)))
			for _, r := range rows {
				for i := range r {
					r[i] = esc(r[i])
				}
				fmt.Fprintf(&b, "| %s |\n", strings.Join(r, " | "))
			}
			return
		}
		b.WriteString("\n")
		b.WriteString(texttable.Fill(title, width, "", "  "))
		if len(rows) == 0 {
			b.WriteString("  none\n")
			return
		}
		cols := make([]texttable.Column, len(header))
		for i, h := range header {
			cols[i] = texttable.Column{Header: h, Wrap: wraps[h]}
		}
		t := texttable.New(cols...)
		for _, r := range rows {
			t.Row(r...)
		}
		_ = t.Render(&b, width) // a bytes.Buffer never fails
	}

	// A title is clipped in Markdown (its tables do not wrap); a terminal table wraps it.
	title := func(s string) string {
		if markdown {
			return clip(s, 60)
		}
		return s
	}
	var rows [][]string
	for _, f := range d.Frameworks {
		change := "—"
		if f.OldScore != nil && f.NewScore != nil {
			change = signed(f.ScoreChange)
		}
		rows = append(rows, []string{f.ID, scoreRAG(f.OldScore, f.OldRAG), scoreRAG(f.NewScore, f.NewRAG), change})
	}
	section("Frameworks", []string{"Framework", "OLD", "NEW", "Change"}, rows)

	rows = nil
	for _, r := range d.Requirements {
		status := orNone(r.Old) + " → " + orNone(r.New)
		if markdown {
			rows = append(rows, []string{r.Change, r.Framework, r.ID, title(r.Title), status})
		} else {
			// One wrapping cell for framework, ID and title: a terminal
			// 80 columns wide has no room for three.
			rows = append(rows, []string{r.Change, r.Framework + " " + r.ID + " " + r.Title, status})
		}
	}
	header := []string{"Change", "Requirement", "Status"}
	if markdown {
		header = []string{"Change", "Framework", "Requirement", "Title", "Status"}
	}
	section(fmt.Sprintf("Requirements: %d improved, %d worsened, %d changed otherwise", d.count(ChangeImproved), d.count(ChangeWorsened), len(d.Requirements)-d.count(ChangeImproved)-d.count(ChangeWorsened)),
		header, rows)

	findingRows := func(list []FindingChange) [][]string {
		var rows [][]string
		for _, f := range list {
			status := orNone(f.Old) + " → " + orNone(f.New)
			if f.Waiver != "" {
				status += " (waived by " + f.Waiver + ")"
			}
			rows = append(rows, []string{f.CheckID, string(f.Severity), f.ResourceID, status})
		}
		return rows
	}
	header = []string{"Check", "Severity", "Resource", "Status"}
	section(fmt.Sprintf("New failing findings: %d", len(d.NewFindings)), header, findingRows(d.NewFindings))
	section(fmt.Sprintf("Resolved findings (fail → pass): %d", len(d.ResolvedFindings)), header, findingRows(d.ResolvedFindings))
	if len(d.GoneFindings) > 0 {
		section(fmt.Sprintf("Failing before, not a pass now (never counted as resolved): %d", len(d.GoneFindings)), header, findingRows(d.GoneFindings))
	}

	rows = nil
	for _, e := range d.Expired {
		rows = append(rows, []string{e.Kind, e.ID, e.Old + " → " + e.New, orNone(e.Expires)})
	}
	section(fmt.Sprintf("Attestations and waivers that lapsed in between: %d", len(d.Expired)), []string{"Kind", "ID", "Status", "Expires"}, rows)

	rows = nil
	for _, c := range d.NewlyNotAssessed {
		rows = append(rows, []string{c.ID, title(c.Title), orNone(c.Old) + " → " + c.New})
	}
	section(fmt.Sprintf("Checks newly not fully assessed: %d", len(d.NewlyNotAssessed)), []string{"Check", "Title", "Status"}, rows)

	_, err := w.Write(b.Bytes())
	return err
}

// DecodeAssessment decodes an assessment JSON file, strictly. The trend object
// `previous` that --previous adds is accepted and dropped.
func DecodeAssessment(data []byte) (*controls.Assessment, error) {
	var doc AssessmentWithTrend
	if err := checks.DecodeJSONStrict(data, &doc); err != nil {
		return nil, err
	}
	if doc.Assessment == nil {
		return nil, errors.New("no tool, as_of or risk: not an sdescan assessment")
	}
	if err := CheckAssessment(doc.Assessment); err != nil {
		return nil, err
	}
	return doc.Assessment, nil
}

// CheckAssessment refuses JSON that decodes but is no assessment (e.g. {}):
// DecodeAssessment checks it, and so does package pack for a pack's assessment.json.
func CheckAssessment(a *controls.Assessment) error {
	if a.AsOf == "" || a.Tool.Name == "" || a.Risk.RAG == "" {
		return errors.New("no tool, as_of or risk: not an sdescan assessment")
	}
	return nil
}

// Trend is where an earlier assessment of the same estate stood: what
// --previous adds to the reports (docs/reports.md).
type Trend struct {
	AsOf  string  `json:"as_of"`
	Score float64 `json:"score"`
	RAG   string  `json:"rag"`
}

// TrendOf is the trend object of a previous assessment; nil for nil.
func TrendOf(prev *controls.Assessment) *Trend {
	if prev == nil {
		return nil
	}
	return &Trend{AsOf: prev.AsOf, Score: prev.Risk.Score, RAG: prev.Risk.RAG}
}

// AssessmentWithTrend is the JSON of an assessment with the optional trailing
// `previous` object (docs/output.md). A pack's assessment.json never has it: a
// pack holds only what follows from its own inputs.
type AssessmentWithTrend struct {
	*controls.Assessment
	Previous *Trend `json:"previous,omitempty"`
}

// JSONWithTrend writes the assessment as JSON, with `previous` when prev is given.
func JSONWithTrend(w io.Writer, a, prev *controls.Assessment) error {
	if prev == nil {
		return JSON(w, a)
	}
	return controls.WriteJSON(w, AssessmentWithTrend{Assessment: a, Previous: TrendOf(prev)}, a)
}

// tableWithTrend is Table with the trend line under the risk score when a
// previous assessment is given.
func tableWithTrend(w io.Writer, a, prev *controls.Assessment, width int) error {
	if prev == nil {
		return Table(w, a, width)
	}
	var b bytes.Buffer
	if err := Table(&b, a, width); err != nil {
		return err
	}
	out := b.Bytes()
	if i := bytes.Index(out, []byte("\n\n")); i >= 0 {
		out = append(append(append([]byte{}, out[:i+1]...), trendLine(a, prev)+"\n"...), out[i+1:]...)
	}
	_, err := w.Write(out)
	return err
}

// FirstDiffLine is the 1-based line where a and b first differ: where a rendering
// departs from the one it should equal (pack verification names it in its problems).
func FirstDiffLine(a, b []byte) int {
	n := min(len(a), len(b))
	i := 0
	for i < n && a[i] == b[i] {
		i++
	}
	return bytes.Count(a[:i], []byte("\n")) + 1
}
