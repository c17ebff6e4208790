package engine

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
	"github.com/open-policy-agent/opa/v1/test/cases"
	"github.com/open-policy-agent/opa/v1/test/cases/testdata"
	"github.com/open-policy-agent/opa/v1/util"
)

// TestPlanRunnerOPACases runs OPA's own conformance cases (the YAML cases every
// OPA evaluator is held to, embedded in OPA's module: queries, modules, data,
// input and the wanted result or error) through the plan runner, as OPA's
// WebAssembly end-to-end test runs them through its compiled policies. A case
// OPA does not plan, or the runner declines (an error: the engine then asks
// OPA's evaluator), is counted, not failed; every result the runner does give
// must be the wanted one, and where an error is wanted the runner must not
// give a result.
func TestPlanRunnerOPACases(t *testing.T) {
	var all []cases.TestCase
	err := fs.WalkDir(testdata.V1, "v1", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".yaml") {
			return err
		}
		b, err := fs.ReadFile(testdata.V1, path)
		if err != nil {
			return err
		}
		var set cases.Set
		if err := util.Unmarshal(b, &set); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		for i := range set.Cases {
			set.Cases[i].Filename = path
		}
		all = append(all, set.Cases...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var notPlanned, declined, checked, failed int
	for _, tc := range all {
		if len(tc.Env) > 0 {
			notPlanned++ // reads the environment (opa.runtime): not a check's business
			continue
		}
		prog, err := planCase(ctx, tc)
		if err != nil {
			notPlanned++
			continue
		}
		var data, input *ast.Term
		if tc.Data != nil {
			data = ast.NewTerm(ast.MustInterfaceToValue(*tc.Data))
		} else {
			data = ast.ObjectTerm()
		}
		switch {
		case tc.InputTerm != nil:
			input = ast.MustParseTerm(*tc.InputTerm)
		case tc.Input != nil:
			input = ast.NewTerm(ast.MustInterfaceToValue(*tc.Input))
		}
		rs, err := prog.newRun(ctx, data, nowTerm()).resultSet(input)
		if err != nil {
			declined++
			continue
		}
		checked++
		got := resultSetValue(rs, tc.SortBindings)
		var problem string
		switch {
		case tc.WantDefined != nil:
			if (got.Len() > 0) != *tc.WantDefined {
				problem = fmt.Sprintf("defined %v, want %v", got.Len() > 0, *tc.WantDefined)
			}
		case tc.WantResult != nil:
			if want := wantResultSet(*tc.WantResult); want.Compare(got) != 0 {
				problem = fmt.Sprintf("result %v, want %v", got, want)
			}
		case tc.WantErrorCode != nil || tc.WantError != nil:
			problem = fmt.Sprintf("result %v, want an error", got)
		}
		if problem != "" {
			// Where this build's OPA evaluator gives the runner's result, the
			// case's expectation is not this build's (rego.parse_module encodes
			// modules otherwise with GOEXPERIMENT=jsonv2): no difference.
			if td, err := topdownCase(ctx, tc, data, input); err == nil && td.Compare(got) == 0 {
				continue
			}
			failed++
			t.Errorf("%s %q: %s\n query: %s\n modules: %q", tc.Filename, tc.Note, problem, tc.Query, tc.Modules)
			if failed > 20 {
				t.Fatal("too many failures")
			}
		}
	}
	t.Logf("%d OPA cases: %d checked, %d declined by the runner, %d not planned", len(all), checked, declined, notPlanned)
	if checked < len(all)/2 {
		t.Errorf("only %d of %d cases checked", checked, len(all))
	}
}

// topdownCase evaluates a case with OPA's evaluator (strict built-in errors, as
// the engine runs it) and returns its result set as resultSetValue does.
func topdownCase(ctx context.Context, tc cases.TestCase, data, input *ast.Term) (ast.Set, error) {
	opts := []func(*rego.Rego){
		rego.Query(tc.Query),
		rego.SetRegoVersion(ast.RegoV1),
		rego.Capabilities(ast.CapabilitiesForThisVersion(ast.CapabilitiesExperimentalKeywords(tc.ExperimentalKeywords))),
		rego.StrictBuiltinErrors(true),
	}
	for i, m := range tc.Modules {
		opts = append(opts, rego.Module(fmt.Sprintf("module-%d.rego", i), m))
	}
	if tc.Data != nil {
		opts = append(opts, rego.Store(inmem.NewFromObject(*tc.Data)))
	}
	if input != nil {
		opts = append(opts, rego.ParsedInput(input.Value))
	}
	rs, err := rego.New(opts...).Eval(ctx)
	if err != nil {
		return nil, err
	}
	var terms []*ast.Term
	for _, r := range rs {
		obj := ast.NewObject()
		for k, v := range r.Bindings {
			val, err := ast.InterfaceToValue(v)
			if err != nil {
				return nil, err
			}
			obj.Insert(ast.StringTerm(k), ast.NewTerm(val))
		}
		terms = append(terms, ast.NewTerm(obj))
	}
	return resultSetValue(terms, tc.SortBindings), nil
}

// planCase plans a case's query over its modules with the plan target.
func planCase(ctx context.Context, tc cases.TestCase) (*planProgram, error) {
	opts := []func(*rego.Rego){
		rego.Query(tc.Query),
		rego.SetRegoVersion(ast.RegoV1),
		rego.Capabilities(ast.CapabilitiesForThisVersion(ast.CapabilitiesExperimentalKeywords(tc.ExperimentalKeywords))),
		rego.StrictBuiltinErrors(true),
		rego.Target(planTarget),
	}
	for i, m := range tc.Modules {
		opts = append(opts, rego.Module(fmt.Sprintf("module-%d.rego", i), m))
	}
	capture := &planCapture{}
	if _, err := rego.New(opts...).PrepareForEval(context.WithValue(ctx, planCaptureKey{}, capture)); err != nil {
		return nil, err
	}
	if capture.prog == nil {
		return nil, os.ErrNotExist
	}
	return capture.prog, nil
}

// resultSetValue is the runner's result set as OPA's WebAssembly test compares
// it: sets as sorted arrays (through JSON), and with sortBindings, every
// binding that is an array sorted.
func resultSetValue(rs []*ast.Term, sortBindings bool) ast.Set {
	got := ast.NewSet()
	for _, r := range rs {
		j, err := ast.JSON(r.Value)
		if err != nil {
			got.Add(r)
			continue
		}
		obj := ast.NewObject()
		ast.MustInterfaceToValue(j).(ast.Object).Foreach(func(k, v *ast.Term) {
			if a, ok := v.Value.(*ast.Array); ok && sortBindings {
				v = ast.NewTerm(a.Sorted())
			}
			obj.Insert(k, v)
		})
		got.Add(ast.NewTerm(obj))
	}
	return got
}

func wantResultSet(want []map[string]any) ast.Set {
	exp := ast.NewSet()
	for _, b := range want {
		obj := ast.NewObject()
		for k, v := range b {
			obj.Insert(ast.StringTerm(k), ast.NewTerm(ast.MustInterfaceToValue(v)))
		}
		exp.Add(ast.NewTerm(obj))
	}
	return exp
}
