package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
	"github.com/open-policy-agent/opa/v1/topdown"

	"github.com/sdescan/sdescan/checks"
)

// Params are the run-wide values checks may read as data.sdescan.params.
type Params struct {
	// AsOf is the time the facts describe; every age is measured from it.
	AsOf time.Time
	// ClassificationTag is the tag key holding a resource's data classification.
	ClassificationTag string
	// BreakGlassRoles are IAM role names allowed administrator access (AWS-IAM-007).
	BreakGlassRoles []string
	// BackupDefaultRPOHours is a data store's recovery point objective when it has
	// no backup-rpo-hours tag (default 24).
	BackupDefaultRPOHours float64
	// BackupMinRetentionDays is the shortest retention of backups accepted
	// (default 35).
	BackupMinRetentionDays int
	// DataResidencyAllowedRegions are the regions identifiable and pseudonymised
	// data may be held in (AWS-S3-007); empty: DefaultAllowedRegions.
	DataResidencyAllowedRegions []string
	// ImageMaxDBAgeDays is the oldest a vulnerability database may be at the
	// assessment time for IMG-002 to say an image has no fixable critical
	// vulnerability (0: DefaultImageMaxDBAgeDays).
	ImageMaxDBAgeDays int
	// AzurePolicyInitiatives are policy set definition IDs accepted by
	// AZ-POL-001 beside UK OFFICIAL and UK NHS.
	AzurePolicyInitiatives []string
	// AzureGuestObjectIDs are Entra object IDs of guest users: AZ-RBAC-001
	// fails an Owner among them.
	AzureGuestObjectIDs []string
}

// DefaultImageMaxDBAgeDays is the default of image.max_db_age_days.
const DefaultImageMaxDBAgeDays = 7

// ImageMaxDBAgeDaysOrDefault is the configured maximum database age, or the default.
func (p Params) ImageMaxDBAgeDaysOrDefault() int {
	if p.ImageMaxDBAgeDays > 0 {
		return p.ImageMaxDBAgeDays
	}
	return DefaultImageMaxDBAgeDays
}

// DefaultAllowedRegions are the UK regions: AWS London and Azure UK South and UK
// West, where an NHS SDE holds its data unless configured otherwise.
var DefaultAllowedRegions = []string{"eu-west-2", "uksouth", "ukwest"}

// AllowedRegionsOrDefault returns the configured regions data may be held in,
// lower-cased (AWS and Azure region names are compared without case).
func (p Params) AllowedRegionsOrDefault() []string {
	list := p.DataResidencyAllowedRegions
	if len(list) == 0 {
		list = DefaultAllowedRegions
	}
	out := make([]string, 0, len(list))
	for _, r := range list {
		out = append(out, strings.ToLower(strings.TrimSpace(r)))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Backup review defaults.
const (
	DefaultRPOHours         = 24
	DefaultMinRetentionDays = 35
)

// RPOHoursOrDefault returns the configured default RPO.
func (p Params) RPOHoursOrDefault() float64 {
	if p.BackupDefaultRPOHours > 0 {
		return p.BackupDefaultRPOHours
	}
	return DefaultRPOHours
}

// MinRetentionDaysOrDefault returns the configured minimum retention.
func (p Params) MinRetentionDaysOrDefault() int {
	if p.BackupMinRetentionDays > 0 {
		return p.BackupMinRetentionDays
	}
	return DefaultMinRetentionDays
}

func (p Params) value() map[string]any {
	roles := make([]any, 0, len(p.BreakGlassRoles))
	for _, r := range p.BreakGlassRoles {
		roles = append(roles, r)
	}
	regions := []any{}
	for _, r := range p.AllowedRegionsOrDefault() {
		regions = append(regions, r)
	}
	return map[string]any{
		"as_of":                     p.AsOf.UTC().Format(time.RFC3339),
		"classification_tag":        p.classificationTag(),
		"break_glass_roles":         roles,
		"backup_default_rpo_hours":  p.RPOHoursOrDefault(),
		"backup_min_retention_days": p.MinRetentionDaysOrDefault(),
		"data_residency":            map[string]any{"allowed_regions": regions},
		"image_max_db_age_days":     p.ImageMaxDBAgeDaysOrDefault(),
		"azure_policy_initiatives":  anyList(p.AzurePolicyInitiatives),
		"azure_guest_object_ids":    anyList(p.AzureGuestObjectIDs),
	}
}

// anyList is a list of strings as a JSON array value (never null).
func anyList(in []string) []any {
	out := make([]any, 0, len(in))
	for _, s := range in {
		out = append(out, s)
	}
	return out
}

func (p Params) classificationTag() string {
	if p.ClassificationTag == "" {
		return checks.DefaultClassificationTag
	}
	return p.ClassificationTag
}

// Engine holds compiled checks, ready to evaluate facts many times.
type Engine struct {
	checks   []*checks.Check
	byID     map[string]*checks.Check
	byType   map[string][]int // resource type -> indexes into checks
	typeIdx  map[string]int   // resource type -> index of its combined query
	compiler *ast.Compiler
	sources  map[string][]byte // policy file -> source, for evidence packs
	// plans[k] runs the checks of type k from OPA's plan (plan.go), made when
	// the first resource of the type is evaluated; nil where planning failed,
	// and the type is evaluated by OPA's evaluator alone.
	plans []typePlan
	// topdownOnly turns the plan runner off (tests compare both).
	topdownOnly bool
	// BatchSize is how many resources of one type a worker takes at a time.
	BatchSize int
	// Limits bound the time and memory evaluation may take (zero: the
	// defaults, DefaultEvalTimeout and DefaultMaxMemory).
	Limits EvalLimits
	// SpillBudget is the memory EvaluateFile's findings may take before they
	// are spilled to a temporary file (0: checks.DefaultSpillBudget).
	SpillBudget int

	statsMu sync.Mutex
	stats   EvalStats // of the last Evaluate that completed
}

// EvalStats tell how one Evaluate evaluated the checks: by the plan runner
// (plan.go), or by OPA's evaluator, and why. They depend on the checks, the
// code and what the runner meets in the facts, never on the findings, which
// are the same either way; Evaluate logs them (slog, debug level; a warning
// for a fallback the runner does not make by design).
type EvalStats struct {
	// Resources is the number of resources evaluated (those of a type some
	// check covers).
	Resources int
	// Planned is the number of resources whose checks the plan runner
	// evaluated; every other one was evaluated by OPA's evaluator.
	Planned int
	// NotPlanned are the types whose plan the runner refuses (it uses what
	// the runner leaves out: a dynamic call, `with` on part of a document, a
	// built-in without a Go implementation...) or OPA did not plan (Unexpected):
	// OPA's evaluator evaluated every resource of them.
	NotPlanned []TypeFallback
	// Refused are the types whose plan calls a built-in checks may not call:
	// every finding of them is an error.
	Refused []TypeFallback
	// Declined are, by type, the resources the plan runner declined (an
	// error while running: a conflict, a built-in error, what it does not
	// handle), which OPA's evaluator then evaluated; Reason is the first.
	Declined []TypeFallback
	// Stopped is the number of evaluations stopped by a limit (EvalLimits).
	Stopped int
}

// TypeFallback is one resource type whose resources (some or all) were not
// evaluated by the plan runner.
type TypeFallback struct {
	Type      string
	Checks    []string // the IDs of the type's checks
	Resources int
	Reason    string
	// Unexpected: not what the runner leaves to OPA's evaluator by design
	// (OPA failed to plan the type). Declines are always unexpected.
	Unexpected bool
}

// LastStats returns the statistics of the engine's last Evaluate that
// completed (zero before any).
func (e *Engine) LastStats() EvalStats {
	e.statsMu.Lock()
	defer e.statsMu.Unlock()
	return e.stats
}

// New parses, validates and compiles every check of the sources, with the
// capabilities of Capabilities: a check that calls a refused built-in (see
// capabilities.go) is refused. Errors name the file and line of the offending
// policy.
func New(sources ...checks.PolicySource) (*Engine, error) {
	return newEngine(checkCapabilities, sources...)
}

// newEngine is New with the capabilities to compile with (tests give
// OPA's full set, to hold the plan runner to sdescan's).
func newEngine(caps *ast.Capabilities, sources ...checks.PolicySource) (*Engine, error) {
	pols, err := readPolicies(sources)
	if err != nil {
		return nil, err
	}
	e := &Engine{byID: map[string]*checks.Check{}, byType: map[string][]int{}, sources: map[string][]byte{}, BatchSize: 256}
	modules := map[string]*ast.Module{}
	ruleSets := map[*checks.Check]checkRules{}
	for _, p := range pols {
		c, rules, isCheck, err := checkFromModule(p)
		if err != nil {
			return nil, err
		}
		modules[p.file] = p.module
		e.sources[p.file] = p.src
		if !isCheck {
			continue
		}
		if prev, dup := e.byID[c.ID]; dup {
			return nil, fmt.Errorf("%s:%d: duplicate check id %s (also in %s)", p.file, p.module.Package.Location.Row, c.ID, prev.File)
		}
		for _, a := range c.Aliases {
			if _, dup := e.byID[a]; dup {
				return nil, fmt.Errorf("%s: alias %s of %s is already a check id or alias", p.file, a, c.ID)
			}
		}
		e.byID[c.ID] = c
		for _, a := range c.Aliases {
			e.byID[a] = c
		}
		e.checks = append(e.checks, c)
		ruleSets[c] = rules
	}
	sort.Slice(e.checks, func(i, j int) bool { return e.checks[i].ID < e.checks[j].ID })
	seenPkg := map[string]string{}
	for i, c := range e.checks {
		if other, dup := seenPkg[c.Package]; dup {
			return nil, fmt.Errorf("%s: package %s is also declared by check %s; each check needs its own package", c.File, c.Package, other)
		}
		seenPkg[c.Package] = c.ID
		for _, t := range c.ResourceTypes {
			e.byType[t] = append(e.byType[t], i)
		}
		w, err := ast.ParseModuleWithOpts(fmt.Sprintf("sdescan-wrapper-%d.rego", i), wrapperModule(i, c, ruleSets[c]), ast.ParserOptions{RegoVersion: ast.RegoV1})
		if err != nil {
			return nil, fmt.Errorf("internal: wrapper for %s: %w", c.ID, err)
		}
		modules[fmt.Sprintf("sdescan-wrapper-%d.rego", i)] = w
	}
	var types []string
	for t := range e.byType {
		types = append(types, t)
	}
	sort.Strings(types)
	e.typeIdx = map[string]int{}
	for k, t := range types {
		e.typeIdx[t] = k
		name := fmt.Sprintf("sdescan-type-%d.rego", k)
		m, err := ast.ParseModuleWithOpts(name, typeModule(k, e.byType[t]), ast.ParserOptions{RegoVersion: ast.RegoV1})
		if err != nil {
			return nil, fmt.Errorf("internal: wrapper for type %s: %w", t, err)
		}
		modules[name] = m
	}
	// print statements are erased (capabilities.go).
	comp := ast.NewCompiler().WithCapabilities(caps).WithEnablePrintStatements(false)
	comp.Compile(modules)
	if comp.Failed() {
		return nil, compileError(comp.Errors, modules)
	}
	e.compiler = comp
	e.plans = make([]typePlan, len(e.typeIdx))
	return e, nil
}

// wrapperModule evaluates one check over input.resource into
// row = [applicable, deny, missing], as one rule with an else chain: not
// applicable; else what it denies; else, when it denies nothing, the facts it
// misses (they only matter then, see runJob). Fewer rules cost less per resource.
func wrapperModule(i int, c *checks.Check, rules checkRules) string {
	var b strings.Builder
	fmt.Fprintf(&b, "package sdescan_eval.c%d\n\nimport rego.v1\n\n", i)
	missing := "set()"
	if rules.missing {
		missing = c.Package + ".missing"
	}
	if rules.applicable {
		fmt.Fprintf(&b, "row := [false, set(), set()] if {\n\tnot %s.applicable == true\n} else := [true, %s.deny, set()] if {\n\tcount(%s.deny) > 0\n} else := [true, set(), %s]\n\n", c.Package, c.Package, c.Package, missing)
	} else {
		fmt.Fprintf(&b, "row := [true, %s.deny, set()] if {\n\tcount(%s.deny) > 0\n} else := [true, set(), %s]\n\n", c.Package, c.Package, missing)
	}
	b.WriteString("out := [row]\n")
	return b.String()
}

// typeModule evaluates every check of one resource type over input.resource.
func typeModule(k int, checks []int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "package sdescan_eval.t%d\n\nimport rego.v1\n\none := [\n", k)
	for _, ci := range checks {
		fmt.Fprintf(&b, "\tdata.sdescan_eval.c%d.row,\n", ci)
	}
	b.WriteString("]\n")
	return b.String()
}

// compileError is regoError, except that a call of a built-in checks may not
// call (or a with replacing one) is reported as such, rather than as OPA's
// "undefined function".
func compileError(errs ast.Errors, modules map[string]*ast.Module) error {
	if len(errs) > 0 && errs[0].Location != nil {
		e := errs[0]
		if name, ok := strings.CutPrefix(e.Message, "undefined function "); ok && refusedReason(name) != "" {
			return refusedError(e.Location, name)
		}
		if e.Code == ast.TypeErr && strings.HasPrefix(e.Message, "with keyword target") {
			var name string
			if m := modules[e.Location.File]; m != nil {
				ast.WalkWiths(m, func(w *ast.With) bool {
					if w.Location != nil && w.Location.Row == e.Location.Row && refusedReason(w.Target.String()) != "" {
						name = w.Target.String()
					}
					return name != ""
				})
			}
			if name != "" {
				return refusedError(e.Location, name)
			}
		}
	}
	return regoError(errs)
}

func regoError(errs ast.Errors) error {
	if len(errs) == 0 {
		return errors.New("rego compile failed")
	}
	e := errs[0]
	msg := e.Message
	if e.Location != nil {
		return fmt.Errorf("%s:%d: %s: %s", e.Location.File, e.Location.Row, e.Code, oneLine(msg))
	}
	return fmt.Errorf("%s: %s", e.Code, oneLine(msg))
}

// Checks returns the loaded checks sorted by ID.
func (e *Engine) Checks() []*checks.Check { return e.checks }

// Check returns a check by ID or alias.
func (e *Engine) Check(id string) (*checks.Check, bool) {
	c, ok := e.byID[id]
	return c, ok
}

// ChecksFor lists the engine's checks and the checks whose results the facts
// record (RecordedFindings), sorted by ID: what an assessment of these facts
// reports on. A recorded check never replaces one of the engine's.
func (e *Engine) ChecksFor(f *checks.Facts) []*checks.Check {
	_, recorded := checks.RecordedFindings(f)
	if len(recorded) == 0 {
		return e.checks
	}
	out := append([]*checks.Check(nil), e.checks...)
	for _, c := range recorded {
		if _, dup := e.byID[c.ID]; !dup {
			out = append(out, c)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Sources returns the policy files the engine was built from, by name.
func (e *Engine) Sources() map[string][]byte { return e.sources }

// prepared holds the prepared queries of one evaluation run: one per check (used
// to isolate a failure) and one per resource type (all of its checks at once).
type prepared struct {
	check []rego.PreparedEvalQuery // per check: [row] over input.resource
	one   []rego.PreparedEvalQuery // per type: rows of all its checks over input.resource
	plans bool                     // run the types' plans where they have one
	data  *ast.Term                // the data document the plans read (params)
	now   *ast.Term                // the wall clock for built-ins that read it
}

// planCapture is where planTargetPlugin leaves the program it prepared (a
// context value: rego keeps a target plugin's state to itself).
type planCapture struct{ prog *planProgram }

type planCaptureKey struct{}

type typePlan struct {
	once    sync.Once
	prog    *planProgram
	refused error // the plan calls a built-in checks may not call
	// notPlanned is why OPA's evaluator evaluates the type (prog and refused
	// nil): what the runner leaves out by design (errPlanUnsupported), or
	// OPA failing to plan it.
	notPlanned error
}

// typePlan returns the plan of type k's combined query, planned once per
// engine, or nil when OPA's evaluator is to evaluate the type; or, when the
// plan calls a built-in outside the checks' capabilities (which compiling
// them refuses first: this is defence in depth), the error every finding of
// the type gets, and the type is not evaluated at all. Planning reads nothing
// and is not tied to a run: a cancelled run must not leave the engine without
// plans.
func (e *Engine) typePlan(k int) (*planProgram, error) {
	tp := &e.plans[k]
	tp.once.Do(func() {
		prog, err := e.plan(context.Background(), fmt.Sprintf("data.sdescan_eval.t%d.one", k))
		var refused *refusedBuiltinError
		switch {
		case errors.As(err, &refused):
			tp.refused = refused
		case err == nil:
			tp.prog = prog
		default:
			tp.notPlanned = err
		}
	})
	return tp.prog, tp.refused
}

// plan has OPA plan a query over the engine's modules.
func (e *Engine) plan(ctx context.Context, query string) (*planProgram, error) {
	capture := &planCapture{}
	_, err := rego.New(
		rego.Compiler(e.compiler),
		rego.Store(inmem.NewFromObject(map[string]any{})),
		rego.Query(query),
		rego.Capabilities(checkCapabilities),
		rego.StrictBuiltinErrors(true),
		rego.Target(planTarget),
	).PrepareForEval(context.WithValue(ctx, planCaptureKey{}, capture))
	if err != nil {
		return nil, err
	}
	if capture.prog == nil {
		return nil, errors.New("internal: the plan target was not used")
	}
	return capture.prog, nil
}

func (e *Engine) prepare(ctx context.Context, p Params) (*prepared, error) {
	store := inmem.NewFromObject(map[string]any{"sdescan": map[string]any{"params": p.value()}})
	q := func(query string) (rego.PreparedEvalQuery, error) {
		return rego.New(
			rego.Compiler(e.compiler),
			rego.Store(store),
			rego.Query(query),
			rego.Capabilities(checkCapabilities),
			rego.StrictBuiltinErrors(true),
			// Results stay OPA values (rawResult): the rows are read straight
			// from them, not from a Go copy of every row.
			rego.GenerateJSON(rawResult),
		).PrepareForEval(ctx)
	}
	out := &prepared{check: make([]rego.PreparedEvalQuery, len(e.checks)), one: make([]rego.PreparedEvalQuery, len(e.typeIdx))}
	for i, c := range e.checks {
		pq, err := q(fmt.Sprintf("data.sdescan_eval.c%d.out", i))
		if err != nil {
			return nil, fmt.Errorf("prepare %s (%s): %w", c.ID, c.File, err)
		}
		out.check[i] = pq
	}
	for t, k := range e.typeIdx {
		var err error
		if out.one[k], err = q(fmt.Sprintf("data.sdescan_eval.t%d.one", k)); err != nil {
			return nil, fmt.Errorf("prepare checks of %s: %w", t, err)
		}
	}
	if !e.topdownOnly {
		data, err := ast.InterfaceToValue(map[string]any{"sdescan": map[string]any{"params": p.value()}})
		if err != nil {
			return nil, fmt.Errorf("internal: params: %w", err)
		}
		out.plans, out.data, out.now = true, ast.NewTerm(data), nowTerm()
	}
	return out, nil
}

type job struct {
	typ   string
	items []*checks.Resource
	seq   int
	// raw, when set, is a run of resources as JSON (EvaluateFile), of any types.
	raw []byte
}

// Evaluate runs every check over the resources of its types, in parallel, adds
// the findings the facts record (RecordedFindings), and returns the findings
// sorted by check ID then resource ID. A check that fails to
// evaluate on one resource, or exceeds e.Limits there, gives an error finding
// for that pair only.
func (e *Engine) Evaluate(ctx context.Context, facts *checks.Facts, p Params) ([]checks.Finding, error) {
	sess, err := e.startEval(ctx, p, 0)
	if err != nil {
		return nil, err
	}
	// Group resources by type, keeping facts order (sorted by ID).
	types, byType := e.groupByType(facts.Resources, nil)
	batch := e.batchSize()
	for _, t := range types {
		list := byType[t]
		for start := 0; start < len(list); start += batch {
			if !sess.submit(job{typ: t, items: list[start:min(start+batch, len(list))]}) {
				break
			}
		}
	}
	recorded, _ := checks.RecordedFindings(facts)
	set, err := sess.finish(recorded)
	if err != nil {
		return nil, err
	}
	return set.Collect() // in memory: the list itself
}

// groupByType returns the resources some check reads, by type, and their types
// in order; observe, when set, sees every resource first.
func (e *Engine) groupByType(list []checks.Resource, observe func(*checks.Resource)) ([]string, map[string][]*checks.Resource) {
	byType := map[string][]*checks.Resource{}
	var types []string
	for i := range list {
		r := &list[i]
		if observe != nil {
			observe(r)
		}
		if _, wanted := e.byType[r.Type]; !wanted {
			continue
		}
		if _, seen := byType[r.Type]; !seen {
			types = append(types, r.Type)
		}
		byType[r.Type] = append(byType[r.Type], r)
	}
	slices.Sort(types)
	return types, byType
}

func (e *Engine) batchSize() int {
	if e.BatchSize > 0 {
		return e.BatchSize
	}
	return 256
}

// evalSession is one evaluation run: jobs go to the workers as they come
// (submit), in memory (Evaluate) or as a facts file is read (EvaluateFile);
// finish waits for them and returns the findings, sorted (a checks.FindingSet,
// which spills them to disk past its budget).
type evalSession struct {
	e      *Engine
	ctx    context.Context
	pq     *prepared
	tag    string
	wd     *watchdog
	ch     chan job
	wg     sync.WaitGroup
	stats  []*runStats
	mu     sync.Mutex
	set    *checks.FindingSet
	counts map[string]int  // resources evaluated, by type
	seq    int             // the next job's
	decode func(job) []job // for jobs of raw resources (EvaluateFile)
	failed atomic.Bool     // a job could not be decoded: the results are not used
}

// startEval starts the workers of one evaluation; its findings spill to disk
// past spillBudget bytes (<= 0: never).
func (e *Engine) startEval(ctx context.Context, p Params, spillBudget int) (*evalSession, error) {
	pq, err := e.prepare(ctx, p)
	if err != nil {
		return nil, err
	}
	workers := runtime.GOMAXPROCS(0)
	s := &evalSession{e: e, ctx: ctx, pq: pq, tag: p.classificationTag(), ch: make(chan job, workers), counts: map[string]int{},
		set: checks.NewFindingSet(spillBudget)}
	s.wd = startWatchdog(ctx, e.Limits, workers, len(e.checks), len(e.typeIdx))
	// Each worker counts into its own runStats, summed at the end.
	s.stats = make([]*runStats, workers)
	for w := range workers {
		s.wg.Add(1)
		s.stats[w] = &runStats{}
		go func(g *evalGuard, st *runStats) {
			defer s.wg.Done()
			for j := range s.ch {
				s.run(j, g, st)
			}
		}(s.wd.guards[w], s.stats[w])
	}
	return s, nil
}

// run evaluates one job: a batch of resources of one type, or raw resources
// the session's decoder turns into such batches first.
func (s *evalSession) run(j job, g *evalGuard, st *runStats) {
	jobs := []job{j}
	if j.raw != nil {
		if jobs = s.decode(j); jobs == nil {
			s.failed.Store(true)
			return
		}
	}
	var out []checks.Finding
	for _, sub := range jobs {
		if s.failed.Load() {
			return
		}
		if len(sub.items) > 0 {
			out = append(out, s.e.runJob(s.ctx, s.pq, sub, s.tag, s.wd, g, st)...)
		}
	}
	if err := s.set.Add(out); err != nil {
		s.failed.Store(true) // the set keeps the error: finish returns it
		return
	}
	s.mu.Lock()
	for _, sub := range jobs {
		if len(sub.items) > 0 {
			s.counts[sub.typ] += len(sub.items)
		}
	}
	s.mu.Unlock()
}

// submit hands a job to the workers (false once the run is cancelled).
func (s *evalSession) submit(j job) bool {
	s.mu.Lock()
	j.seq = s.seq
	s.seq++
	s.mu.Unlock()
	select {
	case s.ch <- j:
		return true
	case <-s.ctx.Done():
		return false
	}
}

// finish waits for every job and returns the findings with the recorded ones,
// sorted by check ID then resource ID. The caller closes the set.
func (s *evalSession) finish(recorded []checks.Finding) (*checks.FindingSet, error) {
	return s.finishWith(func() []checks.Finding { return recorded })
}

// abandon stops the session; its results are not used.
func (s *evalSession) abandon() {
	s.failed.Store(true)
	set, _ := s.finish(nil)
	if set != nil {
		_ = set.Close()
	}
}

// finishWith is finish with the recorded findings made once every job is done.
func (s *evalSession) finishWith(recordedFn func() []checks.Finding) (*checks.FindingSet, error) {
	close(s.ch)
	s.wg.Wait()
	s.wd.stopWatching()
	if err := s.ctx.Err(); err != nil {
		_ = s.set.Close()
		return nil, err
	}
	types := make([]string, 0, len(s.counts))
	for t := range s.counts {
		types = append(types, t)
	}
	sort.Strings(types)
	st := s.e.runStats(s.pq, types, s.counts, s.stats)
	s.e.statsMu.Lock()
	s.e.stats = st
	s.e.statsMu.Unlock()
	st.log(s.ctx)
	// The evaluator's pairs are unique; recorded results could repeat a pair,
	// and the set orders those by their content: one order, however the
	// workers finished.
	if err := s.set.Add(recordedFn()); err != nil {
		_ = s.set.Close()
		return nil, err
	}
	if err := s.set.Finish(); err != nil {
		_ = s.set.Close()
		return nil, err
	}
	return s.set, nil
}

// runStats are one worker's counts (EvalStats).
type runStats struct {
	planned, stopped int
	declined         map[int]*declines // by type index; nil until one
}

// declines are the resources of one type the plan runner declined.
type declines struct {
	n, seq int // seq: the job of the first
	first  string
}

// decline counts a resource of type k (job seq) the runner declined for err.
func (st *runStats) decline(k, seq int, err error) {
	if st.declined == nil {
		st.declined = map[int]*declines{}
	}
	d := st.declined[k]
	if d == nil {
		d = &declines{seq: seq, first: planReason(err)}
		st.declined[k] = d
	}
	d.n++
}

// countStop counts an evaluation stopped by a limit.
func (st *runStats) countStop(stop uint64) {
	if stop == stopTime || stop == stopMemory {
		st.stopped++
	}
}

// planReason is err, the reason the runner gave, without what every such
// reason says.
func planReason(err error) string {
	if err == nil {
		return "malformed result"
	}
	msg := oneLine(err.Error())
	msg = strings.TrimPrefix(msg, "plan: ")
	return strings.TrimSuffix(msg, ": "+errPlanUnsupported.Error())
}

// runStats sums the workers' counts of one Evaluate over the types evaluated.
func (e *Engine) runStats(pq *prepared, types []string, counts map[string]int, workers []*runStats) EvalStats {
	var out EvalStats
	fallback := func(t string, n int, reason string) TypeFallback {
		f := TypeFallback{Type: t, Resources: n, Reason: reason}
		for _, ci := range e.byType[t] {
			f.Checks = append(f.Checks, e.checks[ci].ID)
		}
		return f
	}
	declined := map[int]*declines{}
	for _, w := range workers {
		out.Planned += w.planned
		out.Stopped += w.stopped
		for k, d := range w.declined {
			if sum := declined[k]; sum == nil {
				declined[k] = &declines{n: d.n, seq: d.seq, first: d.first}
			} else {
				sum.n += d.n
				if d.seq < sum.seq {
					sum.seq, sum.first = d.seq, d.first
				}
			}
		}
	}
	for _, t := range types {
		n, k := counts[t], e.typeIdx[t]
		out.Resources += n
		if !pq.plans {
			out.NotPlanned = append(out.NotPlanned, fallback(t, n, "the plan runner is off"))
			continue
		}
		prog, refused := e.typePlan(k)
		switch np := e.plans[k].notPlanned; {
		case refused != nil:
			out.Refused = append(out.Refused, fallback(t, n, refused.Error()))
		case prog == nil:
			f := fallback(t, n, planReason(np))
			f.Unexpected = !errors.Is(np, errPlanUnsupported)
			out.NotPlanned = append(out.NotPlanned, f)
		}
		if d := declined[k]; d != nil {
			f := fallback(t, d.n, d.first)
			f.Unexpected = true
			out.Declined = append(out.Declined, f)
		}
	}
	return out
}

// log logs the statistics: one debug line, and a warning for each fallback to
// OPA's evaluator the runner does not make by design, so none is silent.
func (s EvalStats) log(ctx context.Context) {
	declined := 0
	for _, f := range s.Declined {
		declined += f.Resources
	}
	list := func(fs []TypeFallback) string {
		var b strings.Builder
		for i, f := range fs {
			if i > 0 {
				b.WriteString("; ")
			}
			fmt.Fprintf(&b, "%s (%d resources): %s", f.Type, f.Resources, f.Reason)
		}
		return b.String()
	}
	slog.DebugContext(ctx, "checks evaluated",
		"resources", s.Resources, "plan_runner", s.Planned, "opa_evaluator", s.Resources-s.Planned,
		"not_planned", list(s.NotPlanned), "refused", list(s.Refused), "declined", declined, "stopped_by_limits", s.Stopped)
	for _, f := range s.NotPlanned {
		if f.Unexpected {
			slog.WarnContext(ctx, "OPA did not plan the checks of a resource type: OPA's evaluator evaluated them",
				"type", f.Type, "checks", strings.Join(f.Checks, ","), "resources", f.Resources, "reason", f.Reason)
		}
	}
	for _, f := range s.Declined {
		slog.WarnContext(ctx, "the plan runner declined resources: OPA's evaluator evaluated them",
			"type", f.Type, "checks", strings.Join(f.Checks, ","), "resources", f.Resources, "first_reason", f.Reason)
	}
}

// runJob evaluates the checks of one job's resources. Each evaluation runs
// under the worker's guard g, which the watchdog wd stops when it exceeds the
// engine's limits; a stopped run returns nil (its findings are not used).
func (e *Engine) runJob(ctx context.Context, pq *prepared, j job, tag string, wd *watchdog, g *evalGuard, st *runStats) []checks.Finding {
	cis := e.byType[j.typ]
	k := e.typeIdx[j.typ]
	n := len(j.items)
	classes := make([]string, n)
	convErr := make([]error, n)
	// rows[x*len(cis)+c] is check c on resource x: all checks of the type at
	// once, and each on its own when that fails, so an error stays with its
	// (check, resource) pair.
	rows := make([]row, n*len(cis))
	var run *planRun
	var refused error
	if pq.plans {
		var prog *planProgram
		if prog, refused = e.typePlan(k); prog != nil {
			run = prog.newRun(ctx, pq.data, pq.now)
			run.guard(g)
		}
	}
	for x, r := range j.items {
		if wd.aborted.Load() {
			return nil
		}
		classes[x] = checks.Classification(r, tag)
		v, err := resourceValue(r, classes[x])
		if err != nil {
			convErr[x] = err
			continue
		}
		input := ast.NewObject(ast.Item(ast.StringTerm("resource"), ast.NewTerm(v)))
		mine := rows[x*len(cis) : (x+1)*len(cis)]
		if refused != nil {
			for c := range mine {
				mine[c] = row{err: refused}
			}
			continue
		}
		// All checks at once, unless one of them has exceeded a limit in this
		// run: then each alone (below), so the others are not held up.
		stopped := wd.typeTripped[k].Load()
		exclusive := false // a memory stop: each check alone with no other evaluation running
		if run != nil && !stopped {
			wd.begin(g)
			t, err := run.eval(ast.NewTerm(input))
			stop := g.end()
			if stop == stopNone && err == nil {
				if list, ok := t.Value.(*ast.Array); ok {
					if err = decodeRowList(list, mine); err == nil {
						st.planned++
						continue
					}
				}
			}
			switch stop {
			case stopAbort:
				return nil
			case stopNone:
				st.decline(k, j.seq, err)
			default:
				st.countStop(stop)
			}
			stopped, exclusive = stop != stopNone, stop == stopMemory
		}
		if !stopped {
			wd.begin(g)
			err := evalRows(ctx, pq.one[k], input, g, func(list *ast.Array) error { return decodeRowList(list, mine) })
			stop := g.end()
			if stop == stopNone && err == nil {
				continue
			}
			if stop == stopAbort {
				return nil
			}
			st.countStop(stop)
			exclusive = stop == stopMemory
		}
		for c, ci := range cis {
			one := mine[c : c+1]
			if err := wd.retired(ci); err != nil {
				one[0] = row{err: err}
				continue
			}
			var err error
			eval := func() {
				err = evalRows(ctx, pq.check[ci], input, g, func(list *ast.Array) error { return decodeRowList(list, one) })
			}
			stop := stopMemory
			if !exclusive {
				wd.begin(g)
				eval()
				stop = g.end()
				st.countStop(stop)
			}
			if stop == stopMemory {
				// Stopped for the memory of every evaluation in progress: again
				// with none other running, so a stop now is this check's.
				wd.beginAlone(g)
				eval()
				stop = wd.endAlone(g)
				st.countStop(stop)
			}
			switch {
			case stop == stopAbort:
				return nil
			case err != nil && stop != stopNone:
				one[0] = row{err: wd.tripped(ci, e.checkTypes(ci), stop)}
			case err != nil:
				one[0] = row{err: err}
			}
		}
	}
	out := make([]checks.Finding, 0, n*len(cis))
	for x, r := range j.items {
		for c, ci := range cis {
			chk := e.checks[ci]
			f := checks.Finding{CheckID: chk.ID, ResourceID: r.ID, ResourceType: r.Type, Severity: chk.Severity, Classification: classes[x], Messages: []string{}}
			rw := rows[x*len(cis)+c]
			switch missing := missingRequired(r, chk.Requires); {
			case convErr[x] != nil:
				f.Status, f.Messages = checks.Error, []string{"cannot read resource attributes: " + convErr[x].Error()}
			case len(missing) > 0:
				f.Status = checks.Error
				for _, m := range missing {
					f.Messages = append(f.Messages, "cannot assess, fact missing: attributes."+m)
				}
			case rw.err != nil:
				f.Status, f.Messages = checks.Error, []string{errorMessage(rw.err)}
			case !rw.applicable:
				f.Status = checks.NotApplicable
			case len(rw.deny) > 0:
				f.Status, f.Messages = checks.Fail, rw.deny
			case len(rw.missing) > 0:
				f.Status = checks.Error
				for _, m := range rw.missing {
					f.Messages = append(f.Messages, "cannot assess, fact missing: "+m)
				}
			default:
				f.Status = checks.Pass
			}
			out = append(out, f)
		}
	}
	return out
}

// errorMessage is the message of an error finding for an evaluation that failed.
func errorMessage(err error) string {
	var limit *limitError
	if errors.As(err, &limit) {
		return limit.Error()
	}
	return "evaluation failed: " + oneLine(err.Error())
}

// checkTypes returns the indexes of check ci's resource types.
func (e *Engine) checkTypes(ci int) []int {
	var ks []int
	for _, t := range e.checks[ci].ResourceTypes {
		if k, ok := e.typeIdx[t]; ok {
			ks = append(ks, k)
		}
	}
	return ks
}

type row struct {
	applicable bool
	deny       []string
	missing    []string
	err        error
}

// rawResult hands a result term over as it is (rego.GenerateJSON).
func rawResult(t *ast.Term, _ *rego.EvalContext) (any, error) { return t, nil }

// evalRows evaluates a prepared query whose result is a list and hands the list to
// decode; a panic inside OPA becomes an error. The evaluation stops when cancel
// says so (and then fails).
func evalRows(ctx context.Context, pq rego.PreparedEvalQuery, input ast.Value, cancel topdown.Cancel, decode func(*ast.Array) error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	rs, err := pq.Eval(ctx, rego.EvalParsedInput(input), rego.EvalExternalCancel(cancel))
	if err != nil {
		return err
	}
	if len(rs) != 1 || len(rs[0].Expressions) != 1 {
		return errors.New("check produced no result (is its package path right?)")
	}
	t, ok := rs[0].Expressions[0].Value.(*ast.Term)
	if !ok {
		return errors.New("check produced a malformed result")
	}
	list, ok := t.Value.(*ast.Array)
	if !ok {
		return errors.New("check produced a malformed result")
	}
	return decode(list)
}

// decodeRowList decodes a list of rows into rows.
func decodeRowList(list *ast.Array, rows []row) error {
	return decodeRows(ast.NewTerm(list), rows)
}

// decodeRows decodes [[applicable, deny, missing], ...] into rows.
func decodeRows(v *ast.Term, rows []row) error {
	list, ok := v.Value.(*ast.Array)
	if !ok || list.Len() != len(rows) {
		return errors.New("check produced a malformed result")
	}
	for k := range rows {
		t, ok := list.Elem(k).Value.(*ast.Array)
		if !ok || t.Len() != 3 {
			return errors.New("check produced a malformed result")
		}
		var err error
		rows[k] = row{}
		if b, ok := t.Elem(0).Value.(ast.Boolean); ok {
			rows[k].applicable = bool(b)
		}
		if rows[k].deny, err = messages(t.Elem(1), "deny"); err != nil {
			return err
		}
		if rows[k].missing, err = messages(t.Elem(2), "missing"); err != nil {
			return err
		}
	}
	return nil
}

// messages turns a Rego set (or array) of messages into sorted strings; a
// message that is not a string is printed as its JSON value is by fmt.Sprint.
func messages(v *ast.Term, rule string) ([]string, error) {
	var elems []*ast.Term
	switch x := v.Value.(type) {
	case ast.Set:
		elems = x.Slice()
	case *ast.Array:
		elems = make([]*ast.Term, x.Len())
		for i := range elems {
			elems[i] = x.Elem(i)
		}
	default:
		return nil, fmt.Errorf("rule %s must be a set of strings", rule)
	}
	out := make([]string, 0, len(elems))
	for _, m := range elems {
		if s, ok := m.Value.(ast.String); ok {
			out = append(out, string(s))
			continue
		}
		j, err := ast.JSON(m.Value)
		if err != nil {
			return nil, err
		}
		out = append(out, fmt.Sprint(j))
	}
	sort.Strings(out)
	return out, nil
}

// resourceValue converts a resource once into OPA's value type.
func resourceValue(r *checks.Resource, class string) (ast.Value, error) {
	items := make([][2]*ast.Term, 0, 8)
	items = append(items,
		ast.Item(ast.StringTerm("id"), ast.StringTerm(r.ID)),
		ast.Item(ast.StringTerm("type"), ast.StringTerm(r.Type)),
		ast.Item(ast.StringTerm("source"), ast.StringTerm(r.Source)),
	)
	scope := make([][2]*ast.Term, 0, 4)
	for _, kv := range [][2]string{{"account", r.Scope.Account}, {"region", r.Scope.Region}, {"org", r.Scope.Org}, {"path", r.Scope.Path}} {
		if kv[1] != "" {
			scope = append(scope, ast.Item(ast.StringTerm(kv[0]), ast.StringTerm(kv[1])))
		}
	}
	items = append(items, ast.Item(ast.StringTerm("scope"), ast.ObjectTerm(scope...)))
	tags := make([][2]*ast.Term, 0, len(r.Tags))
	for k, v := range r.Tags {
		tags = append(tags, ast.Item(ast.StringTerm(k), ast.StringTerm(v)))
	}
	items = append(items, ast.Item(ast.StringTerm("tags"), ast.ObjectTerm(tags...)))
	if class != "" {
		items = append(items, ast.Item(ast.StringTerm("classification"), ast.StringTerm(class)))
	}
	if h, ok, valid := checks.RPOHours(r); ok && valid {
		items = append(items, ast.Item(ast.StringTerm("backup_rpo_hours"), ast.FloatNumberTerm(h)))
	}
	attrs := r.Attributes
	if attrs == nil {
		attrs = map[string]any{}
	}
	av, err := ast.InterfaceToValue(attrs)
	if err != nil {
		return nil, err
	}
	items = append(items, ast.Item(ast.StringTerm("attributes"), ast.NewTerm(av)))
	return ast.NewObject(items...), nil
}

// missingRequired returns the required attribute paths the resource lacks.
func missingRequired(r *checks.Resource, paths []string) []string {
	var out []string
	for _, p := range paths {
		var cur any = r.Attributes
		for rest, more := p, true; more; {
			var part string
			part, rest, more = strings.Cut(rest, ".")
			m, ok := cur.(map[string]any)
			if !ok {
				cur = nil
				break
			}
			cur = m[part]
		}
		if cur == nil {
			out = append(out, p)
		}
	}
	return out
}
