package reports

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/checks/engine"
	"github.com/sdescan/sdescan/collectors"
	"github.com/sdescan/sdescan/controls"
)

// The board report (docs/reports.md): one self-contained HTML page, with no
// external request of any kind, for the board of an NHS trust first and its
// assessor second. Like every report it is a pure function of its input: the
// same input always gives the same bytes (its time is the assessment's as_of).

//go:embed templates/board.html.tmpl
var boardTemplateText string

var boardTemplate = template.Must(template.New("board").Parse(boardTemplateText))

// TopRisks is how many risks the board section lists.
const TopRisks = 5

// AttestationExpiringDays is how close to its expiry an attestation is listed as
// nearing it (the default of --expiring-days for waivers).
const AttestationExpiringDays = 30

// HTMLInput is what the board report renders.
type HTMLInput struct {
	// Assessment is the assessment reported (required).
	Assessment *controls.Assessment
	// Previous, when given, is an earlier assessment of the same estate: the trend.
	Previous *controls.Assessment
	// Checks carry each check's description and remediation, which the assessment
	// does not. When nil, the built-in checks' metadata is used; a check found in
	// neither is reported with a pointer to its source in the pack.
	Checks []*checks.Check
	// Pack, when given, names the exact pack paths of the attestation and waiver
	// files; otherwise they are named by their source and the pack folder.
	Pack *PackSource
}

var (
	builtinOnce   sync.Once
	builtinChecks []*checks.Check
)

// builtinCheckMeta loads the built-in checks once, for their metadata.
func builtinCheckMeta() []*checks.Check {
	builtinOnce.Do(func() {
		if e, err := engine.New(collectors.Builtin()); err == nil {
			builtinChecks = e.Checks()
		}
	})
	return builtinChecks
}

// Board renders the board report of an assessment alone (reports.Write "html").
func Board(w io.Writer, a *controls.Assessment) error {
	return HTML(w, HTMLInput{Assessment: a})
}

// HTML writes the board report: the board summary, then the assessor's detail.
func HTML(w io.Writer, in HTMLInput) error {
	if in.Assessment == nil {
		return fmt.Errorf("html report: no assessment")
	}
	meta := in.Checks
	if meta == nil {
		meta = builtinCheckMeta()
	}
	v := buildBoard(in, meta)
	var b bytes.Buffer
	if err := boardTemplate.Execute(&b, v); err != nil {
		return fmt.Errorf("html report: %w", err)
	}
	_, err := w.Write(b.Bytes())
	return err
}

// ---- view model ------------------------------------------------------------

type boardView struct {
	Tool      string
	AsOf      string
	AsOfDate  string
	Risk      controls.Risk
	Score     string
	RAG       string // green | amber | red
	RAGWord   string // GREEN | AMBER | RED
	Trend     *trendView
	Frames    []frameView
	Risks     []riskView
	RiskCount int // failing (unwaived) checks in all
	Backup    backupView
	Holes     holesView
	Expiry    []expiryView
	Assessor  assessorView
}

type trendView struct {
	Direction string // up | down | same
	Word      string
	Arrow     string
	Delta     string
	Score     string
	RAGWord   string
	AsOf      string
}

type frameView struct {
	ID, Title, Version, Status string
	Score, RAG, RAGWord        string
	PercentMet                 string
	Total                      int
	Counts                     controls.Counts
	Coverage                   controls.Coverage
	Segments                   []segment
	BarTitle                   string
	Previous                   string // previous score, when the previous assessment has it
	Anchor                     string
}

type segment struct {
	Class, Label string
	N            int
	X, W         string
}

type riskView struct {
	Rank                int
	CheckID, Title      string
	Severity            string
	Failing, Assessed   int
	Sensitive           int
	Weight              int
	Why, Remediation    string
	RemediationFallback string
	Requirements        int // requirements not met that it fails
	Frameworks          int // frameworks they belong to
	Resources           []string
	MoreResources       int
}

type backupView struct {
	InScope      bool
	Summary      string
	Requirements []string
	Checks       []backupItem
	Attestations []backupItem
}

type backupItem struct {
	ID, Title, Status, Detail string
}

type holesView struct {
	NotAssessed    int
	CollectErrors  []string
	Checks         []holeGroup
	Missing        []string
	MissingCount   int
	NoEvidenceReqs int
}

// holeGroup is the checks not fully assessed for the same first reason.
type holeGroup struct {
	Why string
	IDs []string
}

type expiryView struct {
	Kind, ID, Title, State, Detail string
}

type assessorView struct {
	Files        []fileRef
	Frames       []assessorFrame
	Checks       []assessorCheck
	Attestations []assessorAtt
	Waivers      []assessorWaiver
	Runs         []assessorRun
}

type fileRef struct{ Path, What string }

type assessorFrame struct {
	ID, Title, Version, Anchor string
	Requirements               []assessorReq
}

type assessorReq struct {
	ID, Title, Status, Label string
	Checks                   []refView
	Attestations             []refView
	Reasons                  []string
}

type refView struct{ ID, Status, Anchor string }

type assessorCheck struct {
	ID, Title, Severity, Status, Anchor string
	Pass, Fail, Waived, Error           int
	NotApplicable                       int
	Types                               string
	Source                              string
	Reasons                             []string
	Findings                            []findingView
	// MoreFindings are the results past assessorMaxFindings, by status, that
	// the page does not list (findings.json and assessment.json hold them).
	MoreFindings string
}

// assessorMaxFindings is how many results of one check the assessor detail lists,
// failures first: beyond it a page of a large estate (234,000 results at 100,000
// resources) would be tens of megabytes that no browser shows usefully. The
// counts stay exact; the rest of the results are in findings.json.
const assessorMaxFindings = 200

type findingView struct {
	Status, Resource, Type, Classification string
	Messages                               []string
	Waiver                                 string
	WaiverAnchor                           string
}

type assessorAtt struct {
	ID, Title, Status, Anchor string
	Date, Expires, DaysLeft   string
	AttestedBy, File, Reason  string
	Documents                 []docView
}

type docView struct{ Title, Where, SHA256, Size string }

type assessorWaiver struct {
	ID, Anchor, Check, CheckAnchor string
	Resource, Reason               string
	Approver, ApprovedOn, Expires  string
	Reference, Status, File        string
	Applied, DaysLeft              int
	Expiring                       bool
}

type assessorRun struct {
	Collector, Scope, Status string
	Errors                   []string
}

// ---- building --------------------------------------------------------------

func score1(x float64) string { return strconv.FormatFloat(x, 'f', 1, 64) }

func ragWord(r string) string { return strings.ToUpper(r) }

var statusWords = map[string]string{
	controls.Met: "met", controls.NotMet: "not met", controls.Partial: "partial",
	controls.NotAssessed: "not assessed", controls.Waived: "waived",
	controls.CheckPass: "pass", controls.CheckFail: "fail",
	controls.CheckNoResources: "no resources in scope",
}

func word(s string) string {
	if w, ok := statusWords[s]; ok {
		return w
	}
	return strings.ReplaceAll(s, "_", " ")
}

func anchor(prefix, id string) string {
	var b strings.Builder
	b.WriteString(prefix)
	for _, r := range id {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			b.WriteRune(r)
		default:
			fmt.Fprintf(&b, "_%x", r)
		}
	}
	return b.String()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

func buildBoard(in HTMLInput, meta []*checks.Check) *boardView {
	a := in.Assessment
	v := &boardView{
		Tool:     strings.TrimSpace(a.Tool.Name + " " + a.Tool.Version),
		AsOf:     a.AsOf,
		AsOfDate: asOfDate(a.AsOf),
		Risk:     a.Risk,
		Score:    score1(a.Risk.Score),
		RAG:      a.Risk.RAG,
		RAGWord:  ragWord(a.Risk.RAG),
	}
	if v.Tool == "" {
		v.Tool = "sdescan"
	}
	if p := in.Previous; p != nil {
		v.Trend = trendOf(a.Risk.Score, p)
	}
	prevFrames := map[string]float64{}
	if in.Previous != nil {
		for _, f := range in.Previous.Frameworks {
			prevFrames[f.ID] = f.Score
		}
	}
	for _, f := range a.Frameworks {
		fv := frameView{ID: f.ID, Title: f.Title, Version: f.Version, Status: f.Status,
			Score: score1(f.Score), RAG: f.RAG, RAGWord: ragWord(f.RAG), PercentMet: score1(f.PercentMet),
			Counts: f.Counts, Coverage: f.Coverage, Total: len(f.Requirements), Anchor: anchor("fw-", f.ID)}
		if ps, ok := prevFrames[f.ID]; ok {
			fv.Previous = score1(ps)
		}
		fv.Segments, fv.BarTitle = bar(f.Counts, fv.Total)
		v.Frames = append(v.Frames, fv)
	}
	byID := map[string]*checks.Check{}
	for _, c := range meta {
		byID[c.ID] = c
	}
	v.Risks, v.RiskCount = topRisks(a, byID)
	v.Backup = backupOf(a)
	v.Holes = holesOf(a)
	v.Expiry = expiryOf(a)
	v.Assessor = assessorOf(a, in.Pack, byID)
	return v
}

func asOfDate(s string) string {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return s
	}
	return t.UTC().Format("2 January 2006")
}

func trendOf(score float64, p *controls.Assessment) *trendView {
	t := &trendView{Score: score1(p.Risk.Score), RAGWord: ragWord(p.Risk.RAG), AsOf: asOfDate(p.AsOf)}
	// Both scores are already rounded to one decimal: compare them as shown.
	cur, prev := score1(score), score1(p.Risk.Score)
	d, _ := strconv.ParseFloat(cur, 64)
	q, _ := strconv.ParseFloat(prev, 64)
	delta := d - q
	switch {
	case cur == prev:
		t.Direction, t.Word, t.Arrow, t.Delta = "same", "Unchanged", "→", "0.0"
	case delta > 0:
		t.Direction, t.Word, t.Arrow, t.Delta = "up", "Up", "▲", score1(delta)
	default:
		t.Direction, t.Word, t.Arrow, t.Delta = "down", "Down", "▼", score1(-delta)
	}
	return t
}

// barWidth is the width of a framework bar in SVG user units.
const barWidth = 1000

func bar(c controls.Counts, total int) ([]segment, string) {
	parts := []segment{
		{Class: "met", Label: "met", N: c.Met},
		{Class: "waived", Label: "waived", N: c.Waived},
		{Class: "partial", Label: "partial", N: c.Partial},
		{Class: "notmet", Label: "not met", N: c.NotMet},
		{Class: "notassessed", Label: "not assessed", N: c.NotAssessed},
	}
	var words []string
	var out []segment
	x := 0.0
	for _, p := range parts {
		words = append(words, fmt.Sprintf("%d %s", p.N, p.Label))
		if p.N == 0 || total == 0 {
			continue
		}
		w := float64(barWidth) * float64(p.N) / float64(total)
		p.X, p.W = strconv.FormatFloat(x, 'f', 2, 64), strconv.FormatFloat(w, 'f', 2, 64)
		x += w
		out = append(out, p)
	}
	return out, fmt.Sprintf("%d requirements: %s", total, strings.Join(words, ", "))
}

func topRisks(a *controls.Assessment, meta map[string]*checks.Check) ([]riskView, int) {
	type agg struct {
		failing, sensitive, weight int
		resources                  []string
	}
	by := map[string]*agg{}
	for f := range a.EachFinding() {
		if f.Status != checks.Fail || f.Waiver != nil {
			continue
		}
		g := by[f.CheckID]
		if g == nil {
			g = &agg{}
			by[f.CheckID] = g
		}
		g.failing++
		g.weight += controls.FindingWeight(f.Finding)
		if f.Classification == "identifiable" || f.Classification == "pseudonymised" {
			g.sensitive++
		}
		g.resources = append(g.resources, f.ResourceID)
	}
	var out []riskView
	for _, c := range a.Checks {
		g := by[c.ID]
		if g == nil {
			continue
		}
		r := riskView{CheckID: c.ID, Title: c.Title, Severity: string(c.Severity), Failing: g.failing,
			Assessed: c.Pass + c.Fail + c.Waived, Sensitive: g.sensitive, Weight: g.weight}
		if m := meta[c.ID]; m != nil {
			r.Why, r.Remediation = strings.TrimSpace(m.Description), strings.TrimSpace(m.Remediation)
		}
		if r.Remediation == "" {
			r.RemediationFallback = "No remediation is recorded for this check; its source is in the pack under policies/checks/."
		}
		res := append([]string(nil), g.resources...)
		sort.Strings(res)
		const maxRes = 3
		if len(res) > maxRes {
			r.MoreResources = len(res) - maxRes
			res = res[:maxRes]
		}
		r.Resources = res
		out = append(out, r)
	}
	sort.SliceStable(out, func(i, j int) bool {
		x, y := out[i], out[j]
		if rx, ry := checks.Severity(x.Severity).Rank(), checks.Severity(y.Severity).Rank(); rx != ry {
			return rx > ry
		}
		if x.Sensitive != y.Sensitive {
			return x.Sensitive > y.Sensitive
		}
		if x.Weight != y.Weight {
			return x.Weight > y.Weight
		}
		return x.CheckID < y.CheckID
	})
	n := len(out)
	if len(out) > TopRisks {
		out = out[:TopRisks]
	}
	for i := range out {
		out[i].Rank = i + 1
		fws := map[string]bool{}
		for _, f := range a.Frameworks {
			for _, rq := range f.Requirements {
				if rq.Status != controls.NotMet {
					continue
				}
				for _, c := range rq.Checks {
					if c.ID == out[i].CheckID && c.Status == controls.CheckFail {
						out[i].Requirements++
						fws[f.ID] = true
					}
				}
			}
		}
		out[i].Frameworks = len(fws)
	}
	return out, n
}

// backupOf gathers the evidence on backups: the checks and attestations of every
// requirement about backups in the frameworks assessed.
func backupOf(a *controls.Assessment) backupView {
	var v backupView
	checkSeen, attSeen := map[string]bool{}, map[string]bool{}
	var checkIDs, attIDs []string
	for _, f := range a.Frameworks {
		for _, r := range f.Requirements {
			if !strings.Contains(strings.ToLower(r.Title), "backup") {
				continue
			}
			label := r.Label
			if label == "" {
				label = word(r.Status)
			}
			v.Requirements = append(v.Requirements, fmt.Sprintf("%s %s %s: %s", f.ID, r.ID, clip(r.Title, 70), label))
			for _, c := range r.Checks {
				if !checkSeen[c.ID] {
					checkSeen[c.ID] = true
					checkIDs = append(checkIDs, c.ID)
				}
			}
			for _, at := range r.Attestations {
				if !attSeen[at.ID] {
					attSeen[at.ID] = true
					attIDs = append(attIDs, at.ID)
				}
			}
		}
	}
	if len(checkIDs) == 0 && len(attIDs) == 0 {
		return v
	}
	v.InScope = true
	fails, passes, holes := 0, 0, 0
	for _, id := range checkIDs {
		for _, c := range a.Checks {
			if c.ID != id {
				continue
			}
			d := fmt.Sprintf("%d of %d resources fail", c.Fail, c.Pass+c.Fail+c.Waived)
			if c.Waived > 0 {
				d += fmt.Sprintf(", %d waived", c.Waived)
			}
			switch c.Status {
			case controls.CheckFail:
				fails++
			case controls.CheckPass:
				passes++
			default:
				holes++
			}
			v.Checks = append(v.Checks, backupItem{ID: c.ID, Title: c.Title, Status: word(c.Status), Detail: d})
		}
	}
	for _, id := range attIDs {
		for _, at := range a.Attestations {
			if at.ID != id {
				continue
			}
			d := at.Reason
			if at.Status == controls.AttValid {
				d = "dated " + at.Date
				if at.Expires != "" {
					d += ", valid until " + at.Expires
				}
			}
			v.Attestations = append(v.Attestations, backupItem{ID: at.ID, Title: at.Title, Status: at.Status, Detail: d})
		}
	}
	v.Summary = fmt.Sprintf("%s of %d backup checks fail, %d pass, %d could not be fully judged.",
		strconv.Itoa(fails), len(v.Checks), passes, holes)
	return v
}

func holesOf(a *controls.Assessment) holesView {
	h := holesView{NotAssessed: a.Risk.NotAssessed}
	for _, r := range a.CollectorRuns {
		for _, e := range r.Errors {
			where := strings.TrimSpace(strings.Join(nonEmpty(e.Service, e.API), " "))
			place := strings.TrimSpace(strings.Join(nonEmpty(e.Account, e.Region), " "))
			s := fmt.Sprintf("%s could not read %s", e.Collector, where)
			if place != "" {
				s += " in " + place
			}
			if e.Resource != "" {
				s += " (" + e.Resource + ")"
			}
			msg := e.Message
			if strings.HasPrefix(msg, "AccessDenied") || strings.Contains(msg, "not authorized") {
				s += ": access was denied to the read-only role"
			} else {
				s += ": " + clip(msg, 160)
			}
			h.CollectErrors = append(h.CollectErrors, s)
		}
		if len(r.Errors) == 0 && r.Status == checks.RunFailed {
			h.CollectErrors = append(h.CollectErrors, fmt.Sprintf("%s %s: the collection failed", r.Collector, r.Scope))
		}
	}
	// The causes the operator's table lists, in its order, said plainly; two
	// causes that read the same for the board are one group.
	group := map[string]int{}
	for _, c := range notAssessedCauses(a) {
		why := plainReason(c.why)
		gi, ok := group[why]
		if !ok {
			gi = len(h.Checks)
			group[why] = gi
			h.Checks = append(h.Checks, holeGroup{Why: why})
		}
		for i, id := range c.checks {
			if c.partly[i] {
				id += " (partly)"
			}
			if !slices.Contains(h.Checks[gi].IDs, id) {
				h.Checks[gi].IDs = append(h.Checks[gi].IDs, id)
			}
		}
	}
	for _, at := range a.Attestations {
		if at.Status == controls.AttMissing {
			t := at.Title
			if t == "" {
				t = at.ID
			}
			h.Missing = append(h.Missing, t)
		}
	}
	h.MissingCount = len(h.Missing)
	for _, f := range a.Frameworks {
		h.NoEvidenceReqs += f.Coverage.None
	}
	return h
}

// plainReason shortens a check's reason for the board: a collection failure
// names where it failed, not the whole error.
func plainReason(r string) string {
	if strings.HasPrefix(r, "collection failed (") {
		if i := strings.Index(r, "): "); i > 0 {
			where := r[len("collection failed ("):i]
			msg := r[i+3:]
			if strings.HasPrefix(msg, "AccessDenied") || strings.Contains(msg, "not authorized") {
				return "access denied when reading " + where
			}
			return "collection failed when reading " + where
		}
	}
	return clip(r, 160)
}

func nonEmpty(s ...string) []string {
	var out []string
	for _, x := range s {
		if x != "" {
			out = append(out, x)
		}
	}
	return out
}

func expiryOf(a *controls.Assessment) []expiryView {
	var out []expiryView
	for _, at := range a.Attestations {
		ev := expiryView{Kind: "Attestation", ID: at.ID, Title: at.Title}
		switch {
		case at.Status == controls.AttExpired:
			ev.State = "Expired"
			ev.Detail = fmt.Sprintf("expired on %s (%s ago); attested by %s", at.Expires, plural(-derefInt(at.DaysLeft), "day", "days"), orUnknown(at.AttestedBy))
		case at.Status == controls.AttInvalid:
			ev.State = "Invalid"
			ev.Detail = at.Reason
		case at.Status == controls.AttValid && at.DaysLeft != nil && *at.DaysLeft < AttestationExpiringDays:
			ev.State = "Expiring soon"
			ev.Detail = fmt.Sprintf("expires on %s (%s left); attested by %s", at.Expires, plural(*at.DaysLeft, "day", "days"), orUnknown(at.AttestedBy))
		default:
			continue
		}
		out = append(out, ev)
	}
	for _, w := range a.Waivers {
		ev := expiryView{Kind: "Waiver", ID: w.ID, Title: w.Check + " on " + w.Resource}
		switch {
		case w.Status == "expired":
			ev.State = "Expired"
			ev.Detail = fmt.Sprintf("expired on %s and no longer applies; approved by %s", w.Expires, w.Approver)
		case w.Expiring:
			ev.State = "Expiring soon"
			ev.Detail = fmt.Sprintf("expires on %s (%s left); covers %s; approved by %s", w.Expires, plural(w.DaysLeft, "day", "days"), plural(w.Applied, "failure", "failures"), w.Approver)
		default:
			continue
		}
		out = append(out, ev)
	}
	return out
}

func derefInt(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}

func orUnknown(s string) string {
	if s == "" {
		return "(not recorded)"
	}
	return s
}

func assessorOf(a *controls.Assessment, m *PackSource, meta map[string]*checks.Check) assessorView {
	var v assessorView
	v.Files = []fileRef{
		{PackFacts, "every resource collected, by its ID (secrets redacted), and the collector runs with their errors"},
		{PackFindings, "every (check, resource) result before waivers"},
		{PackAssessment, "this assessment: every figure on this page"},
		{"policies/checks/", "the exact checks evaluated (Rego, with their metadata)"},
		{"policies/frameworks/", "the framework catalogue used"},
	}
	attFile := map[string]string{}
	waiverFile := map[string]string{}
	if m != nil {
		for _, e := range m.Attestations {
			attFile[e.Name] = e.File
			v.Files = append(v.Files, fileRef{e.File, "attestations file " + e.Name + ", with the documents it cites beside it"})
		}
		for _, e := range m.Waivers {
			waiverFile[e.Name] = e.File
			v.Files = append(v.Files, fileRef{e.File, "waivers file " + e.Name})
		}
	} else {
		v.Files = append(v.Files,
			fileRef{"attestations/N/", "each attestations file (manifest.json lists N for each source), with the documents it cites"},
			fileRef{"waivers/N/waivers.yaml", "each waivers file (manifest.json lists N for each source)"})
	}

	for _, f := range a.Frameworks {
		af := assessorFrame{ID: f.ID, Title: f.Title, Version: f.Version, Anchor: anchor("af-", f.ID)}
		for _, r := range f.Requirements {
			ar := assessorReq{ID: r.ID, Title: r.Title, Status: r.Status, Label: r.Label, Reasons: r.Reasons}
			if ar.Label == "" {
				ar.Label = word(r.Status)
			}
			for _, c := range r.Checks {
				ar.Checks = append(ar.Checks, refView{ID: c.ID, Status: word(c.Status), Anchor: anchor("chk-", c.ID)})
			}
			for _, at := range r.Attestations {
				ar.Attestations = append(ar.Attestations, refView{ID: at.ID, Status: at.Status, Anchor: anchor("att-", at.ID)})
			}
			af.Requirements = append(af.Requirements, ar)
		}
		v.Frames = append(v.Frames, af)
	}

	findings := map[string][]controls.Finding{}
	for f := range a.EachFinding() {
		findings[f.CheckID] = append(findings[f.CheckID], f)
	}
	for _, c := range a.Checks {
		ac := assessorCheck{ID: c.ID, Title: c.Title, Severity: string(c.Severity), Status: word(c.Status),
			Anchor: anchor("chk-", c.ID), Pass: c.Pass, Fail: c.Fail, Waived: c.Waived, Error: c.Error,
			Types: strings.Join(c.Types, ", "), Reasons: c.Reasons}
		if mc := meta[c.ID]; mc != nil && mc.File != "" {
			ac.Source = mc.File
		}
		fs := findings[c.ID]
		sort.SliceStable(fs, func(i, j int) bool {
			if r1, r2 := findingRank(fs[i]), findingRank(fs[j]); r1 != r2 {
				return r1 < r2
			}
			return fs[i].ResourceID < fs[j].ResourceID
		})
		var more [5]int // unlisted results by findingRank
		for _, f := range fs {
			if f.Status == checks.NotApplicable {
				ac.NotApplicable++
				continue
			}
			if len(ac.Findings) == assessorMaxFindings {
				more[findingRank(f)]++
				continue
			}
			fv := findingView{Status: string(f.Status), Resource: f.ResourceID, Type: f.ResourceType,
				Classification: f.Classification, Messages: f.Messages}
			if f.Waiver != nil {
				fv.Status = "waived"
				fv.Waiver = f.Waiver.ID
				fv.WaiverAnchor = anchor("wv-", f.Waiver.ID)
			}
			ac.Findings = append(ac.Findings, fv)
		}
		ac.MoreFindings = moreFindings(more)
		v.Checks = append(v.Checks, ac)
	}

	for _, at := range a.Attestations {
		aa := assessorAtt{ID: at.ID, Title: at.Title, Status: at.Status, Anchor: anchor("att-", at.ID),
			Date: at.Date, Expires: at.Expires, AttestedBy: at.AttestedBy, Reason: at.Reason}
		if at.DaysLeft != nil {
			aa.DaysLeft = strconv.Itoa(*at.DaysLeft)
		}
		packed, known := attFile[at.File]
		switch {
		case at.File == "":
		case known:
			aa.File = packed + " (source " + at.File + ")"
		default:
			aa.File = "attestations/N/" + path.Base(at.File) + " (source " + at.File + ")"
		}
		for _, d := range at.Documents {
			dv := docView{Title: d.Title, SHA256: d.SHA256}
			if d.Size > 0 {
				dv.Size = strconv.FormatInt(d.Size, 10) + " bytes"
			}
			switch {
			case d.Path != "" && known:
				dv.Where = path.Join(path.Dir(packed), d.Path)
			case d.Path != "":
				dv.Where = "attestations/N/" + d.Path
			default:
				dv.Where = d.URL + " (not in the pack: a link, no digest)"
			}
			aa.Documents = append(aa.Documents, dv)
		}
		v.Attestations = append(v.Attestations, aa)
	}
	for _, w := range a.Waivers {
		av := assessorWaiver{ID: w.ID, Anchor: anchor("wv-", w.ID), Check: w.Check, CheckAnchor: anchor("chk-", w.Check), Resource: w.Resource, Reason: w.Reason,
			Approver: w.Approver, ApprovedOn: w.ApprovedOn, Expires: w.Expires, Reference: w.Reference,
			Status: w.Status, Applied: w.Applied, DaysLeft: w.DaysLeft, Expiring: w.Expiring}
		if p, ok := waiverFile[w.File]; ok {
			av.File = p + " (source " + w.File + ")"
		} else if w.File != "" {
			av.File = "waivers/N/waivers.yaml (source " + w.File + ")"
		}
		v.Waivers = append(v.Waivers, av)
	}
	for _, r := range a.CollectorRuns {
		ar := assessorRun{Collector: r.Collector, Scope: r.Scope, Status: r.Status}
		for _, e := range r.Errors {
			ar.Errors = append(ar.Errors, strings.Join(nonEmpty(e.Account, e.Region, e.Service, e.API, e.Resource), " ")+": "+e.Message)
		}
		v.Runs = append(v.Runs, ar)
	}
	return v
}

// findingRank lists failures first, then waived, errors, passes.
// moreFindings says how many results, counted by findingRank, the page leaves
// out: "1234 more results (1000 fail, 234 pass)", or "" for none.
func moreFindings(more [5]int) string {
	total := 0
	var parts []string
	for rank, n := range more[:4] {
		if n == 0 {
			continue
		}
		total += n
		parts = append(parts, strconv.Itoa(n)+" "+[]string{"fail", "waived", "error", "pass"}[rank])
	}
	if total == 0 {
		return ""
	}
	word := "results"
	if total == 1 {
		word = "result"
	}
	return fmt.Sprintf("%d more %s (%s)", total, word, strings.Join(parts, ", "))
}

func findingRank(f controls.Finding) int {
	switch {
	case f.Status == checks.Fail && f.Waiver == nil:
		return 0
	case f.Status == checks.Fail:
		return 1
	case f.Status == checks.Error:
		return 2
	case f.Status == checks.Pass:
		return 3
	}
	return 4
}

// htmlInput adapts the input of Write to the board report's.
func htmlInput(in Input) HTMLInput {
	h := HTMLInput{Assessment: in.Assessment, Previous: in.Previous}
	if len(in.Checks) > 0 {
		ids := make([]string, 0, len(in.Checks))
		for id := range in.Checks {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		for _, id := range ids {
			if c := in.Checks[id]; c != nil && c.ID == id {
				h.Checks = append(h.Checks, c)
			}
		}
	}
	h.Pack = in.Pack
	return h
}
