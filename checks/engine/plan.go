package engine

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/ir"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/topdown"
	"github.com/open-policy-agent/opa/v1/topdown/builtins"
)

// The checks of a resource type are evaluated by running the plan OPA compiles
// them to (its intermediate representation, the one OPA's WebAssembly compiler
// takes) instead of OPA's tree-walking evaluator: the same modules, planned by
// OPA, with OPA's own built-in functions, but without unification, bindings and
// caches per step, it costs a fraction per resource.
//
// It is a fast path, not a second semantics. The statements it runs are
// fenced (plannedStmts): a plan with any other statement, a dynamic call, a
// `with` on part of a document, or a built-in without a Go implementation is
// not planned, and OPA's evaluator evaluates the type whole. What goes wrong
// while running (a conflict, a built-in error) is an error, and the engine
// then evaluates that resource with OPA's evaluator, whose result and messages
// stand. Either way the engine counts it (EvalStats) and logs it. Statements behave as the WebAssembly compiler compiles them
// (internal/compiler/wasm in OPA): that is the reference the planner is built
// and tested against. TestPlanMatchesTopdown compares both evaluators over
// every check and varied resources; TestPlanRunnerOPACases holds the runner to
// OPA's own conformance cases.
//
// It runs only the built-ins checks may call (capabilities.go): a plan calling
// another is refused when planned (refusedBuiltinError), and the engine then
// evaluates none of that type's checks. A run polls its guard (evalGuard, the
// engine's EvalLimits) at every iteration of a scan, and passes it to the
// built-ins that loop, so a run exceeding a limit stops (errPlanStopped).

// planTarget is the rego target under which PrepareForEval hands the planned
// policy to planTargetPlugin.
const planTarget = "sdescan-plan"

func init() { rego.RegisterPlugin(planTarget, planTargetPlugin{}) }

type planTargetPlugin struct{}

func (planTargetPlugin) IsTarget(t string) bool { return t == planTarget }

func (planTargetPlugin) PrepareForEval(ctx context.Context, p *ir.Policy, _ ...rego.PrepareOption) (rego.TargetPluginEval, error) {
	prog, err := newPlanProgram(p)
	if err != nil {
		return nil, err
	}
	if c, ok := ctx.Value(planCaptureKey{}).(*planCapture); ok {
		c.prog = prog
	}
	return prog, nil
}

// errPlanUnsupported marks what the plan runner leaves to OPA's evaluator.
var errPlanUnsupported = errors.New("not supported by the plan runner")

// errPlanStopped is a run stopped by its guard (EvalLimits, or a cancelled run).
var errPlanStopped = errors.New("plan: evaluation stopped")

// refusedBuiltinError is a plan that calls a built-in outside the checks'
// capabilities (capabilities.go). Compiling the checks refuses such a call
// first; the runner refuses it too, when planning, so no path of its runs one.
type refusedBuiltinError struct{ name string }

func (e *refusedBuiltinError) Error() string {
	return fmt.Sprintf("built-in %s is not allowed in sdescan checks (%s)", e.name, refusedReason(e.name))
}

// planProgram is one planned query, ready to run many times (concurrently).
type planProgram struct {
	plan    *ir.Plan
	nlocals int
	strs    []*ast.Term
	funcs   []*planFunc
	calls   map[*ir.CallStmt]planCall
}

type planFunc struct {
	fn      *ir.Func
	idx     int
	nlocals int
	memo    bool // a rule without arguments: its value depends on input and data only
}

// planCall is what a call statement calls: a planned function or a built-in.
type planCall struct {
	fn      *planFunc
	builtin topdown.BuiltinFunc
	void    bool // a built-in without a result (print): always defined
}

func newPlanProgram(p *ir.Policy) (*planProgram, error) {
	if p.Plans == nil || len(p.Plans.Plans) != 1 {
		return nil, fmt.Errorf("plan: want one plan: %w", errPlanUnsupported)
	}
	prog := &planProgram{plan: p.Plans.Plans[0], calls: map[*ir.CallStmt]planCall{}}
	if p.Static != nil {
		for _, s := range p.Static.Strings {
			prog.strs = append(prog.strs, ast.StringTerm(s.Value))
		}
	}
	byName := map[string]*planFunc{}
	if p.Funcs != nil {
		for i, fn := range p.Funcs.Funcs {
			f := &planFunc{fn: fn, idx: i, memo: len(fn.Params) == 2}
			f.nlocals = maxLocal(fn.Blocks, int(fn.Return))
			for _, l := range fn.Params {
				f.nlocals = max(f.nlocals, int(l)+1)
			}
			prog.funcs = append(prog.funcs, f)
			byName[fn.Name] = f
		}
	}
	prog.nlocals = maxLocal(prog.plan.Blocks, int(ir.Data))
	var err error
	resolve := func(blocks []*ir.Block) {
		for _, b := range blocks {
			_ = ir.Walk(stmtVisitor(func(x any) {
				if err != nil {
					return
				}
				// The fence: a plan with a statement the runner does not run
				// is left to OPA's evaluator for the whole type, rather than
				// tried and declined per resource.
				if s, ok := x.(ir.Stmt); ok {
					if why := stmtRefused(s); why != "" {
						err = fmt.Errorf("plan: %s: %w", why, errPlanUnsupported)
						return
					}
				}
				c, ok := x.(*ir.CallStmt)
				if !ok {
					return
				}
				if f, ok := byName[c.Func]; ok {
					prog.calls[c] = planCall{fn: f}
					return
				}
				if !builtinAllowed(c.Func) {
					err = &refusedBuiltinError{name: c.Func}
					return
				}
				bf := topdown.GetBuiltin(c.Func)
				if bf == nil {
					err = fmt.Errorf("plan: function %s: %w", c.Func, errPlanUnsupported)
					return
				}
				decl, ok := ast.BuiltinMap[c.Func]
				if !ok || decl.Relation || decl.Nondeterministic {
					err = fmt.Errorf("plan: built-in %s: %w", c.Func, errPlanUnsupported)
					return
				}
				prog.calls[c] = planCall{builtin: bf, void: decl.Decl.Result() == nil}
			}), b)
		}
	}
	resolve(prog.plan.Blocks)
	for _, f := range prog.funcs {
		resolve(f.fn.Blocks)
	}
	if err != nil {
		return nil, err
	}
	return prog, nil
}

// plannedStmts are the IR statements the runner runs (exec has a case for
// each: TestPlannedStmtsAreExecuted). A plan with any other statement is not
// planned (stmtRefused): OPA's evaluator evaluates its type whole. An OPA
// upgrade that adds a statement kind fails TestPlanStmtFence until the new
// kind is reviewed and listed here or in refusedStmts.
var plannedStmts = map[reflect.Type]bool{
	reflect.TypeFor[*ir.ReturnLocalStmt]():      true,
	reflect.TypeFor[*ir.CallStmt]():             true,
	reflect.TypeFor[*ir.BlockStmt]():            true,
	reflect.TypeFor[*ir.BreakStmt]():            true,
	reflect.TypeFor[*ir.DotStmt]():              true,
	reflect.TypeFor[*ir.LenStmt]():              true,
	reflect.TypeFor[*ir.ScanStmt]():             true,
	reflect.TypeFor[*ir.NotStmt]():              true,
	reflect.TypeFor[*ir.WithStmt]():             true, // on a whole document only (stmtRefused)
	reflect.TypeFor[*ir.AssignIntStmt]():        true,
	reflect.TypeFor[*ir.AssignVarStmt]():        true,
	reflect.TypeFor[*ir.AssignVarOnceStmt]():    true,
	reflect.TypeFor[*ir.ResetLocalStmt]():       true,
	reflect.TypeFor[*ir.MakeNullStmt]():         true,
	reflect.TypeFor[*ir.MakeNumberIntStmt]():    true,
	reflect.TypeFor[*ir.MakeNumberRefStmt]():    true,
	reflect.TypeFor[*ir.MakeArrayStmt]():        true,
	reflect.TypeFor[*ir.MakeObjectStmt]():       true,
	reflect.TypeFor[*ir.MakeSetStmt]():          true,
	reflect.TypeFor[*ir.EqualStmt]():            true,
	reflect.TypeFor[*ir.NotEqualStmt]():         true,
	reflect.TypeFor[*ir.IsArrayStmt]():          true,
	reflect.TypeFor[*ir.IsObjectStmt]():         true,
	reflect.TypeFor[*ir.IsSetStmt]():            true,
	reflect.TypeFor[*ir.IsDefinedStmt]():        true,
	reflect.TypeFor[*ir.IsUndefinedStmt]():      true,
	reflect.TypeFor[*ir.ArrayAppendStmt]():      true,
	reflect.TypeFor[*ir.ObjectInsertStmt]():     true,
	reflect.TypeFor[*ir.ObjectInsertOnceStmt](): true,
	reflect.TypeFor[*ir.ObjectMergeStmt]():      true,
	reflect.TypeFor[*ir.SetAddStmt]():           true,
	reflect.TypeFor[*ir.ResultSetAddStmt]():     true,
	reflect.TypeFor[*ir.NopStmt]():              true,
}

// refusedStmts are the IR statements the runner deliberately leaves to OPA's
// evaluator, with why (the reason a type is not planned).
var refusedStmts = map[reflect.Type]string{
	// A call of a function chosen at run time (a reference into data with a
	// variable): what it calls is not known when planned.
	reflect.TypeFor[*ir.CallDynamicStmt](): "dynamic call",
}

// stmtRefused returns why the runner does not run s ("": it does).
func stmtRefused(s ir.Stmt) string {
	t := reflect.TypeOf(s)
	if why := refusedStmts[t]; why != "" {
		return why
	}
	if !plannedStmts[t] {
		return fmt.Sprintf("statement %T", s)
	}
	if w, ok := s.(*ir.WithStmt); ok && len(w.Path) > 0 {
		return "with on part of a document"
	}
	return ""
}

// maxLocal returns the number of locals the blocks use (at least atLeast+1).
func maxLocal(blocks []*ir.Block, atLeast int) int {
	n := atLeast
	see := func(l ir.Local) { n = max(n, int(l)) }
	seeOp := func(o ir.Operand) {
		if l, ok := o.Value.(ir.Local); ok {
			see(l)
		}
	}
	v := stmtVisitor(func(x any) {
		switch s := x.(type) {
		case *ir.ReturnLocalStmt:
			see(s.Source)
		case *ir.CallStmt:
			for _, a := range s.Args {
				seeOp(a)
			}
			see(s.Result)
		case *ir.CallDynamicStmt:
			for _, a := range s.Args {
				see(a)
			}
			see(s.Result)
		case *ir.DotStmt:
			seeOp(s.Source)
			seeOp(s.Key)
			see(s.Target)
		case *ir.LenStmt:
			seeOp(s.Source)
			see(s.Target)
		case *ir.ScanStmt:
			see(s.Source)
			see(s.Key)
			see(s.Value)
		case *ir.AssignIntStmt:
			see(s.Target)
		case *ir.AssignVarStmt:
			seeOp(s.Source)
			see(s.Target)
		case *ir.AssignVarOnceStmt:
			seeOp(s.Source)
			see(s.Target)
		case *ir.ResetLocalStmt:
			see(s.Target)
		case *ir.MakeNullStmt:
			see(s.Target)
		case *ir.MakeNumberIntStmt:
			see(s.Target)
		case *ir.MakeNumberRefStmt:
			see(s.Target)
		case *ir.MakeArrayStmt:
			see(s.Target)
		case *ir.MakeObjectStmt:
			see(s.Target)
		case *ir.MakeSetStmt:
			see(s.Target)
		case *ir.EqualStmt:
			seeOp(s.A)
			seeOp(s.B)
		case *ir.NotEqualStmt:
			seeOp(s.A)
			seeOp(s.B)
		case *ir.IsArrayStmt:
			seeOp(s.Source)
		case *ir.IsObjectStmt:
			seeOp(s.Source)
		case *ir.IsSetStmt:
			seeOp(s.Source)
		case *ir.IsDefinedStmt:
			see(s.Source)
		case *ir.IsUndefinedStmt:
			see(s.Source)
		case *ir.ArrayAppendStmt:
			seeOp(s.Value)
			see(s.Array)
		case *ir.ObjectInsertStmt:
			seeOp(s.Key)
			seeOp(s.Value)
			see(s.Object)
		case *ir.ObjectInsertOnceStmt:
			seeOp(s.Key)
			seeOp(s.Value)
			see(s.Object)
		case *ir.ObjectMergeStmt:
			see(s.A)
			see(s.B)
			see(s.Target)
		case *ir.SetAddStmt:
			seeOp(s.Value)
			see(s.Set)
		case *ir.WithStmt:
			see(s.Local)
			seeOp(s.Value)
		case *ir.ResultSetAddStmt:
			see(s.Value)
		}
	})
	for _, b := range blocks {
		_ = ir.Walk(v, b)
	}
	return n + 1
}

// stmtVisitor calls f on every node ir.Walk visits.
type stmtVisitor func(any)

func (v stmtVisitor) Before(any) {}
func (v stmtVisitor) After(any)  {}
func (v stmtVisitor) Visit(x any) (ir.Visitor, error) {
	v(x)
	return v, nil
}

// Eval is rego's target plugin interface, which the engine does not use (it
// runs the plan with newRun and eval, with its own data document): evaluating
// through rego with this target is refused.
func (p *planProgram) Eval(context.Context, *rego.EvalContext, ast.Value) (ast.Value, error) {
	return nil, errPlanUnsupported
}

// Block outcomes of exec, besides k >= 0: break out of k more enclosing blocks.
const (
	planDone   = -2 // every statement ran
	planExit   = -1 // left the block: a statement was undefined, or break 0
	planReturn = -3 // a function returned (its value in run.ret)
)

// planRun is the state of evaluating a plan, reused from one input to the next
// (by one goroutine).
type planRun struct {
	p       *planProgram
	data    *ast.Term
	bctx    topdown.BuiltinContext
	memo    []*ast.Term
	memoSet []bool
	ret     *ast.Term
	results []*ast.Term
	ops     []*ast.Term // built-in operands
	stack   []*ast.Term // the locals of the plan and of the functions it is in
	stop    *evalGuard  // when it says so, the run stops (nil: never)
}

// guard has g stop the run's evaluations: polled at every iteration of a
// scan (the plan's only loops) and by the built-ins that loop.
func (r *planRun) guard(g *evalGuard) {
	r.stop = g
	if g != nil {
		r.bctx.Cancel = g
	} else {
		r.bctx.Cancel = nil
	}
}

// newRun prepares to evaluate p over inputs, with data as the data document
// and now as the wall clock.
func (p *planProgram) newRun(ctx context.Context, data, now *ast.Term) *planRun {
	return &planRun{
		p:    p,
		data: data,
		bctx: topdown.BuiltinContext{
			Context: ctx, Seed: rand.Reader, Time: now, Cache: builtins.Cache{},
		},
		memo: make([]*ast.Term, len(p.funcs)), memoSet: make([]bool, len(p.funcs)),
		stack: make([]*ast.Term, 0, 256),
	}
}

// eval evaluates the plan over input and returns the value of its query (the
// single value of its single result).
func (r *planRun) eval(input *ast.Term) (*ast.Term, error) {
	results, err := r.resultSet(input)
	if err != nil {
		return nil, err
	}
	if len(results) != 1 {
		return nil, fmt.Errorf("plan: %d results: %w", len(results), errPlanUnsupported)
	}
	obj, ok := results[0].Value.(ast.Object)
	if !ok || obj.Len() != 1 {
		return nil, fmt.Errorf("plan: malformed result: %w", errPlanUnsupported)
	}
	var v *ast.Term
	obj.Foreach(func(_, t *ast.Term) { v = t })
	return v, nil
}

// resultSet evaluates the plan over input (nil: none) and returns its result
// set: one object of the query's variables per result. It is valid until the
// next evaluation.
func (r *planRun) resultSet(input *ast.Term) (res []*ast.Term, err error) {
	defer func() {
		if x := recover(); x != nil {
			err = fmt.Errorf("plan: panic: %v", x)
		}
		if err != nil {
			r.release()
		}
	}()
	clear(r.memo)
	clear(r.memoSet)
	clear(r.results)
	r.results, r.stack, r.ret = r.results[:0], r.stack[:0], nil
	if len(r.bctx.Cache) > 0 {
		r.bctx.Cache = builtins.Cache{}
	}
	fr := r.push(r.p.nlocals)
	fr[ir.Input], fr[ir.Data] = input, r.data
	for _, b := range r.p.plan.Blocks {
		c, err := r.exec(fr, b)
		if err != nil {
			return nil, err
		}
		if c == planReturn {
			return nil, fmt.Errorf("plan: return outside a function: %w", errPlanUnsupported)
		}
		if c >= 0 {
			break
		}
	}
	return r.results, nil
}

// release drops every value a failed or stopped run still refers to: one
// stopped for building a huge value must not keep it live while the engine
// evaluates the resource's checks again.
func (r *planRun) release() {
	clear(r.stack[:cap(r.stack)])
	clear(r.results[:cap(r.results)])
	clear(r.ops[:cap(r.ops)])
	clear(r.memo)
	r.stack, r.results, r.ops, r.ret = r.stack[:0], r.results[:0], r.ops[:0], nil
	if len(r.bctx.Cache) > 0 {
		r.bctx.Cache = builtins.Cache{}
	}
}

// push returns n cleared locals on top of the stack. A frame keeps its own
// slice: when the stack grows, frames below keep the old array.
func (r *planRun) push(n int) []*ast.Term {
	top := len(r.stack)
	if cap(r.stack)-top < n {
		grown := make([]*ast.Term, top, max(2*cap(r.stack), top+n))
		copy(grown, r.stack)
		r.stack = grown
	}
	r.stack = r.stack[:top+n]
	f := r.stack[top : top+n : top+n]
	clear(f)
	return f
}

func (r *planRun) pop(n int) { r.stack = r.stack[:len(r.stack)-n] }

func (r *planRun) operand(fr []*ast.Term, o ir.Operand) *ast.Term {
	switch v := o.Value.(type) {
	case ir.Local:
		return fr[v]
	case ir.StringIndex:
		return r.p.strs[v]
	case ir.Bool:
		return ast.InternedTerm(bool(v))
	}
	return nil
}

// breakOut maps the outcome c >= 0 of a block nested directly in the current
// one to the current block's outcome.
func breakOut(c int) int {
	if c == 0 {
		return planExit
	}
	return c - 1
}

// leaves tells what the outcome c of the block of a not or with statement
// makes of the current block: a return, or a break out of more than that
// block, leaves it as well; so does undefined, the outcome that makes the
// statement undefined; any other outcome goes on to the next statement.
func leaves(c, undefined int) (int, bool) {
	switch {
	case c == planReturn:
		return c, true
	case c >= 0:
		return breakOut(c), true
	case c == undefined:
		return planExit, true
	}
	return 0, false
}

// exec runs one block; see planDone, planExit, planReturn.
func (r *planRun) exec(fr []*ast.Term, b *ir.Block) (int, error) {
	for _, s := range b.Stmts {
		switch s := s.(type) {
		case *ir.ReturnLocalStmt:
			r.ret = fr[s.Source]
			return planReturn, nil
		case *ir.CallStmt:
			v, err := r.call(fr, s)
			if err != nil {
				return 0, err
			}
			if v == nil {
				return planExit, nil
			}
			fr[s.Result] = v
		case *ir.BlockStmt:
			for _, sub := range s.Blocks {
				c, err := r.exec(fr, sub)
				if err != nil {
					return 0, err
				}
				if c == planReturn {
					return c, nil
				}
				if c >= 0 {
					return breakOut(c), nil
				}
			}
		case *ir.BreakStmt:
			if s.Index == 0 {
				return planExit, nil
			}
			return int(s.Index) - 1, nil
		case *ir.DotStmt:
			src, key := r.operand(fr, s.Source), r.operand(fr, s.Key)
			if src == nil || key == nil {
				return planExit, nil
			}
			if _, num := key.Value.(ast.Number); num && isObject(src) {
				// OPA finds data.x[2] under the key "2" of a stored document
				// but not of a value: left to OPA, which knows which this is.
				return 0, fmt.Errorf("plan: number key into an object: %w", errPlanUnsupported)
			}
			v := dot(src, key)
			if v == nil {
				return planExit, nil
			}
			fr[s.Target] = v
		case *ir.LenStmt:
			src := r.operand(fr, s.Source)
			if src == nil {
				return 0, fmt.Errorf("plan: length of undefined: %w", errPlanUnsupported)
			}
			var n int
			switch v := src.Value.(type) {
			case *ast.Array:
				n = v.Len()
			case ast.Object:
				n = v.Len()
			case ast.Set:
				n = v.Len()
			default:
				return 0, fmt.Errorf("plan: length of %s: %w", ast.ValueName(src.Value), errPlanUnsupported)
			}
			fr[s.Target] = ast.InternedTerm(n)
		case *ir.ScanStmt:
			c, err := r.scan(fr, s)
			if err != nil || c != planDone {
				return c, err
			}
		case *ir.NotStmt:
			c, err := r.exec(fr, s.Block)
			if err != nil {
				return 0, err
			}
			if out, leave := leaves(c, planDone); leave { // the negated block holds: not is undefined
				return out, nil
			}
		case *ir.WithStmt:
			if len(s.Path) > 0 {
				return 0, fmt.Errorf("plan: with on part of a document: %w", errPlanUnsupported)
			}
			saved, memo, memoSet := fr[s.Local], r.memo, r.memoSet
			fr[s.Local] = r.operand(fr, s.Value)
			r.memo, r.memoSet = make([]*ast.Term, len(memo)), make([]bool, len(memoSet))
			c, err := r.exec(fr, s.Block)
			fr[s.Local], r.memo, r.memoSet = saved, memo, memoSet
			if err != nil {
				return 0, err
			}
			if out, leave := leaves(c, planExit); leave { // the block was undefined: so is with
				return out, nil
			}
		case *ir.AssignIntStmt:
			fr[s.Target] = ast.IntNumberTerm(int(s.Value))
		case *ir.AssignVarStmt:
			fr[s.Target] = r.operand(fr, s.Source)
		case *ir.AssignVarOnceStmt:
			v := r.operand(fr, s.Source)
			if cur := fr[s.Target]; cur != nil && (v == nil || ast.Compare(cur.Value, v.Value) != 0) {
				return 0, fmt.Errorf("plan: conflicting values: %w", errPlanUnsupported)
			}
			fr[s.Target] = v
		case *ir.ResetLocalStmt:
			fr[s.Target] = nil
		case *ir.MakeNullStmt:
			fr[s.Target] = ast.InternedNullTerm
		case *ir.MakeNumberIntStmt:
			fr[s.Target] = ast.IntNumberTerm(int(s.Value))
		case *ir.MakeNumberRefStmt:
			fr[s.Target] = ast.NumberTerm(json.Number(r.p.strs[s.Index].Value.(ast.String)))
		case *ir.MakeArrayStmt:
			fr[s.Target] = ast.NewTerm(ast.NewArrayWithCapacity(int(s.Capacity)))
		case *ir.MakeObjectStmt:
			fr[s.Target] = &ast.Term{Value: emptyObject}
		case *ir.MakeSetStmt:
			fr[s.Target] = &ast.Term{Value: emptySet}
		case *ir.EqualStmt, *ir.NotEqualStmt:
			var a, b *ast.Term
			if e, ok := s.(*ir.EqualStmt); ok {
				a, b = r.operand(fr, e.A), r.operand(fr, e.B)
			} else {
				ne := s.(*ir.NotEqualStmt)
				a, b = r.operand(fr, ne.A), r.operand(fr, ne.B)
			}
			if a == nil || b == nil {
				return 0, fmt.Errorf("plan: comparison with undefined: %w", errPlanUnsupported)
			}
			_, equal := s.(*ir.EqualStmt)
			if (ast.Compare(a.Value, b.Value) == 0) != equal {
				return planExit, nil
			}
		case *ir.IsArrayStmt:
			if v := r.operand(fr, s.Source); v == nil || !isArray(v) {
				return planExit, nil
			}
		case *ir.IsObjectStmt:
			if v := r.operand(fr, s.Source); v == nil || !isObject(v) {
				return planExit, nil
			}
		case *ir.IsSetStmt:
			if v := r.operand(fr, s.Source); v == nil || !isSet(v) {
				return planExit, nil
			}
		case *ir.IsDefinedStmt:
			if fr[s.Source] == nil {
				return planExit, nil
			}
		case *ir.IsUndefinedStmt:
			if fr[s.Source] != nil {
				return planExit, nil
			}
		case *ir.ArrayAppendStmt:
			arr, ok := termValue[*ast.Array](fr[s.Array])
			v := r.operand(fr, s.Value)
			if !ok || v == nil {
				return 0, fmt.Errorf("plan: append: %w", errPlanUnsupported)
			}
			fr[s.Array].Value = arr.Append(v) // in place, as WebAssembly does: every alias sees it
		case *ir.ObjectInsertStmt, *ir.ObjectInsertOnceStmt:
			var obj ast.Object
			var k, v *ast.Term
			var ok, once bool
			if ins, isIns := s.(*ir.ObjectInsertStmt); isIns {
				obj, ok = termValue[ast.Object](fr[ins.Object])
				k, v = r.operand(fr, ins.Key), r.operand(fr, ins.Value)
			} else {
				ins := s.(*ir.ObjectInsertOnceStmt)
				obj, ok = termValue[ast.Object](fr[ins.Object])
				k, v, once = r.operand(fr, ins.Key), r.operand(fr, ins.Value), true
			}
			if !ok || k == nil || v == nil {
				return 0, fmt.Errorf("plan: object insert: %w", errPlanUnsupported)
			}
			if obj == emptyObject {
				obj = ast.NewObject()
				fr[objectLocal(s)].Value = obj
			}
			if once {
				if cur := obj.Get(k); cur != nil && ast.Compare(cur.Value, v.Value) != 0 {
					return 0, fmt.Errorf("plan: conflicting object keys: %w", errPlanUnsupported)
				}
			}
			obj.Insert(k, v)
		case *ir.ObjectMergeStmt:
			a, okA := termValue[ast.Object](fr[s.A])
			b, okB := termValue[ast.Object](fr[s.B])
			if !okA || !okB {
				return 0, fmt.Errorf("plan: merge: %w", errPlanUnsupported)
			}
			m, ok := a.Merge(b)
			if !ok {
				return 0, fmt.Errorf("plan: merge conflict: %w", errPlanUnsupported)
			}
			fr[s.Target] = ast.NewTerm(m)
		case *ir.SetAddStmt:
			set, ok := termValue[ast.Set](fr[s.Set])
			v := r.operand(fr, s.Value)
			if !ok || v == nil {
				return 0, fmt.Errorf("plan: set add: %w", errPlanUnsupported)
			}
			if set == emptySet {
				set = ast.NewSet()
				fr[s.Set].Value = set
			}
			set.Add(v)
		case *ir.ResultSetAddStmt:
			if fr[s.Value] == nil {
				return 0, fmt.Errorf("plan: undefined result: %w", errPlanUnsupported)
			}
			r.results = append(r.results, fr[s.Value])
		case *ir.NopStmt:
		default:
			return 0, fmt.Errorf("plan: statement %T: %w", s, errPlanUnsupported)
		}
	}
	return planDone, nil
}

// scan runs a scan statement. As the WebAssembly compiler builds it (a loop in
// a block), breaking out of the scanned block once ends the scan, and more
// leaves the blocks around it.
func (r *planRun) scan(fr []*ast.Term, s *ir.ScanStmt) (int, error) {
	src := fr[s.Source]
	if src == nil {
		return planDone, nil
	}
	out, stop := planDone, false
	var err error
	body := func(k, v *ast.Term) bool {
		if r.stop != nil && r.stop.Cancelled() {
			err = errPlanStopped
			return true
		}
		fr[s.Key], fr[s.Value] = k, v
		var c int
		if c, err = r.exec(fr, s.Block); err != nil {
			return true
		}
		switch {
		case c == planReturn:
			out, stop = c, true
		case c == 0: // out of the scan
			stop = true
		case c >= 1:
			out, stop = breakOut(c-1), true
		}
		return stop
	}
	switch v := src.Value.(type) {
	case *ast.Array:
		for i := 0; i < v.Len(); i++ {
			if body(ast.InternedTerm(i), v.Elem(i)) {
				break
			}
		}
	case ast.Object:
		v.Until(body)
	case ast.Set:
		v.Until(func(e *ast.Term) bool { return body(e, e) })
	}
	if err != nil {
		return 0, err
	}
	if !stop {
		fr[s.Key] = nil
	}
	return out, nil
}

func (r *planRun) call(fr []*ast.Term, s *ir.CallStmt) (*ast.Term, error) {
	target, ok := r.p.calls[s]
	if !ok {
		return nil, fmt.Errorf("plan: call %s: %w", s.Func, errPlanUnsupported)
	}
	if f := target.fn; f != nil {
		if f.memo && r.memoSet[f.idx] {
			return r.memo[f.idx], nil
		}
		if len(s.Args) < len(f.fn.Params) {
			return nil, fmt.Errorf("plan: call %s: %w", s.Func, errPlanUnsupported)
		}
		frame := r.push(f.nlocals)
		defer r.pop(f.nlocals)
		for i, p := range f.fn.Params {
			frame[p] = r.operand(fr, s.Args[i])
		}
		var v *ast.Term
	blocks:
		for i, b := range f.fn.Blocks {
			c, err := r.exec(frame, b)
			if err != nil {
				return nil, err
			}
			switch {
			case c == planReturn:
				v = r.ret
				break blocks
			case c >= 0:
				return nil, fmt.Errorf("plan: break out of function %s: %w", f.fn.Name, errPlanUnsupported)
			}
			if i == len(f.fn.Blocks)-1 {
				v = frame[f.fn.Return]
			}
		}
		if f.memo {
			r.memo[f.idx], r.memoSet[f.idx] = v, true
		}
		return v, nil
	}
	ops := r.ops[:0]
	for _, a := range s.Args {
		t := r.operand(fr, a)
		if t == nil {
			return nil, fmt.Errorf("plan: %s with an undefined operand: %w", s.Func, errPlanUnsupported)
		}
		ops = append(ops, t)
	}
	r.ops = ops[:0]
	var out *ast.Term
	n := 0
	err := target.builtin(r.bctx, ops, func(t *ast.Term) error {
		out = t
		n++
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("plan: %s: %w", s.Func, err)
	}
	if n > 1 {
		return nil, fmt.Errorf("plan: %s gave %d values: %w", s.Func, n, errPlanUnsupported)
	}
	if target.void {
		return ast.InternedNullTerm, nil
	}
	return out, nil
}

// emptySet and emptyObject are what MakeSetStmt and MakeObjectStmt make: most
// sets a rule builds stay empty, so each gets its own term (aliases share it)
// and a set or object of its own only when something is added. Never mutated.
var (
	emptySet    = ast.NewSet()
	emptyObject = ast.NewObject()
)

// objectLocal is the object an insert statement inserts into.
func objectLocal(s ir.Stmt) ir.Local {
	if ins, ok := s.(*ir.ObjectInsertStmt); ok {
		return ins.Object
	}
	return s.(*ir.ObjectInsertOnceStmt).Object
}

func termValue[T ast.Value](t *ast.Term) (T, bool) {
	var zero T
	if t == nil {
		return zero, false
	}
	v, ok := t.Value.(T)
	return v, ok
}

func isArray(t *ast.Term) bool  { _, ok := t.Value.(*ast.Array); return ok }
func isObject(t *ast.Term) bool { _, ok := t.Value.(ast.Object); return ok }
func isSet(t *ast.Term) bool    { _, ok := t.Value.(ast.Set); return ok }

// dot looks key up in src as DotStmt does: an object's value, an array's
// element, a set's member; undefined (nil) otherwise.
func dot(src, key *ast.Term) *ast.Term {
	switch v := src.Value.(type) {
	case ast.Object:
		return v.Get(key)
	case *ast.Array:
		n, ok := key.Value.(ast.Number)
		if !ok {
			return nil
		}
		i, ok := n.Int()
		if !ok || i < 0 || i >= v.Len() {
			return nil
		}
		return v.Elem(i)
	case ast.Set:
		if v.Contains(key) {
			return key
		}
	}
	return nil
}

// nowTerm is the wall clock as built-ins read it (time.now_ns).
func nowTerm() *ast.Term { return ast.NumberTerm(json.Number(fmt.Sprint(time.Now().UnixNano()))) }
