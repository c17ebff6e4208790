// Package runner is the one assessment pipeline. Every command that judges facts
// (scan, evaluate, pack, backup, iac, image, openness) and verify, which
// re-derives an evidence pack, call it: checks, catalogue, attestations, waivers
// and parameters in (Setup, made ready by Prepare), facts in (Prepared.Run);
// findings, the assessment and the gate's verdict out (Result).
//
// It owns the order of the steps (compile the checks, resolve check IDs, load
// the catalogue, attestations and waivers, evaluate, roll up, judge the gate),
// the one check-ID resolver, and the assessment's parameters (Params), declared
// once: the flags and configuration set them, a pack records them (Record) and
// verify reads them back. It reads no file itself: callers hand it what they read
// (bounded, from disk or from a pack), so a pack's contents go through exactly
// the code a live run does.
package runner

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/checks/engine"
	"github.com/sdescan/sdescan/collectors"
	"github.com/sdescan/sdescan/controls"
)

// File is an input file's name (as the user knows it) and its bytes.
type File struct {
	Name string
	Data []byte
}

// AttestationFile is an attestations file and the folder its documents resolve
// in: File inside FS, reported as Name.
type AttestationFile struct {
	FS   fs.FS
	File string
	Name string
}

// Setup is what an assessment is made of, apart from the facts.
type Setup struct {
	// Tool is the sdescan that assesses (recorded in the assessment).
	Tool checks.Version
	// Policies are the check sources, in load order (the built-in checks first).
	Policies []checks.PolicySource
	// Collectors are the registered collectors: which resource types a run of
	// each covers (for a run that records none) and their checks that are not
	// Rego (External's default).
	Collectors collectors.Registry
	// External lists checks that are not Rego (Trivy's), which frameworks and
	// waivers may cite; called once, when an ID is not among the policies'. nil:
	// the collectors'. An error is the run's error (never an unknown ID).
	External func() ([]*checks.Check, error)
	// Recorded, when set, are facts whose recorded findings' checks resolve too
	// (Trivy's results in a facts file from another version).
	Recorded *checks.Facts
	// Catalogue is the folder of framework files and attestations.yaml; nil: the
	// built-in catalogue.
	Catalogue     fs.FS
	CatalogueName string
	// Frameworks are frameworks of the user's own, added to the catalogue.
	Frameworks []File
	// RestoreTestMaxAgeDays, when positive, replaces the restore-test
	// attestation's maximum age (backup.restore_test_max_age_days).
	RestoreTestMaxAgeDays int
	Attestations          []AttestationFile
	Waivers               []File
	Params                Params
	Gate                  Gate
	Limits                engine.EvalLimits
	// SpillBudget is the memory RunFile's findings may take before they spill
	// to a temporary file (0: checks.DefaultSpillBudget).
	SpillBudget int
	// Compiling, when set, is called just before the checks are compiled.
	Compiling func()
}

// Params are an assessment's parameters: declared once, here.
type Params struct {
	// AsOf is the assessment time: ages, expiry and end of life are judged at it.
	AsOf time.Time
	// Frameworks limits the frameworks reported (all when empty).
	Frameworks []string
	// ClassificationTag is the tag key holding a resource's data classification.
	ClassificationTag string
	// BreakGlassRoles are IAM role names allowed administrator access.
	BreakGlassRoles []string
	// ExpiringDays flags waivers expiring within this many days (0: 30).
	ExpiringDays int
	// Backup review settings (0: the defaults).
	BackupDefaultRPOHours  float64
	BackupMinRetentionDays int
	// DataResidencyAllowedRegions are the regions classified data may be held in
	// (empty: engine.DefaultAllowedRegions).
	DataResidencyAllowedRegions []string
	// ImageMaxDBAgeDays (0: the default), AzurePolicyInitiatives and
	// AzureGuestObjectIDs: see engine.Params.
	ImageMaxDBAgeDays      int
	AzurePolicyInitiatives []string
	AzureGuestObjectIDs    []string
}

// Checks returns the parameters the checks see.
func (p Params) Checks() engine.Params {
	return engine.Params{AsOf: p.AsOf, ClassificationTag: p.ClassificationTag, BreakGlassRoles: p.BreakGlassRoles,
		BackupDefaultRPOHours: p.BackupDefaultRPOHours, BackupMinRetentionDays: p.BackupMinRetentionDays,
		DataResidencyAllowedRegions: p.DataResidencyAllowedRegions, ImageMaxDBAgeDays: p.ImageMaxDBAgeDays,
		AzurePolicyInitiatives: p.AzurePolicyInitiatives, AzureGuestObjectIDs: p.AzureGuestObjectIDs}
}

// Record is how an evidence pack records the parameters (manifest.json's
// "assessment"), defaults filled in.
type Record struct {
	AsOf              string   `json:"as_of"`
	Frameworks        []string `json:"frameworks"`
	ClassificationTag string   `json:"classification_tag"`
	BreakGlassRoles   []string `json:"break_glass_roles"`
	ExpiringDays      int      `json:"expiring_days"`
	// The backup review's settings, as the checks saw them.
	BackupDefaultRPOHours  float64 `json:"backup_default_rpo_hours"`
	BackupMinRetentionDays int     `json:"backup_min_retention_days"`
	// The regions classified data may be held in, as the checks saw them
	// (AWS-S3-007). A pack recorded before it existed has none: the default.
	DataResidencyAllowedRegions []string `json:"data_residency_allowed_regions,omitempty"`
	// The image, Azure Policy and guest settings, as the checks saw them
	// (IMG-002, AZ-POL-001, AZ-RBAC-001). A pack recorded before they existed
	// has none: the defaults.
	ImageMaxDBAgeDays      int      `json:"image_max_db_age_days,omitempty"`
	AzurePolicyInitiatives []string `json:"azure_policy_initiatives,omitempty"`
	AzureGuestObjectIDs    []string `json:"azure_guest_object_ids,omitempty"`
}

// Record returns the parameters as a pack records them.
func (p Params) Record() Record {
	cp := p.Checks()
	return Record{
		AsOf:                        p.AsOf.UTC().Format(time.RFC3339),
		Frameworks:                  nonNil(p.Frameworks),
		ClassificationTag:           p.ClassificationTag,
		BreakGlassRoles:             nonNil(p.BreakGlassRoles),
		ExpiringDays:                p.ExpiringDays,
		BackupDefaultRPOHours:       cp.RPOHoursOrDefault(),
		BackupMinRetentionDays:      cp.MinRetentionDaysOrDefault(),
		DataResidencyAllowedRegions: cp.AllowedRegionsOrDefault(),
		ImageMaxDBAgeDays:           cp.ImageMaxDBAgeDaysOrDefault(),
		AzurePolicyInitiatives:      p.AzurePolicyInitiatives,
		AzureGuestObjectIDs:         p.AzureGuestObjectIDs,
	}
}

// Params reads the parameters back from a pack's record.
func (r Record) Params() (Params, error) {
	asOf, err := time.Parse(time.RFC3339, r.AsOf)
	if err != nil {
		return Params{}, fmt.Errorf("assessment.as_of %q is not an RFC 3339 time", r.AsOf)
	}
	return Params{AsOf: asOf, Frameworks: r.Frameworks, ClassificationTag: r.ClassificationTag, BreakGlassRoles: r.BreakGlassRoles,
		ExpiringDays: r.ExpiringDays, BackupDefaultRPOHours: r.BackupDefaultRPOHours, BackupMinRetentionDays: r.BackupMinRetentionDays,
		DataResidencyAllowedRegions: r.DataResidencyAllowedRegions, ImageMaxDBAgeDays: r.ImageMaxDBAgeDays,
		AzurePolicyInitiatives: r.AzurePolicyInitiatives, AzureGuestObjectIDs: r.AzureGuestObjectIDs}, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// Gate is what fails a run: a failing, unwaived finding at or above Severity
// that is not in Baseline.
type Gate struct {
	Severity checks.Severity // "": no gate
	// Baseline holds earlier failures by check and resource; nil: no baseline.
	Baseline map[[2]string]bool
}

// Verdict is the gate's verdict on an assessment.
type Verdict struct {
	// Failures counts the failing, unwaived findings not in the baseline at or
	// above the gate's severity; the gate fails when it is positive.
	Failures int
	baseline map[[2]string]bool
}

// New reports whether a failing, unwaived finding is new: not in the gate's
// baseline (with no baseline, every one is).
func (v Verdict) New(checkID, resourceID string) bool {
	return !v.baseline[[2]string{checkID, resourceID}]
}

// Err is the verdict as an error (nil when the gate passed).
func (v Verdict) Err(g Gate) error {
	if v.Failures == 0 {
		return nil
	}
	what := "unwaived"
	if g.Baseline != nil {
		what = "new, unwaived"
	}
	return fmt.Errorf("gate failed: %d %s finding(s) at or above %s", v.Failures, what, g.Severity)
}

// Judge returns the gate's verdict on an assessment.
func (g Gate) Judge(a *controls.Assessment) Verdict {
	v := Verdict{baseline: g.Baseline}
	if g.Severity == "" {
		return v
	}
	for f := range a.EachFinding() {
		if f.Status != checks.Fail || f.Waiver != nil || !v.New(f.CheckID, f.ResourceID) {
			continue
		}
		if f.Severity.Rank() >= g.Severity.Rank() {
			v.Failures++
		}
	}
	return v
}

// Prepared is an assessment ready to run: the checks compiled, the catalogue,
// attestations and waivers loaded and resolved.
type Prepared struct {
	Setup     Setup
	Engine    *engine.Engine
	Catalogue *controls.Catalogue
	// Attestations are the attestations of each Setup.Attestations file, in order.
	Attestations [][]*controls.Attestation
	Waivers      [][]*controls.Waiver
	// Resolve is the one check-ID resolver (Resolver).
	Resolve controls.CheckResolver
}

// Prepare compiles the checks and loads the catalogue, attestations and waivers,
// resolving every check ID they cite. Its errors are bad input.
func Prepare(s Setup) (*Prepared, error) {
	eng, err := compile(&s)
	if err != nil {
		return nil, err
	}
	return load(s, eng)
}

// compile compiles the checks of a setup.
func compile(s *Setup) (*engine.Engine, error) {
	if s.Compiling != nil {
		s.Compiling()
	}
	eng, err := engine.New(s.Policies...)
	if err != nil {
		return nil, err
	}
	eng.Limits = s.Limits
	eng.SpillBudget = s.SpillBudget
	if s.External == nil && s.Collectors != nil {
		s.External = s.Collectors.External()
	}
	return eng, nil
}

// load loads the catalogue, attestations and waivers of a setup, resolving the
// check IDs they cite among the engine's checks and the others (Resolver).
func load(s Setup, eng *engine.Engine) (*Prepared, error) {
	p := &Prepared{Setup: s, Engine: eng}
	res := newResolver(eng, s.External, s.Recorded)
	p.Resolve = res.resolve
	// An error listing the external checks is the error, not an unknown ID.
	failed := func(err error) error {
		if lerr := res.err(); lerr != nil {
			return lerr
		}
		return err
	}
	var err error
	if s.Catalogue == nil {
		p.Catalogue, err = controls.LoadBuiltin(p.Resolve)
	} else {
		p.Catalogue, err = controls.LoadFS(s.Catalogue, s.CatalogueName, p.Resolve)
	}
	if err != nil {
		return nil, failed(err)
	}
	if days := s.RestoreTestMaxAgeDays; days > 0 {
		if k, ok := p.Catalogue.Kinds["restore-test"]; ok {
			k.MaxAgeDays = &days
		}
	}
	for _, f := range s.Frameworks {
		fw, err := controls.ParseFramework(f.Data, f.Name)
		if err == nil {
			err = p.Catalogue.Add(fw, p.Resolve)
		}
		if err != nil {
			return nil, failed(err)
		}
	}
	for _, id := range s.Params.Frameworks {
		if _, ok := p.Catalogue.Framework(id); !ok {
			return nil, &UnknownFrameworkError{ID: id}
		}
	}
	for _, a := range s.Attestations {
		list, err := controls.LoadAttestationsFS(a.FS, a.File, a.Name, p.Catalogue.Kinds)
		if err != nil {
			return nil, err
		}
		p.Attestations = append(p.Attestations, list)
	}
	for _, w := range s.Waivers {
		list, err := controls.ParseWaivers(w.Data, w.Name, p.Resolve)
		if err != nil {
			return nil, failed(err)
		}
		p.Waivers = append(p.Waivers, list)
	}
	return p, nil
}

// UnknownFrameworkError is a selected framework the catalogue does not hold.
type UnknownFrameworkError struct{ ID string }

func (e *UnknownFrameworkError) Error() string {
	return fmt.Sprintf("unknown framework %q (see `sdescan controls list`)", e.ID)
}

// Options shape one run.
type Options struct {
	// Select, when set, keeps only the checks a command reports (iac: the IaC
	// checks); nil: every check the engine ran and the facts record.
	Select func(*checks.Check) bool
	// Evaluated, when set, sees the facts and findings after evaluation and
	// before the roll-up (the backup review, the reports' locations); the facts'
	// resources are released after it unless KeepResources.
	Evaluated     func(facts *checks.Facts, findings *checks.FindingSet, list []*checks.Check)
	KeepResources bool
	// Observe, when set, sees each resource before it is evaluated: from
	// several goroutines at once as a facts file is streamed (RunFile).
	Observe func(*checks.Resource)
}

// Result is what one run gives.
type Result struct {
	// Findings are the checks' findings, sorted: in memory from Run, spilled
	// to a temporary file past a budget from RunFile. Close releases them.
	Findings   *checks.FindingSet
	Checks     []*checks.Check
	Assessment *controls.Assessment
	Verdict    Verdict
	Stats      engine.EvalStats
	// Resources is how many resources were assessed.
	Resources int
}

// Close releases the findings' temporary file, if any: once the assessment
// and its reports are written.
func (r *Result) Close() error {
	if r == nil || r.Findings == nil {
		return nil
	}
	return r.Findings.Close()
}

// Run evaluates the checks over the facts, rolls the findings up into the
// assessment and judges the gate.
func (p *Prepared) Run(ctx context.Context, facts *checks.Facts, o Options) (*Result, error) {
	if o.Observe != nil {
		for i := range facts.Resources {
			o.Observe(&facts.Resources[i])
		}
	}
	start := time.Now()
	findings, err := p.Engine.Evaluate(ctx, facts, p.Setup.Params.Checks())
	if err != nil {
		return nil, err
	}
	n := len(facts.Resources)
	slog.Debug("evaluated", "checks", len(p.Engine.Checks()), "resources", n, "findings", len(findings), "elapsed", time.Since(start))
	return p.rollUp(facts, n, checks.FindingSetOf(findings), false, o)
}

// RunFile assesses a facts file as it is read: each resource is decoded,
// evaluated and let go (engine.Engine.EvaluateFile), so memory holds what the
// roll-up and reports need, not the facts. asOf gives the assessment time from
// the facts' header. The checks are compiled first; the catalogue, attestations
// and waivers are loaded once the file is read, so that the checks the facts
// record (Trivy's, from another version) resolve as Prepare resolves them. It
// returns the prepared assessment, the result and the facts without their
// resources (the recorded results apart); errors are bad input.
func RunFile(ctx context.Context, s Setup, path string, asOf func(*checks.Facts) (time.Time, error), o Options) (*Prepared, *Result, *checks.Facts, error) {
	eng, err := compile(&s)
	if err != nil {
		return nil, nil, nil, err
	}
	start := time.Now()
	params := func(f *checks.Facts) (engine.Params, error) {
		t, err := asOf(f)
		if err != nil {
			return engine.Params{}, err
		}
		s.Params.AsOf = t
		return s.Params.Checks(), nil
	}
	facts, n, findings, err := eng.EvaluateFile(ctx, path, params, o.Observe)
	if err != nil {
		return nil, nil, nil, err
	}
	slog.Debug("evaluated", "checks", len(eng.Checks()), "resources", n, "findings", findings.Len(), "spilled", findings.Spilled(), "elapsed", time.Since(start))
	s.Recorded = facts
	p, err := load(s, eng)
	if err != nil {
		_ = findings.Close()
		return nil, nil, nil, err
	}
	res, err := p.rollUp(facts, n, findings, true, o)
	if err != nil {
		_ = findings.Close()
		return nil, nil, nil, err
	}
	return p, res, facts, nil
}

// rollUp rolls the findings of n resources up into the assessment and judges
// the gate. stream: the assessment reads the findings from the set (the file
// may hold more than memory can) rather than holding them.
func (p *Prepared) rollUp(facts *checks.Facts, n int, findings *checks.FindingSet, stream bool, o Options) (*Result, error) {
	s := p.Setup
	list := p.Engine.ChecksFor(facts)
	if o.Select != nil {
		list = slices.DeleteFunc(slices.Clone(list), func(c *checks.Check) bool { return !o.Select(c) })
	}
	if o.Evaluated != nil {
		o.Evaluated(facts, findings, list)
	}
	if !o.KeepResources {
		// The roll-up reads the collector runs only: let the resources go.
		facts.Resources = nil
	}
	var atts []*controls.Attestation
	for _, l := range p.Attestations {
		atts = append(atts, l...)
	}
	var waivers []*controls.Waiver
	for _, l := range p.Waivers {
		waivers = append(waivers, l...)
	}
	in := controls.Input{
		Tool:         s.Tool,
		Facts:        facts,
		Checks:       list,
		Catalogue:    p.Catalogue,
		Attestations: atts,
		Waivers:      waivers,
		AsOf:         s.Params.AsOf,
		Frameworks:   s.Params.Frameworks,
		ExpiringDays: s.Params.ExpiringDays,
		Covering:     s.Collectors.Covering,
	}
	if stream {
		in.Set = findings
	} else {
		var err error
		if in.Findings, err = findings.Collect(); err != nil {
			return nil, err
		}
	}
	a := controls.Assess(in)
	v := s.Gate.Judge(a)
	if err := findings.Err(); err != nil {
		return nil, err
	}
	stats := p.Engine.LastStats()
	a.Evaluation = evaluation(stats)
	return &Result{Findings: findings, Checks: list, Assessment: a, Verdict: v, Stats: stats, Resources: n}, nil
}

// evaluation is the engine's statistics as the assessment reports them.
func evaluation(st engine.EvalStats) *controls.Evaluation {
	ev := &controls.Evaluation{Resources: st.Resources, PlanRunner: st.Planned, OPAEvaluator: st.Resources - st.Planned,
		StoppedByLimits: st.Stopped, Fallbacks: []controls.Fallback{}}
	for _, g := range []struct {
		kind string
		list []engine.TypeFallback
	}{{"not_planned", st.NotPlanned}, {"refused", st.Refused}, {"declined", st.Declined}} {
		for _, f := range g.list {
			ev.Fallbacks = append(ev.Fallbacks, controls.Fallback{Kind: g.kind, Type: f.Type, Checks: append([]string{}, f.Checks...),
				Resources: f.Resources, Reason: f.Reason, Unexpected: f.Unexpected})
		}
	}
	return ev
}

// resolver is the one check-ID resolver: an ID or alias of a compiled check
// (exactly as written), then of an external check (in any case), then of a
// check the facts record.
type resolver struct {
	engine   *engine.Engine
	external func() ([]*checks.Check, error)
	recorded *checks.Facts

	once    sync.Once
	list    []*checks.Check
	listErr error
	recOnce sync.Once
	recList []*checks.Check
}

func newResolver(e *engine.Engine, external func() ([]*checks.Check, error), recorded *checks.Facts) *resolver {
	return &resolver{engine: e, external: external, recorded: recorded}
}

// Resolver returns the one check-ID resolver over an engine's checks, external
// checks and the checks recorded in facts (either may be nil). An error listing
// the external checks makes every ID they would resolve unknown; Prepare reports
// that error instead.
func Resolver(e *engine.Engine, external func() ([]*checks.Check, error), recorded *checks.Facts) controls.CheckResolver {
	return newResolver(e, external, recorded).resolve
}

func (r *resolver) resolve(id string) (string, bool) {
	if c, ok := r.engine.Check(id); ok {
		return c.ID, true
	}
	if r.external != nil {
		r.once.Do(func() { r.list, r.listErr = r.external() })
		if c, ok := lookup(r.list, strings.ToUpper(id)); ok {
			return c, true
		}
	}
	if r.recorded != nil {
		r.recOnce.Do(func() { _, r.recList = checks.RecordedFindings(r.recorded) })
		if c, ok := lookup(r.recList, id); ok {
			return c, true
		}
	}
	return "", false
}

// err is why the external checks could not be listed, once an ID needed them.
func (r *resolver) err() error {
	if r.listErr != nil {
		return fmt.Errorf("listing external checks: %w", r.listErr)
	}
	return nil
}

// lookup finds id among the checks' IDs, then their aliases.
func lookup(list []*checks.Check, id string) (string, bool) {
	for _, c := range list {
		if c.ID == id {
			return c.ID, true
		}
	}
	for _, c := range list {
		if slices.Contains(c.Aliases, id) {
			return c.ID, true
		}
	}
	return "", false
}

// ErrNothing is wrapped by NothingAssessed's error.
var ErrNothing = errors.New("nothing assessed")

// NothingAssessed says why a run assessed nothing at all — every collector run
// failed (an account unreachable, credentials refused), or the facts record no
// run and none of their resources (how many there were) — or returns nil. Such
// a run's report holds no evidence, only gaps.
func NothingAssessed(f *checks.Facts, resources int, name string) error {
	if len(f.Runs) == 0 {
		if resources == 0 {
			return fmt.Errorf("%w: %s records no collector run and no resource", ErrNothing, name)
		}
		return nil
	}
	for _, r := range f.Runs {
		if r.Status != checks.RunFailed {
			return nil
		}
	}
	r := f.Runs[0]
	why := "no error recorded"
	if len(r.Errors) > 0 {
		why = r.Errors[0].Message
	}
	runs := "the collector run"
	if len(f.Runs) > 1 {
		runs = fmt.Sprintf("all %d collector runs", len(f.Runs))
	}
	return fmt.Errorf("%w: %s failed; %s %s: %s", ErrNothing, runs, r.Collector, r.Scope, why)
}

// Incomplete says which collector run did not complete (for --strict), or
// returns nil.
func Incomplete(f *checks.Facts, name string) error {
	if len(f.Runs) == 0 {
		return fmt.Errorf("scan incomplete: %s records no collector run, so nothing was collected", name)
	}
	for _, r := range f.Runs {
		if r.Status != checks.RunOK {
			return fmt.Errorf("scan incomplete: collector %s (%s) is %s with %d error(s)", r.Collector, r.Scope, r.Status, len(r.Errors))
		}
	}
	return nil
}
