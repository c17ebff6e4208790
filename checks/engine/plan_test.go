package engine

import (
	"context"
	"fmt"
	"io/fs"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
	"github.com/open-policy-agent/opa/v1/tester"
	"github.com/open-policy-agent/opa/v1/topdown"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/checks/internal/factstest"
	"github.com/sdescan/sdescan/collectors"
)

// builtinPolicyDirs are the directories of the built-in checks and their Rego
// tests (as `make test` runs them with opa test): every collector's, in
// collectors.BuiltinFS.
var builtinPolicyDirs = collectors.BuiltinPolicyDirs()

// TestPlanMatchesTopdown: the plan runner (plan.go) gives what OPA's evaluator
// gives, for every built-in check, over
//   - every input the checks' own Rego tests evaluate (collected by tracing
//     them: each edge case a test pins down),
//   - the demo estate, and
//   - variants of the demo estate with one attribute removed or replaced by a
//     value of another type (null, booleans, numbers, strings, a timestamp,
//     empty and non-empty lists and objects), at every depth.
//
// Where OPA's evaluator fails, the plan runner must fail too (the engine then
// falls back to OPA's result); where it succeeds, the runner must succeed with
// the same value on the unmodified inputs, and may only decline (an error
// leaves the result to OPA) on the variants.
func TestPlanMatchesTopdown(t *testing.T) {
	ctx := context.Background()
	e, err := New(collectors.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	params := Params{AsOf: asOf, BreakGlassRoles: []string{"break-glass"}}
	data, err := ast.InterfaceToValue(map[string]any{"sdescan": map[string]any{"params": params.value()}})
	if err != nil {
		t.Fatal(err)
	}
	store := inmem.NewFromObject(map[string]any{"sdescan": map[string]any{"params": params.value()}})
	type checkEval struct {
		td  rego.PreparedEvalQuery
		run *planRun // one per check, reused from input to input as the engine does
	}
	evals := make([]checkEval, len(e.checks))
	for i, c := range e.checks {
		q := fmt.Sprintf("data.sdescan_eval.c%d.out", i)
		td, err := rego.New(rego.Compiler(e.compiler), rego.Store(store), rego.Query(q),
			rego.StrictBuiltinErrors(true), rego.GenerateJSON(rawResult)).PrepareForEval(ctx)
		if err != nil {
			t.Fatal(err)
		}
		plan, err := e.plan(ctx, q)
		if err != nil {
			t.Fatalf("%s: the check is not planned: %v", c.ID, err)
		}
		evals[i] = checkEval{td: td, run: plan.newRun(ctx, ast.NewTerm(data), nowTerm())}
	}

	type input struct {
		name    string
		value   *ast.Term
		variant bool
	}
	var inputs []input
	regoInputs := regoTestInputs(t)
	nRego := len(regoInputs)
	for _, in := range regoInputs {
		inputs = append(inputs, input{name: "rego test input " + in.String(), value: in})
	}
	demo, err := checks.ReadFactsFile("../../fixtures/demo/facts.json")
	if err != nil {
		t.Fatal(err)
	}
	for ri := range demo.Resources {
		r := &demo.Resources[ri]
		inputs = append(inputs, input{name: r.ID, value: resourceInput(t, r)})
		for vi, v := range attributeVariants(r.Attributes) {
			rv := *r
			rv.Attributes = v.attrs
			inputs = append(inputs, input{name: fmt.Sprintf("%s variant %d (%s)", r.ID, vi, v.change), value: resourceInput(t, &rv), variant: true})
		}
	}

	var compared, declined, failures int
	for _, in := range inputs {
		typ, _ := in.value.Value.(ast.Object).Get(ast.StringTerm("resource")).Value.(ast.Object).Get(ast.StringTerm("type")).Value.(ast.String)
		for i, c := range e.checks {
			if !slices.Contains(c.ResourceTypes, string(typ)) {
				continue
			}
			compared++
			want, tdErr := topdownTerm(ctx, evals[i].td, in.value.Value)
			got, planErr := evals[i].run.eval(in.value)
			switch {
			case tdErr != nil && planErr == nil:
				t.Errorf("%s on %s: OPA fails (%v), the plan runner gives %v", c.ID, in.name, tdErr, got)
			case tdErr == nil && planErr != nil && !in.variant:
				t.Errorf("%s on %s: the plan runner fails (%v), OPA gives %v", c.ID, in.name, planErr, want)
			case tdErr == nil && planErr != nil:
				declined++
			case tdErr == nil && ast.Compare(want.Value, got.Value) != 0:
				t.Errorf("%s on %s:\n OPA:  %v\n plan: %v", c.ID, in.name, want, got)
			}
			if t.Failed() {
				if failures++; failures > 10 {
					t.Fatal("too many differences")
				}
			}
		}
	}
	t.Logf("%d inputs (%d from Rego tests), %d (check, input) pairs compared, the runner declined %d variants", len(inputs), nRego, compared, declined)
	if compared < 5000 {
		t.Errorf("only %d pairs compared", compared)
	}
}

// TestEvaluatePlanMatchesTopdown: whole evaluations with and without the plan
// runner give the same findings (the synthetic estate of the benchmarks), with
// the default parameters and with others (numbers that are not integers reach
// messages).
func TestEvaluatePlanMatchesTopdown(t *testing.T) {
	facts := factstest.Synthetic(t, 3000)
	for _, p := range []Params{
		{AsOf: facts.AsOf()},
		{AsOf: facts.AsOf().AddDate(0, 2, 3), ClassificationTag: "Classification", BreakGlassRoles: []string{"admin", "break-glass"},
			BackupDefaultRPOHours: 12.5, BackupMinRetentionDays: 90},
	} {
		var got [2][]checks.Finding
		for i, topdownOnly := range []bool{false, true} {
			e, err := New(collectors.Builtin())
			if err != nil {
				t.Fatal(err)
			}
			e.topdownOnly = topdownOnly
			if got[i], err = e.Evaluate(context.Background(), facts, p); err != nil {
				t.Fatal(err)
			}
		}
		if !reflect.DeepEqual(got[0], got[1]) {
			for i := range min(len(got[0]), len(got[1])) {
				if !reflect.DeepEqual(got[0][i], got[1][i]) {
					t.Fatalf("params %+v, finding %d:\n plan:    %+v\n topdown: %+v", p, i, got[0][i], got[1][i])
				}
			}
			t.Fatalf("params %+v: %d findings with the plan runner, %d without", p, len(got[0]), len(got[1]))
		}
	}
}

func topdownTerm(ctx context.Context, pq rego.PreparedEvalQuery, input ast.Value) (t *ast.Term, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	rs, err := pq.Eval(ctx, rego.EvalParsedInput(input))
	if err != nil {
		return nil, err
	}
	if len(rs) != 1 || len(rs[0].Expressions) != 1 {
		return nil, fmt.Errorf("%d results", len(rs))
	}
	return rs[0].Expressions[0].Value.(*ast.Term), nil
}

func resourceInput(t *testing.T, r *checks.Resource) *ast.Term {
	t.Helper()
	v, err := resourceValue(r, checks.Classification(r, checks.DefaultClassificationTag))
	if err != nil {
		t.Fatal(err)
	}
	return ast.ObjectTerm(ast.Item(ast.StringTerm("resource"), ast.NewTerm(v)))
}

// regoTestInputs runs the Rego tests of the built-in checks with tracing and
// returns every distinct input document they evaluate that describes a
// resource (input.resource.type is a string).
func regoTestInputs(t *testing.T) []*ast.Term {
	t.Helper()
	modules := map[string]*ast.Module{}
	for _, dir := range builtinPolicyDirs {
		err := fs.WalkDir(collectors.BuiltinFS(), dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".rego") {
				return err
			}
			src, err := fs.ReadFile(collectors.BuiltinFS(), path)
			if err != nil {
				return err
			}
			m, err := ast.ParseModuleWithOpts(path, string(src), ast.ParserOptions{RegoVersion: ast.RegoV1, ProcessAnnotation: true})
			if err != nil {
				return err
			}
			modules[path] = m
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	ch, err := tester.NewRunner().EnableTracing(true).Run(context.Background(), modules)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]*ast.Term{}
	tests := 0
	for res := range ch {
		tests++
		if res.Error != nil || res.Fail {
			t.Fatalf("rego test %s.%s does not pass: %v", res.Package, res.Name, res.Error)
		}
		for _, ev := range res.Trace {
			in := eventInput(ev)
			if in == nil {
				continue
			}
			obj, ok := in.Value.(ast.Object)
			if !ok {
				continue
			}
			r := obj.Get(ast.StringTerm("resource"))
			if r == nil {
				continue
			}
			ro, ok := r.Value.(ast.Object)
			if !ok {
				continue
			}
			if typ := ro.Get(ast.StringTerm("type")); typ == nil {
				continue
			} else if _, ok := typ.Value.(ast.String); !ok {
				continue
			}
			seen[in.String()] = in
		}
	}
	keys := make([]string, 0, len(seen))
	for k := range seen {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]*ast.Term, len(keys))
	for i, k := range keys {
		out[i] = seen[k]
	}
	if tests < 300 || len(out) < 300 {
		t.Fatalf("only %d Rego tests and %d inputs collected", tests, len(out))
	}
	return out
}

func eventInput(ev *topdown.Event) *ast.Term { return ev.Input() }

type attrVariant struct {
	change string
	attrs  map[string]any
}

// variantValues replace an attribute, in turn (the n-th path gets the n-th,
// so that every value meets many paths without the square of both).
var variantValues = []any{nil, false, true, 0.0, -1.0, 36500.0, "", "x", "2020-01-01T00:00:00Z", []any{}, map[string]any{}, []any{"x"}, []any{map[string]any{}}}

// attributeVariants returns, for every path into attrs (object keys and the
// first element of lists, to depth 5), one copy without it and one with its
// value replaced.
func attributeVariants(attrs map[string]any) []attrVariant {
	var out []attrVariant
	n := 0
	var walk func(path []any, v any, depth int)
	walk = func(path []any, v any, depth int) {
		if len(path) > 0 {
			out = append(out, attrVariant{change: fmt.Sprintf("%v removed", path), attrs: deepCopy(attrs, path, nil, true).(map[string]any)})
			nv := variantValues[n%len(variantValues)]
			n++
			out = append(out, attrVariant{change: fmt.Sprintf("%v = %#v", path, nv), attrs: deepCopy(attrs, path, nv, false).(map[string]any)})
		}
		if depth == 5 {
			return
		}
		switch x := v.(type) {
		case map[string]any:
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				walk(append(slices.Clone(path), k), x[k], depth+1)
			}
		case []any:
			if len(x) > 0 {
				walk(append(slices.Clone(path), 0), x[0], depth+1)
			}
		}
	}
	walk(nil, attrs, 0)
	return out
}

// deepCopy copies v with the value at path replaced by nv (or removed).
func deepCopy(v any, path []any, nv any, remove bool) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = e
		}
		if len(path) > 0 {
			k := path[0].(string)
			switch {
			case len(path) == 1 && remove:
				delete(out, k)
			case len(path) == 1:
				out[k] = nv
			default:
				out[k] = deepCopy(x[k], path[1:], nv, remove)
			}
		}
		return out
	case []any:
		out := slices.Clone(x)
		if len(path) > 0 {
			i := path[0].(int)
			switch {
			case len(path) == 1 && remove:
				out = slices.Delete(out, i, i+1)
			case len(path) == 1:
				out[i] = nv
			default:
				out[i] = deepCopy(x[i], path[1:], nv, remove)
			}
		}
		return out
	}
	return v
}

// TestPlanFallsBackToOPA: a type whose checks use what the plan runner leaves
// to OPA (`with` on part of a document) is not planned; a conflict at run time
// is OPA's to report; either way the findings are OPA's. (Non-deterministic
// built-ins, once also left to OPA, are refused: capabilities_test.go.)
func TestPlanFallsBackToOPA(t *testing.T) {
	check := func(id, typ, body string) string {
		return fmt.Sprintf("# METADATA\n# title: t\n# custom:\n#   id: %s\n#   severity: high\n#   resource_types: [%s]\npackage sdescan.checks.t.%s\n\nimport rego.v1\n\n%s\n",
			id, typ, strings.ToLower(strings.ReplaceAll(id, "-", "_")), body)
	}
	files := fstest.MapFS{
		"with.rego": {Data: []byte(check("T-2", "t.with", `ok if input.resource.attributes.v == true

deny contains "not ok with v" if not ok with input.resource.attributes.v as false
deny contains "v is false" if input.resource.attributes.v == false`))},
		"conflict.rego": {Data: []byte(check("T-3", "t.conflict", `x := 1 if input.resource.attributes.a
x := 2 if input.resource.attributes.b
deny contains "x is one" if x == 1`))},
		"plain.rego": {Data: []byte(check("T-4", "t.plain", `deny contains sprintf("%s is off", [input.resource.id]) if input.resource.attributes.on == false`))},
	}
	facts := &checks.Facts{Resources: []checks.Resource{
		{ID: "w/true", Type: "t.with", Attributes: map[string]any{"v": true}},
		{ID: "w/false", Type: "t.with", Attributes: map[string]any{"v": false}},
		{ID: "c/a", Type: "t.conflict", Attributes: map[string]any{"a": true}},
		{ID: "c/ab", Type: "t.conflict", Attributes: map[string]any{"a": true, "b": true}},
		{ID: "p/on", Type: "t.plain", Attributes: map[string]any{"on": true}},
		{ID: "p/off", Type: "t.plain", Attributes: map[string]any{"on": false}},
	}}
	facts.Normalize()
	var got [2][]checks.Finding
	for i, topdownOnly := range []bool{false, true} {
		e, err := New(checks.PolicySource{Name: "pol", FS: files})
		if err != nil {
			t.Fatal(err)
		}
		e.topdownOnly = topdownOnly
		if got[i], err = e.Evaluate(context.Background(), facts, Params{AsOf: asOf}); err != nil {
			t.Fatal(err)
		}
		if topdownOnly {
			continue
		}
		for typ, planned := range map[string]bool{"t.with": false, "t.conflict": true, "t.plain": true} {
			if p := e.plans[e.typeIdx[typ]].prog; (p != nil) != planned {
				t.Errorf("%s: planned %v, want %v", typ, p != nil, planned)
			}
		}
		if st := e.LastStats(); len(st.NotPlanned) != 1 || st.NotPlanned[0].Type != "t.with" ||
			len(st.Declined) != 1 || st.Declined[0].Type != "t.conflict" || st.Declined[0].Resources != 1 || st.Planned != 3 {
			t.Errorf("stats: %+v", st)
		}
	}
	if !reflect.DeepEqual(got[0], got[1]) {
		t.Fatalf("with the plan runner:\n%+v\nOPA alone:\n%+v", got[0], got[1])
	}
	want := map[string]checks.Status{"w/true": checks.Fail, "w/false": checks.Fail, "c/a": checks.Fail, "c/ab": checks.Error, "p/on": checks.Pass, "p/off": checks.Fail}
	for _, f := range got[0] {
		if f.Status != want[f.ResourceID] {
			t.Errorf("%s %s: %s %q, want %s", f.CheckID, f.ResourceID, f.Status, f.Messages, want[f.ResourceID])
		}
	}
	if m := got[0][slices.IndexFunc(got[0], func(f checks.Finding) bool { return f.ResourceID == "c/ab" })].Messages; len(m) != 1 || !strings.Contains(m[0], "eval_conflict_error") {
		t.Errorf("the conflict is not OPA's message: %q", m)
	}
}
