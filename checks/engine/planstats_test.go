package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"log/slog"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/open-policy-agent/opa/v1/ir"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/checks/internal/factstest"
	"github.com/sdescan/sdescan/collectors"
)

// TestPlanStmtFence: every IR statement kind of this OPA (ir.StmtKinds, the
// registry OPA's JSON form of plans is read with) is either run by the plan
// runner (plannedStmts) or deliberately left to OPA's evaluator
// (refusedStmts), never both, and neither list names a kind OPA no longer
// has. An OPA upgrade adding a statement kind fails here until the kind is
// reviewed: to run it, add a case to exec (planRun.exec, which
// TestPlannedStmtsAreExecuted holds to plannedStmts) and to maxLocal, tested
// by TestPlanMatchesTopdown and TestPlanRunnerOPACases; else, list it in
// refusedStmts with why.
func TestPlanStmtFence(t *testing.T) {
	kinds := map[reflect.Type]string{}
	for name, s := range ir.StmtKinds() {
		kinds[reflect.TypeOf(s)] = name
	}
	var names []string
	for typ, name := range kinds {
		names = append(names, name)
		planned, refused := plannedStmts[typ], refusedStmts[typ] != ""
		switch {
		case planned && refused:
			t.Errorf("%s is both planned and refused", name)
		case !planned && !refused:
			t.Errorf("OPA's IR statement %s is neither planned nor refused: review it (see this test's comment)", name)
		}
	}
	sort.Strings(names)
	for typ := range plannedStmts {
		if _, ok := kinds[typ]; !ok {
			t.Errorf("plannedStmts lists %v, which OPA's IR no longer has", typ)
		}
	}
	for typ := range refusedStmts {
		if _, ok := kinds[typ]; !ok {
			t.Errorf("refusedStmts lists %v, which OPA's IR no longer has", typ)
		}
	}
	if len(kinds) < 30 {
		t.Errorf("only %d statement kinds from ir.StmtKinds: %v", len(kinds), names)
	}
}

// TestPlannedStmtsAreExecuted: planRun.exec has a case for exactly the
// statements of plannedStmts (read from plan.go's source), so a statement the
// fence lets through is never declined per resource as unknown.
func TestPlannedStmtsAreExecuted(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "plan.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	cased := map[string]bool{}
	for _, d := range f.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || fn.Name.Name != "exec" || fn.Recv == nil {
			continue
		}
		ast.Inspect(fn.Body, func(n ast.Node) bool {
			cc, ok := n.(*ast.CaseClause)
			if !ok {
				return true
			}
			for _, e := range cc.List {
				if star, ok := e.(*ast.StarExpr); ok {
					if sel, ok := star.X.(*ast.SelectorExpr); ok {
						if id, ok := sel.X.(*ast.Ident); ok && id.Name == "ir" {
							cased[sel.Sel.Name] = true
						}
					}
				}
			}
			return true
		})
	}
	planned := map[string]bool{}
	for typ := range plannedStmts {
		planned[typ.Elem().Name()] = true
	}
	if !reflect.DeepEqual(cased, planned) {
		var onlyExec, onlyPlanned []string
		for n := range cased {
			if !planned[n] {
				onlyExec = append(onlyExec, n)
			}
		}
		for n := range planned {
			if !cased[n] {
				onlyPlanned = append(onlyPlanned, n)
			}
		}
		t.Errorf("exec runs but plannedStmts does not list: %v; plannedStmts lists but exec does not run: %v", onlyExec, onlyPlanned)
	}
}

// fakeStmt is a statement kind the runner does not know (as a new one of an
// upgraded OPA would be).
type fakeStmt struct{ ir.Location }

// TestPlanFenceRefusesAtPlanning: a plan with a statement outside the fence,
// however deeply nested, is refused when planned, not declined per resource.
func TestPlanFenceRefusesAtPlanning(t *testing.T) {
	nested := func(s ir.Stmt) *ir.Policy {
		inner := &ir.Block{Stmts: []ir.Stmt{&ir.NotStmt{Block: &ir.Block{Stmts: []ir.Stmt{
			&ir.ScanStmt{Source: ir.Input, Key: 2, Value: 3, Block: &ir.Block{Stmts: []ir.Stmt{s}}},
		}}}}}
		return &ir.Policy{Plans: &ir.Plans{Plans: []*ir.Plan{{Name: "p", Blocks: []*ir.Block{
			{Stmts: []ir.Stmt{&ir.BlockStmt{Blocks: []*ir.Block{inner}}}},
		}}}}}
	}
	for _, tc := range []struct {
		stmt ir.Stmt
		want string // "": planned
	}{
		{&ir.NopStmt{}, ""},
		{&fakeStmt{}, "statement *engine.fakeStmt"},
		{&ir.CallDynamicStmt{}, "dynamic call"},
		{&ir.WithStmt{Local: ir.Input, Path: []int{1}, Block: &ir.Block{}}, "with on part of a document"},
		{&ir.WithStmt{Local: ir.Input, Block: &ir.Block{Stmts: []ir.Stmt{&fakeStmt{}}}}, "statement *engine.fakeStmt"},
	} {
		_, err := newPlanProgram(nested(tc.stmt))
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%T: not planned: %v", tc.stmt, err)
		case tc.want != "" && (!errors.Is(err, errPlanUnsupported) || planReason(err) != tc.want):
			t.Errorf("%T: %v (reason %q), want not planned for %q", tc.stmt, err, planReason(err), tc.want)
		}
	}
}

// captureLog sends slog's default logger to a buffer (debug level) for the
// rest of the test.
func captureLog(t *testing.T) *bytes.Buffer {
	t.Helper()
	var buf bytes.Buffer
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})))
	t.Cleanup(func() { slog.SetDefault(prev) })
	return &buf
}

// TestEvalStats: custom (--policy) checks that are not planned, declined per
// resource, or planned are counted as such, and every fallback that is not by
// design is logged as a warning; the built-in checks over the synthetic
// estate are all run by the plan runner, with no warning.
func TestEvalStats(t *testing.T) {
	check := func(id, typ, body string) string {
		return fmt.Sprintf("# METADATA\n# title: t\n# custom:\n#   id: %s\n#   severity: high\n#   resource_types: [%s]\npackage sdescan.checks.t.%s\n\nimport rego.v1\n\n%s\n",
			id, typ, strings.ToLower(strings.ReplaceAll(id, "-", "_")), body)
	}
	files := fstest.MapFS{
		"with.rego": {Data: []byte(check("T-2", "t.with", `ok if input.resource.attributes.v == true

deny contains "not ok with v" if not ok with input.resource.attributes.v as false`))},
		"conflict.rego": {Data: []byte(check("T-3", "t.conflict", `x := 1 if input.resource.attributes.a
x := 2 if input.resource.attributes.b
deny contains "x is one" if x == 1`))},
		"plain.rego": {Data: []byte(check("T-4", "t.plain", `deny contains "off" if input.resource.attributes.on == false`))},
	}
	facts := &checks.Facts{Resources: []checks.Resource{
		{ID: "w/1", Type: "t.with", Attributes: map[string]any{"v": true}},
		{ID: "w/2", Type: "t.with", Attributes: map[string]any{"v": false}},
		{ID: "c/a", Type: "t.conflict", Attributes: map[string]any{"a": true}},
		{ID: "c/ab", Type: "t.conflict", Attributes: map[string]any{"a": true, "b": true}},
		{ID: "c/ab2", Type: "t.conflict", Attributes: map[string]any{"a": true, "b": true}},
		{ID: "p/on", Type: "t.plain", Attributes: map[string]any{"on": true}},
		{ID: "p/off", Type: "t.plain", Attributes: map[string]any{"on": false}},
		{ID: "x/other", Type: "t.other"},
	}}
	facts.Normalize()
	e, err := New(checks.PolicySource{Name: "pol", FS: files})
	if err != nil {
		t.Fatal(err)
	}
	if got := e.LastStats(); !reflect.DeepEqual(got, EvalStats{}) {
		t.Errorf("stats before any evaluation: %+v", got)
	}
	logs := captureLog(t)
	if _, err := e.Evaluate(context.Background(), facts, Params{AsOf: asOf}); err != nil {
		t.Fatal(err)
	}
	want := EvalStats{
		Resources: 7,
		Planned:   3, // c/a, p/on, p/off
		NotPlanned: []TypeFallback{
			{Type: "t.with", Checks: []string{"T-2"}, Resources: 2, Reason: "with on part of a document"},
		},
		Declined: []TypeFallback{
			{Type: "t.conflict", Checks: []string{"T-3"}, Resources: 2, Reason: "conflicting values", Unexpected: true},
		},
	}
	if got := e.LastStats(); !reflect.DeepEqual(got, want) {
		t.Errorf("stats:\n got  %+v\n want %+v", got, want)
	}
	out := logs.String()
	for _, line := range []string{
		`level=DEBUG msg="checks evaluated" resources=7 plan_runner=3 opa_evaluator=4 not_planned="t.with (2 resources): with on part of a document" refused="" declined=2 stopped_by_limits=0`,
		`level=WARN msg="the plan runner declined resources: OPA's evaluator evaluated them" type=t.conflict checks=T-3 resources=2 first_reason="conflicting values"`,
	} {
		if !strings.Contains(out, line) {
			t.Errorf("log lacks %s\nlog:\n%s", line, out)
		}
	}
	if n := strings.Count(out, "level=WARN"); n != 1 {
		t.Errorf("%d warnings, want 1 (a type not planned by design is not one):\n%s", n, out)
	}

	// Without the plan runner, every type is counted as not planned.
	e.topdownOnly = true
	if _, err := e.Evaluate(context.Background(), facts, Params{AsOf: asOf}); err != nil {
		t.Fatal(err)
	}
	if got := e.LastStats(); got.Planned != 0 || len(got.NotPlanned) != 3 || got.NotPlanned[0].Reason != "the plan runner is off" {
		t.Errorf("plan runner off: %+v", got)
	}

	// The built-in checks: all planned, nothing declined, no warning.
	b, err := New(collectors.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	logs.Reset()
	synth := factstest.Synthetic(t, 500)
	if _, err := b.Evaluate(context.Background(), synth, Params{AsOf: synth.AsOf()}); err != nil {
		t.Fatal(err)
	}
	st := b.LastStats()
	if st.Resources == 0 || st.Planned != st.Resources || len(st.NotPlanned)+len(st.Refused)+len(st.Declined) != 0 || st.Stopped != 0 {
		t.Errorf("built-in checks over the synthetic estate: %+v", st)
	}
	if strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), fmt.Sprintf("plan_runner=%d opa_evaluator=0", st.Resources)) {
		t.Errorf("log:\n%s", logs.String())
	}
}

// TestEvalStatsDynamicCall: a custom check whose plan makes a dynamic call is
// not planned, by design: counted, logged at debug level only, and its
// findings are OPA's.
func TestEvalStatsDynamicCall(t *testing.T) {
	files := fstest.MapFS{
		"dyn.rego": {Data: []byte(`# METADATA
# title: t
# custom:
#   id: T-9
#   severity: high
#   resource_types: [t.dyn]
package sdescan.checks.t.t_9

import rego.v1

deny contains m if {
	some name, v in input.resource.attributes
	v == false
	m := data.sdescan.lib.t[name].msg
}
`)},
		"lib.rego":  {Data: []byte("package sdescan.lib.t.a\n\nimport rego.v1\n\nmsg := \"a is off\"\n")},
		"lib2.rego": {Data: []byte("package sdescan.lib.t.b\n\nimport rego.v1\n\nmsg := \"b is off\"\n")},
	}
	facts := &checks.Facts{Resources: []checks.Resource{{ID: "d/1", Type: "t.dyn", Attributes: map[string]any{"a": false, "b": true}}}}
	facts.Normalize()
	e, err := New(checks.PolicySource{Name: "pol", FS: files})
	if err != nil {
		t.Fatal(err)
	}
	logs := captureLog(t)
	got, err := e.Evaluate(context.Background(), facts, Params{AsOf: asOf})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Status != checks.Fail || !slices.Equal(got[0].Messages, []string{"a is off"}) {
		t.Errorf("findings: %+v", got)
	}
	st := e.LastStats()
	if len(st.NotPlanned) != 1 || st.NotPlanned[0].Type != "t.dyn" || st.NotPlanned[0].Reason != "dynamic call" || st.NotPlanned[0].Unexpected || st.Planned != 0 {
		t.Errorf("stats: %+v", st)
	}
	if strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), "not_planned=\"t.dyn (1 resources)") {
		t.Errorf("log:\n%s", logs.String())
	}
}

// TestEvalStatsStopped: evaluations stopped by a limit are counted (the
// resource's checks at once by the plan runner, then the looping check alone),
// and a stop is not a decline.
func TestEvalStatsStopped(t *testing.T) {
	src := checks.PolicySource{Name: "pol", FS: fstest.MapFS{
		"slow.rego":  {Data: []byte(customCheck("SLOW-1", "t.slow", loopingDeny))},
		"plain.rego": {Data: []byte(customCheck("SLOW-2", "t.slow", `deny contains "off" if input.resource.attributes.on == false`))},
	}}
	facts := &checks.Facts{Resources: []checks.Resource{{ID: "s/1", Type: "t.slow", Attributes: map[string]any{"on": false}}}}
	facts.Normalize()
	e, err := New(src)
	if err != nil {
		t.Fatal(err)
	}
	e.Limits = EvalLimits{Timeout: 300 * time.Millisecond}
	logs := captureLog(t)
	if _, err := e.Evaluate(context.Background(), facts, Params{AsOf: asOf}); err != nil {
		t.Fatal(err)
	}
	want := EvalStats{Resources: 1, Stopped: 2}
	if got := e.LastStats(); !reflect.DeepEqual(got, want) {
		t.Errorf("stats: %+v, want %+v", got, want)
	}
	if !strings.Contains(logs.String(), "declined=0 stopped_by_limits=2") || strings.Contains(logs.String(), "level=WARN") {
		t.Errorf("log:\n%s", logs.String())
	}
}
