package checks

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
)

// Status of one (check, resource) pair.
type Status string

// Finding statuses.
const (
	Pass          Status = "pass"
	Fail          Status = "fail"
	Error         Status = "error"
	NotApplicable Status = "not_applicable"
)

// Finding is the result of one check over one resource.
type Finding struct {
	CheckID        string   `json:"check_id"`
	ResourceID     string   `json:"resource_id"`
	ResourceType   string   `json:"resource_type"`
	Status         Status   `json:"status"`
	Severity       Severity `json:"severity"`
	Messages       []string `json:"messages"`
	Classification string   `json:"classification,omitempty"`
}

// Params are the run-wide values checks may read as data.sdescan.params.
type Params struct {
	// AsOf is the time the facts describe; every age is measured from it.
	AsOf time.Time
	// ClassificationTag is the tag key holding a resource's data classification.
	ClassificationTag string
	// BreakGlassRoles are IAM role names allowed administrator access (AWS-IAM-007).
	BreakGlassRoles []string
}

// DefaultClassificationTag is the tag key read when the config names none.
const DefaultClassificationTag = "data-classification"

func (p Params) value() map[string]any {
	roles := make([]any, 0, len(p.BreakGlassRoles))
	for _, r := range p.BreakGlassRoles {
		roles = append(roles, r)
	}
	return map[string]any{
		"as_of":              p.AsOf.UTC().Format(time.RFC3339),
		"classification_tag": p.classificationTag(),
		"break_glass_roles":  roles,
	}
}

func (p Params) classificationTag() string {
	if p.ClassificationTag == "" {
		return DefaultClassificationTag
	}
	return p.ClassificationTag
}

// Engine holds compiled checks, ready to evaluate facts many times.
type Engine struct {
	checks   []*Check
	byID     map[string]*Check
	byType   map[string][]int // resource type -> indexes into checks
	compiler *ast.Compiler
	sources  map[string][]byte // policy file -> source, for evidence packs
	// BatchSize is how many resources of one type are evaluated per query.
	BatchSize int
}

// NewEngine parses, validates and compiles every check of the sources. Errors name
// the file and line of the offending policy.
func NewEngine(sources ...PolicySource) (*Engine, error) {
	pols, err := readPolicies(sources)
	if err != nil {
		return nil, err
	}
	e := &Engine{byID: map[string]*Check{}, byType: map[string][]int{}, sources: map[string][]byte{}, BatchSize: 256}
	modules := map[string]*ast.Module{}
	for _, p := range pols {
		c, isCheck, err := checkFromModule(p)
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
		w, err := ast.ParseModuleWithOpts(fmt.Sprintf("sdescan-wrapper-%d.rego", i), wrapperModule(i, c), ast.ParserOptions{RegoVersion: ast.RegoV1})
		if err != nil {
			return nil, fmt.Errorf("internal: wrapper for %s: %w", c.ID, err)
		}
		modules[fmt.Sprintf("sdescan-wrapper-%d.rego", i)] = w
	}
	comp := ast.NewCompiler()
	comp.Compile(modules)
	if comp.Failed() {
		return nil, regoError(comp.Errors)
	}
	e.compiler = comp
	return e, nil
}

// wrapperModule evaluates one check over a batch of resources and returns, per
// resource, [applicable, deny, missing]. Each resource is bound with `with` over a
// small batch input, which keeps the cost linear in the number of resources.
func wrapperModule(i int, c *Check) string {
	var b strings.Builder
	fmt.Fprintf(&b, "package sdescan_eval.c%d\n\nimport rego.v1\n\n", i)
	if c.hasApplicable {
		fmt.Fprintf(&b, "app(r) := x if {\n\tx := %s.applicable with input.resource as r\n} else := false\n\n", c.Package)
	} else {
		b.WriteString("app(_) := true\n\n")
	}
	fmt.Fprintf(&b, "deny(r) := x if {\n\tx := %s.deny with input.resource as r\n} else := set()\n\n", c.Package)
	if c.hasMissing {
		fmt.Fprintf(&b, "missing(r) := x if {\n\tx := %s.missing with input.resource as r\n} else := set()\n\n", c.Package)
	} else {
		b.WriteString("missing(_) := set()\n\n")
	}
	b.WriteString("out := [row |\n\tsome r in input.batch\n\trow := one(r)\n]\n\n")
	b.WriteString("one(r) := [false, set(), set()] if app(r) != true\n\n")
	b.WriteString("one(r) := [true, deny(r), missing(r)] if app(r) == true\n")
	return b.String()
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
func (e *Engine) Checks() []*Check { return e.checks }

// Check returns a check by ID or alias.
func (e *Engine) Check(id string) (*Check, bool) {
	c, ok := e.byID[id]
	return c, ok
}

// Sources returns the policy files the engine was built from, by name.
func (e *Engine) Sources() map[string][]byte { return e.sources }

// prepared holds one prepared query per check for one evaluation run.
type prepared []rego.PreparedEvalQuery

func (e *Engine) prepare(ctx context.Context, p Params) (prepared, error) {
	store := inmem.NewFromObject(map[string]any{"sdescan": map[string]any{"params": p.value()}})
	out := make(prepared, len(e.checks))
	for i, c := range e.checks {
		pq, err := rego.New(
			rego.Compiler(e.compiler),
			rego.Store(store),
			rego.Query(fmt.Sprintf("data.sdescan_eval.c%d.out", i)),
			rego.StrictBuiltinErrors(true),
		).PrepareForEval(ctx)
		if err != nil {
			return nil, fmt.Errorf("prepare %s (%s): %w", c.ID, c.File, err)
		}
		out[i] = pq
	}
	return out, nil
}

type job struct {
	typ   string
	items []int // indexes into facts.Resources
	seq   int
}

// Evaluate runs every check over the resources of its types, in parallel, and
// returns the findings sorted by check ID then resource ID. A check that fails to
// evaluate on one resource gives an error finding for that pair only.
func (e *Engine) Evaluate(ctx context.Context, facts *Facts, p Params) ([]Finding, error) {
	pq, err := e.prepare(ctx, p)
	if err != nil {
		return nil, err
	}
	// Group resources by type, keeping facts order (sorted by ID).
	byType := map[string][]int{}
	var types []string
	for i := range facts.Resources {
		t := facts.Resources[i].Type
		if _, wanted := e.byType[t]; !wanted {
			continue
		}
		if _, seen := byType[t]; !seen {
			types = append(types, t)
		}
		byType[t] = append(byType[t], i)
	}
	sort.Strings(types)
	batch := e.BatchSize
	if batch <= 0 {
		batch = 256
	}
	var jobs []job
	for _, t := range types {
		idx := byType[t]
		for start := 0; start < len(idx); start += batch {
			end := min(start+batch, len(idx))
			jobs = append(jobs, job{typ: t, items: idx[start:end], seq: len(jobs)})
		}
	}
	results := make([][]Finding, len(jobs))
	workers := min(runtime.GOMAXPROCS(0), max(len(jobs), 1))
	ch := make(chan job)
	var wg sync.WaitGroup
	tag := p.classificationTag()
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range ch {
				results[j.seq] = e.runJob(ctx, pq, facts, j, tag)
			}
		}()
	}
	for _, j := range jobs {
		select {
		case ch <- j:
		case <-ctx.Done():
		}
	}
	close(ch)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	n := 0
	for _, r := range results {
		n += len(r)
	}
	out := make([]Finding, 0, n)
	for _, r := range results {
		out = append(out, r...)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].CheckID != out[j].CheckID {
			return out[i].CheckID < out[j].CheckID
		}
		return out[i].ResourceID < out[j].ResourceID
	})
	return out, nil
}

// Classification returns the lower-cased value of the classification tag.
func Classification(r *Resource, tag string) string {
	if tag == "" {
		tag = DefaultClassificationTag
	}
	return strings.ToLower(strings.TrimSpace(r.Tags[tag]))
}

func (e *Engine) runJob(ctx context.Context, pq prepared, facts *Facts, j job, tag string) []Finding {
	terms := make([]*ast.Term, len(j.items))
	classes := make([]string, len(j.items))
	convErr := make([]error, len(j.items))
	for k, ri := range j.items {
		r := &facts.Resources[ri]
		classes[k] = Classification(r, tag)
		v, err := resourceValue(r, classes[k])
		if err != nil {
			convErr[k] = err
			v = ast.NewObject()
		}
		terms[k] = ast.NewTerm(v)
	}
	var out []Finding
	for _, ci := range e.byType[j.typ] {
		c := e.checks[ci]
		rows, err := evalBatch(ctx, pq[ci], terms)
		if err != nil && len(terms) > 1 {
			// Isolate the resource that broke the batch: evaluate one at a time.
			rows = make([]row, len(terms))
			for k := range terms {
				r1, err1 := evalBatch(ctx, pq[ci], terms[k:k+1])
				if err1 != nil {
					rows[k] = row{err: err1}
					continue
				}
				rows[k] = r1[0]
			}
		} else if err != nil {
			rows = []row{{err: err}}
		}
		for k, ri := range j.items {
			r := &facts.Resources[ri]
			f := Finding{CheckID: c.ID, ResourceID: r.ID, ResourceType: r.Type, Severity: c.Severity, Classification: classes[k], Messages: []string{}}
			rw := rows[k]
			switch {
			case convErr[k] != nil:
				f.Status, f.Messages = Error, []string{"cannot read resource attributes: " + convErr[k].Error()}
			case len(missingRequired(r, c.Requires)) > 0:
				f.Status = Error
				for _, m := range missingRequired(r, c.Requires) {
					f.Messages = append(f.Messages, "cannot assess, fact missing: attributes."+m)
				}
			case rw.err != nil:
				f.Status, f.Messages = Error, []string{"evaluation failed: " + oneLine(rw.err.Error())}
			case !rw.applicable:
				f.Status = NotApplicable
			case len(rw.deny) > 0:
				f.Status, f.Messages = Fail, rw.deny
			case len(rw.missing) > 0:
				f.Status = Error
				for _, m := range rw.missing {
					f.Messages = append(f.Messages, "cannot assess, fact missing: "+m)
				}
			default:
				f.Status = Pass
			}
			out = append(out, f)
		}
	}
	return out
}

type row struct {
	applicable bool
	deny       []string
	missing    []string
	err        error
}

// evalBatch evaluates one prepared check query over a batch; a panic inside OPA is
// turned into an error for the batch.
func evalBatch(ctx context.Context, pq rego.PreparedEvalQuery, terms []*ast.Term) (rows []row, err error) {
	defer func() {
		if r := recover(); r != nil {
			rows, err = nil, fmt.Errorf("panic: %v", r)
		}
	}()
	input := ast.NewObject(ast.Item(ast.StringTerm("batch"), ast.ArrayTerm(terms...)))
	rs, err := pq.Eval(ctx, rego.EvalParsedInput(input))
	if err != nil {
		return nil, err
	}
	if len(rs) != 1 || len(rs[0].Expressions) != 1 {
		return nil, errors.New("check produced no result (is its package path right?)")
	}
	list, ok := rs[0].Expressions[0].Value.([]any)
	if !ok || len(list) != len(terms) {
		return nil, errors.New("check produced a malformed result")
	}
	rows = make([]row, len(list))
	for k, item := range list {
		t, ok := item.([]any)
		if !ok || len(t) != 3 {
			return nil, errors.New("check produced a malformed result")
		}
		rows[k].applicable, _ = t[0].(bool)
		if rows[k].deny, err = messages(t[1], "deny"); err != nil {
			return nil, err
		}
		if rows[k].missing, err = messages(t[2], "missing"); err != nil {
			return nil, err
		}
	}
	return rows, nil
}

// messages turns a Rego set of messages into sorted strings.
func messages(v any, rule string) ([]string, error) {
	list, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("rule %s must be a set of strings", rule)
	}
	out := make([]string, 0, len(list))
	for _, m := range list {
		switch s := m.(type) {
		case string:
			out = append(out, s)
		default:
			out = append(out, fmt.Sprint(s))
		}
	}
	sort.Strings(out)
	return out, nil
}

// resourceValue converts a resource once into OPA's value type.
func resourceValue(r *Resource, class string) (ast.Value, error) {
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
func missingRequired(r *Resource, paths []string) []string {
	var out []string
	for _, p := range paths {
		var cur any = r.Attributes
		for _, part := range strings.Split(p, ".") {
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
