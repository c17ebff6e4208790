package controls

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/sdescan/sdescan/checks"
)

// Requirement statuses, never optimistic (see docs/scoring.md).
const (
	Met         = "met"
	NotMet      = "not_met"
	Partial     = "partial"
	NotAssessed = "not_assessed"
	Waived      = "waived"
)

// Check statuses, the roll-up of one check over every resource it applies to.
const (
	CheckPass        = "pass"
	CheckFail        = "fail"
	CheckWaived      = "waived"
	CheckPartial     = "partial"      // assessed some resources, but a hole remains
	CheckNotAssessed = "not_assessed" // assessed nothing, because of a hole
	CheckNoResources = "no_resources" // collection succeeded and found nothing it applies to
)

// sensitiveClasses are the classifications whose findings weigh double.
var sensitiveClasses = map[string]bool{"identifiable": true, "pseudonymised": true}

// Input is everything the roll-up needs.
type Input struct {
	Tool     checks.Version
	Facts    *checks.Facts
	Findings []checks.Finding
	// Set, when not nil, holds the findings in place of Findings: the
	// assessment reads them from it rather than holding them (EachFinding,
	// WriteJSON), so the caller closes the set once the assessment is written.
	Set          *checks.FindingSet
	Checks       []*checks.Check
	Catalogue    *Catalogue
	Attestations []*Attestation
	Waivers      []*Waiver
	// AsOf is the assessment time: attestation and waiver expiry are judged at it.
	AsOf time.Time
	// Frameworks limits the frameworks reported (all when empty).
	Frameworks []string
	// ExpiringDays flags waivers expiring within this many days (default 30, also when 0);
	// attestations report their days_left instead.
	ExpiringDays int
	// Covering returns the resource types (globs) a collector run covers: its
	// own covers, else its collector's registration (collectors.Registry.Covering).
	// nil: the run's own covers alone.
	Covering func(checks.CollectorRun) []string
}

// Assessment is the result of a scan: the stable JSON contract of docs/output.md.
type Assessment struct {
	Tool       checks.Version    `json:"tool"`
	AsOf       string            `json:"as_of"`
	Risk       Risk              `json:"risk"`
	Frameworks []FrameworkResult `json:"frameworks"`
	Checks     []CheckResult     `json:"checks"`
	// Findings are nil when the assessment reads them from a set (Streamed):
	// EachFinding reads either.
	Findings      []Finding           `json:"findings"`
	CollectorRuns []RunResult         `json:"collector_runs"`
	Attestations  []AttestationResult `json:"attestations"`
	Waivers       []WaiverResult      `json:"waivers"`
	// Evaluation says how the checks were evaluated, when the assessment runner
	// made the assessment (controls/runner): never a silent fallback.
	Evaluation *Evaluation `json:"evaluation,omitempty"`

	stream *findingStream // the findings, when read from a set
}

// Evaluation is how the checks were evaluated: how many resources sdescan's
// plan runner judged, how many OPA's evaluator did, and why each type or
// resource went to OPA's evaluator (docs/opa-upgrade.md).
type Evaluation struct {
	// Resources is the number of resources of a type some check reads.
	Resources    int `json:"resources"`
	PlanRunner   int `json:"plan_runner"`
	OPAEvaluator int `json:"opa_evaluator"`
	// StoppedByLimits counts evaluations stopped by --eval-timeout or
	// --eval-max-memory (each gave an error finding).
	StoppedByLimits int        `json:"stopped_by_limits"`
	Fallbacks       []Fallback `json:"fallbacks"`
}

// Fallback is one resource type whose resources (all or some) OPA's
// evaluator evaluated, or whose checks could not run.
type Fallback struct {
	// Kind: not_planned (the runner leaves the type's plan to OPA's evaluator),
	// refused (the plan calls a built-in checks may not call: every finding is
	// an error) or declined (the runner stopped on some resources).
	Kind      string   `json:"kind"`
	Type      string   `json:"type"`
	Checks    []string `json:"checks"`
	Resources int      `json:"resources"`
	Reason    string   `json:"reason"`
	// Unexpected: not what the runner leaves to OPA's evaluator by design.
	Unexpected bool `json:"unexpected"`
}

// Risk is the board-level score (see docs/scoring.md).
type Risk struct {
	Score            float64 `json:"score"`
	RAG              string  `json:"rag"`
	AssessedWeight   int     `json:"assessed_weight"`
	FailedWeight     int     `json:"failed_weight"`
	WaivedWeight     int     `json:"waived_weight"`
	CriticalFailures int     `json:"critical_failures"`
	// NotAssessed counts checks that could not be fully assessed (collector error,
	// no collector for their resources, or evaluation errors).
	NotAssessed       int      `json:"not_assessed"`
	NotAssessedChecks []string `json:"not_assessed_checks"`
}

// Counts of requirements per status.
type Counts struct {
	Met         int `json:"met"`
	NotMet      int `json:"not_met"`
	Partial     int `json:"partial"`
	NotAssessed int `json:"not_assessed"`
	Waived      int `json:"waived"`
}

func (c *Counts) add(status string) {
	switch status {
	case Met:
		c.Met++
	case NotMet:
		c.NotMet++
	case Partial:
		c.Partial++
	case NotAssessed:
		c.NotAssessed++
	case Waived:
		c.Waived++
	}
}

// Coverage partitions requirements by the evidence actually gathered for them.
type Coverage struct {
	// Automated: at least one resource was assessed by a mapped check.
	Automated int `json:"automated"`
	// Attested: no automated evidence, but a valid attestation.
	Attested int `json:"attested"`
	// None: neither.
	None int `json:"none"`
}

// FrameworkResult is one framework's standing.
type FrameworkResult struct {
	ID         string  `json:"id"`
	Title      string  `json:"title"`
	Version    string  `json:"version"`
	Source     string  `json:"source"`
	Vocabulary string  `json:"vocabulary"`
	Score      float64 `json:"score"`
	RAG        string  `json:"rag"`
	PercentMet float64 `json:"percent_met"`
	// Status is the framework's own verdict in its vocabulary.
	Status       string              `json:"status"`
	Counts       Counts              `json:"counts"`
	Coverage     Coverage            `json:"coverage"`
	Groups       []GroupResult       `json:"groups,omitempty"`
	Requirements []RequirementResult `json:"requirements"`
}

// GroupResult rolls requirements up into a framework's hierarchy
// (SATRE capabilities and pillars, CAF principles and objectives).
type GroupResult struct {
	ID     string `json:"id"`
	Title  string `json:"title"`
	Parent string `json:"parent,omitempty"`
	Met    bool   `json:"met"`
	Label  string `json:"label"`
	Counts Counts `json:"counts"`
}

// RequirementResult is one requirement's status with the reasons for it.
type RequirementResult struct {
	ID     string `json:"id"`
	Title  string `json:"title"`
	Status string `json:"status"`
	// Label is the status in the framework's vocabulary (e.g. CAF "Partially achieved").
	Label        string           `json:"label"`
	Safe         string           `json:"safe,omitempty"`
	Importance   string           `json:"importance,omitempty"`
	Group        string           `json:"group,omitempty"`
	Reasons      []string         `json:"reasons"`
	Checks       []RequirementRef `json:"checks"`
	Attestations []RequirementRef `json:"attestations"`
}

// RequirementRef is a check or attestation cited by a requirement and how it stood.
type RequirementRef struct {
	ID     string `json:"id"`
	Status string `json:"status"`
}

// CheckResult is one check's roll-up over every resource it applies to.
type CheckResult struct {
	ID       string          `json:"id"`
	Title    string          `json:"title"`
	Severity checks.Severity `json:"severity"`
	Status   string          `json:"status"`
	Pass     int             `json:"pass"`
	Fail     int             `json:"fail"`
	Waived   int             `json:"waived"`
	Error    int             `json:"error"`
	Reasons  []string        `json:"reasons"`
	// Types are the resource types the check reads.
	Types []string `json:"resource_types"`

	// incomplete: a collection hole or an evaluation error touched the check, even
	// if what was assessed already fails.
	incomplete bool
}

func (c *CheckResult) assessed() int { return c.Pass + c.Fail + c.Waived }

// Finding is a check's result on one resource, with the waiver that covers it.
type Finding struct {
	checks.Finding
	Waiver *WaiverRef `json:"waiver"`
}

// RunResult summarises one collector run.
type RunResult struct {
	Collector string                `json:"collector"`
	Scope     string                `json:"scope"`
	Status    string                `json:"status"`
	Errors    []checks.CollectError `json:"errors"`
	APICalls  map[string]int        `json:"api_calls,omitempty"`
}

// Assess rolls findings up into requirement statuses, framework results and the risk score.
func Assess(in Input) *Assessment {
	asOf := in.AsOf.UTC()
	expiring := in.ExpiringDays
	if expiring <= 0 {
		expiring = 30
	}
	a := &Assessment{Tool: in.Tool, AsOf: asOf.Format(time.RFC3339)}

	// Waivers: expired ones never apply.
	wres := make([]WaiverResult, len(in.Waivers))
	for i, w := range in.Waivers {
		wres[i] = WaiverResult{Waiver: *w, Status: "unused"}
		days := floorDays(endOfDay(w.expires).Sub(asOf))
		wres[i].DaysLeft = days
		if w.Expired(asOf) {
			wres[i].Status = "expired"
		} else if days < expiring {
			wres[i].Expiring = true
		}
	}

	// Findings with waivers applied, counted as they pass: held, or read
	// from the set again when the assessment is written.
	waive := func(f checks.Finding) (*WaiverRef, int) {
		if f.Status != checks.Fail {
			return nil, -1
		}
		for wi, w := range in.Waivers {
			if wres[wi].Status == "expired" || !w.Matches(f.CheckID, f.ResourceID) {
				continue
			}
			return &WaiverRef{ID: w.ID, Reason: w.Reason, Approver: w.Approver, Expires: w.Expires}, wi
		}
		return nil, -1
	}
	counts := tally{}
	count := func(f checks.Finding) *WaiverRef {
		ref, wi := waive(f)
		if wi >= 0 {
			wres[wi].Applied++
			wres[wi].Status = "active"
		}
		counts.add(f, ref != nil)
		return ref
	}
	if in.Set != nil {
		for f := range in.Set.All() {
			count(f)
		}
		a.stream = &findingStream{set: in.Set, waive: func(f checks.Finding) *WaiverRef { ref, _ := waive(f); return ref }}
	} else {
		a.Findings = make([]Finding, len(in.Findings))
		for i, f := range in.Findings {
			a.Findings[i] = Finding{Finding: nonNilMessages(f), Waiver: count(f)}
		}
	}
	a.Waivers = wres
	sort.SliceStable(a.Waivers, func(i, j int) bool { return a.Waivers[i].ID < a.Waivers[j].ID })

	a.CollectorRuns = runResults(in.Facts)
	covering := in.Covering
	if covering == nil {
		covering = func(r checks.CollectorRun) []string { return r.Covers }
	}
	a.Checks = rollChecks(in.Checks, counts, in.Facts, covering)
	byCheck := map[string]*CheckResult{}
	for i := range a.Checks {
		byCheck[a.Checks[i].ID] = &a.Checks[i]
	}
	att := judgeAttestations(in.Attestations, in.Catalogue.Kinds, asOf)
	// Every kind cited by a reported framework appears, missing ones included.
	want := map[string]bool{}
	for _, fw := range in.Catalogue.Frameworks {
		if !selected(in.Frameworks, fw.ID) {
			continue
		}
		for _, r := range fw.Requirements {
			for _, k := range r.Attestations {
				want[k] = true
			}
		}
	}
	for k := range want {
		if _, ok := att[k]; !ok {
			kind := in.Catalogue.Kinds[k]
			att[k] = AttestationResult{ID: k, Title: kind.Title, Status: AttMissing, Reason: "no attestation supplied"}
		}
	}
	a.Attestations = sortedAttestationResults(att)

	a.Risk = counts.risk(func(string) bool { return true })
	for _, c := range a.Checks {
		if c.incomplete {
			a.Risk.NotAssessedChecks = append(a.Risk.NotAssessedChecks, c.ID)
		}
	}
	a.Risk.NotAssessed = len(a.Risk.NotAssessedChecks)
	if a.Risk.NotAssessedChecks == nil {
		a.Risk.NotAssessedChecks = []string{}
	}

	for _, fw := range in.Catalogue.Frameworks {
		if !selected(in.Frameworks, fw.ID) {
			continue
		}
		a.Frameworks = append(a.Frameworks, assessFramework(fw, byCheck, att, counts))
	}
	if a.Frameworks == nil {
		a.Frameworks = []FrameworkResult{}
	}
	return a
}

func selected(list []string, id string) bool {
	if len(list) == 0 {
		return true
	}
	for _, s := range list {
		if s == id {
			return true
		}
	}
	return false
}

func runResults(f *checks.Facts) []RunResult {
	out := []RunResult{}
	if f == nil {
		return out
	}
	for _, r := range f.Runs {
		errs := r.Errors
		if errs == nil {
			errs = []checks.CollectError{}
		}
		out = append(out, RunResult{Collector: r.Collector, Scope: r.Scope, Status: r.Status, Errors: errs, APICalls: r.APICalls})
	}
	return out
}

// errorHides reports whether a collect error hid resources of a type.
func errorHides(e checks.CollectError, covers []string, typ string) bool {
	if len(e.ResourceTypes) == 0 {
		return checks.CoversType(covers, typ)
	}
	return checks.CoversType(e.ResourceTypes, typ)
}

// maxCauseRunes bounds the collector message a reason quotes.
const maxCauseRunes = 1000

func describeCollectError(e checks.CollectError) string {
	var where []string
	for _, s := range []string{e.Collector, e.Account, e.Region, e.Service, e.API, e.Resource} {
		if s != "" {
			where = append(where, s)
		}
	}
	// The cause is shown whole (the table wraps it); only a message longer than
	// any real one is cut, on a character boundary, to bound what one
	// collector's answer can add to every check it hides.
	msg := e.Message
	if r := []rune(msg); len(r) > maxCauseRunes {
		msg = string(r[:maxCauseRunes-1]) + "…"
	}
	return fmt.Sprintf("collection failed (%s): %s", strings.Join(where, " "), msg)
}

// rollChecks summarises each check over its findings and the collection holes
// that touch its resource types.
func rollChecks(list []*checks.Check, counts tally, facts *checks.Facts, covering func(checks.CollectorRun) []string) []CheckResult {
	out := make([]CheckResult, len(list))
	for i, c := range list {
		out[i] = CheckResult{ID: c.ID, Title: c.Title, Severity: c.Severity, Types: c.ResourceTypes, Reasons: []string{}}
		if t := counts[c.ID]; t != nil {
			out[i].Pass, out[i].Fail, out[i].Waived, out[i].Error = t.pass, t.fail, t.waived, t.errors
		}
	}
	var runs []checks.CollectorRun
	if facts != nil {
		runs = facts.Runs
	}
	// The sources (the first part of a type: aws, azure, iac…) some run of the
	// scan covers.
	inScan := map[string]bool{}
	for _, r := range runs {
		for _, t := range covering(r) {
			inScan[typeSource(t)] = true
		}
	}
	for i := range out {
		c := &out[i]
		holes := 0
		// A check judging several sources (the backup checks judge AWS and
		// Azure stores) is assessed over the sources the scan read: a type
		// of a source no run of the scan reads at all is outside its scope,
		// not a hole, when another of its types is read. A check none of
		// whose types is read stays not assessed.
		readSome := false
		for _, t := range c.Types {
			readSome = readSome || inScan[typeSource(t)]
		}
		if c.Error > 0 {
			holes++
			c.Reasons = append(c.Reasons, fmt.Sprintf("could not assess %d resource(s): a fact it needs is missing or evaluation failed", c.Error))
		}
		seen := map[string]bool{}
		for _, t := range c.Types {
			covered := false
			for _, r := range runs {
				covers := covering(r)
				if !checks.CoversType(covers, t) {
					continue
				}
				covered = true
				hid := false
				for _, e := range r.Errors {
					if errorHides(e, covers, t) {
						hid = true
						if d := describeCollectError(e); !seen[d] {
							seen[d] = true
							c.Reasons = append(c.Reasons, d)
						}
					}
				}
				if r.Status == checks.RunFailed && !hid {
					hid = true
					if d := fmt.Sprintf("collection failed (%s %s)", r.Collector, r.Scope); !seen[d] {
						seen[d] = true
						c.Reasons = append(c.Reasons, d)
					}
				}
				if hid {
					holes++
				}
			}
			if !covered && (!readSome || inScan[typeSource(t)]) {
				holes++
				c.Reasons = append(c.Reasons, noCollectorPrefix+t+noCollectorSuffix)
			}
		}
		c.incomplete = holes > 0
		switch {
		case c.Fail > 0:
			c.Status = CheckFail
		case c.Waived > 0:
			c.Status = CheckWaived
		case holes > 0 && c.assessed() > 0:
			c.Status = CheckPartial
		case holes > 0:
			c.Status = CheckNotAssessed
		case c.assessed() == 0:
			c.Status = CheckNoResources
			c.Reasons = append(c.Reasons, "no resource in scope that it applies to")
		default:
			c.Status = CheckPass
		}
		sort.Strings(c.Reasons)
	}
	return out
}

// assessFramework decides each requirement's status and the framework's figures.
func assessFramework(fw *Framework, byCheck map[string]*CheckResult, att map[string]AttestationResult, counts tally) FrameworkResult {
	res := FrameworkResult{ID: fw.ID, Title: fw.Title, Version: fw.Version, Source: fw.Source, Vocabulary: fw.Vocabulary}
	inFramework := map[string]bool{}
	for _, r := range fw.Requirements {
		rr, automated, attested := assessRequirement(r, byCheck, att)
		rr.Label = requirementLabel(fw.Vocabulary, rr.Status)
		res.Requirements = append(res.Requirements, rr)
		res.Counts.add(rr.Status)
		switch {
		case automated:
			res.Coverage.Automated++
		case attested:
			res.Coverage.Attested++
		default:
			res.Coverage.None++
		}
		for _, c := range r.Checks {
			inFramework[c] = true
		}
	}
	risk := counts.risk(func(id string) bool { return inFramework[id] })
	res.Score, res.RAG = risk.Score, risk.RAG
	if n := len(fw.Requirements); n > 0 {
		res.PercentMet = round1(100 * float64(res.Counts.Met) / float64(n))
	}
	res.Groups = groupResults(fw, res.Requirements)
	res.Status = frameworkStatus(fw, res)
	return res
}

func assessRequirement(r Requirement, byCheck map[string]*CheckResult, att map[string]AttestationResult) (rr RequirementResult, automated, attested bool) {
	rr = RequirementResult{ID: r.ID, Title: r.Title, Safe: r.Safe, Importance: r.Importance, Group: r.Group,
		Reasons: []string{}, Checks: []RequirementRef{}, Attestations: []RequirementRef{}}
	var failing, waived, holes []string
	assessed := 0
	for _, id := range r.Checks {
		c := byCheck[id]
		if c == nil {
			holes = append(holes, id+": check not loaded")
			rr.Checks = append(rr.Checks, RequirementRef{ID: id, Status: CheckNotAssessed})
			continue
		}
		rr.Checks = append(rr.Checks, RequirementRef{ID: id, Status: c.Status})
		assessed += c.assessed()
		switch c.Status {
		case CheckFail:
			failing = append(failing, fmt.Sprintf("%s fails on %d resource(s): %s", c.ID, c.Fail, c.Title))
			if c.Waived > 0 {
				waived = append(waived, fmt.Sprintf("%s: %d failure(s) waived", c.ID, c.Waived))
			}
		case CheckWaived:
			waived = append(waived, fmt.Sprintf("%s: %d failure(s) waived", c.ID, c.Waived))
		}
		if c.incomplete {
			for _, why := range c.Reasons {
				holes = append(holes, c.ID+": "+why)
			}
		}
	}
	automated = assessed > 0
	for _, k := range r.Attestations {
		s, ok := att[k]
		if !ok {
			s = AttestationResult{ID: k, Status: AttMissing, Reason: "no attestation supplied"}
		}
		rr.Attestations = append(rr.Attestations, RequirementRef{ID: k, Status: s.Status})
		switch s.Status {
		case AttValid:
			attested = true
		case AttMissing:
			holes = append(holes, fmt.Sprintf("attestation %s missing", k))
		default:
			holes = append(holes, fmt.Sprintf("attestation %s %s: %s", k, s.Status, s.Reason))
		}
	}
	if len(r.Checks) > 0 && !automated {
		holes = append(holes, "no in-scope resource was assessed by its checks")
	}
	switch {
	case len(r.Checks) == 0 && len(r.Attestations) == 0:
		rr.Status = NotAssessed
		rr.Reasons = append(rr.Reasons, "no automated check or attestation evidences this requirement yet")
	case len(failing) > 0:
		rr.Status = NotMet
	case len(waived) > 0:
		rr.Status = Waived
	case !automated && !attested:
		rr.Status = NotAssessed
	case len(holes) > 0:
		rr.Status = Partial
	default:
		rr.Status = Met
	}
	rr.Reasons = append(rr.Reasons, failing...)
	rr.Reasons = append(rr.Reasons, waived...)
	rr.Reasons = append(rr.Reasons, dedupe(holes)...)
	return rr, automated, attested
}

func dedupe(in []string) []string {
	seen := map[string]bool{}
	out := in[:0:0]
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// FindingWeight is a finding's weight in the risk score: its severity's weight,
// doubled on a resource classified identifiable or pseudonymised.
func FindingWeight(f checks.Finding) int {
	w := f.Severity.Weight()
	if sensitiveClasses[f.Classification] {
		w *= 2
	}
	return w
}

// ScoreRAG applies the published formula: score = 100 x (1 - failed / assessed),
// rounded to one decimal; green at 90 or more with no critical failure, amber at
// 70 or more, red otherwise. Nothing assessed scores 0, red.
func ScoreRAG(assessed, failed, criticalFailures int) (float64, string) {
	if assessed <= 0 {
		return 0, "red"
	}
	score := round1(100 * (1 - float64(failed)/float64(assessed)))
	switch {
	case score >= 90 && criticalFailures == 0:
		return score, "green"
	case score >= 70:
		return score, "amber"
	}
	return score, "red"
}

func round1(x float64) float64 { return math.Round(x*10) / 10 }

// The reason a check gives for a resource type no collector in the scan reads.
const (
	noCollectorPrefix = "no collector in this scan reads "
	noCollectorSuffix = ", so none was assessed"
)

// UncollectedType is the resource type a check's reason says no collector in
// the scan reads, if that is the reason: reports group such reasons into one.
func UncollectedType(reason string) (string, bool) {
	t, ok := strings.CutPrefix(reason, noCollectorPrefix)
	if !ok {
		return "", false
	}
	return strings.CutSuffix(t, noCollectorSuffix)
}

// typeSource is the source of a resource type: its first part (aws for
// aws.s3.bucket, azure for azure.storage.account).
func typeSource(t string) string {
	src, _, _ := strings.Cut(t, ".")
	return src
}
