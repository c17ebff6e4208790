package checks

import (
	"context"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage/inmem"
)

func BenchmarkZZFloor(b *testing.B) {
	e, err := NewEngine(Builtin())
	if err != nil {
		b.Fatal(err)
	}
	facts := syntheticFacts(b, 1000)
	p := Params{AsOf: facts.AsOf()}
	store := inmem.NewFromObject(map[string]any{"sdescan": map[string]any{"params": p.value()}})
	ctx := context.Background()
	var inputs []ast.Value
	for ri := range facts.Resources {
		r := &facts.Resources[ri]
		v, _ := resourceValue(r, "")
		inputs = append(inputs, ast.NewObject(ast.Item(ast.StringTerm("resource"), ast.NewTerm(v))))
	}
	pq, err := rego.New(rego.Compiler(e.compiler), rego.Store(store), rego.Query("input.resource.id"), rego.GenerateJSON(rawResult)).PrepareForEval(ctx)
	if err != nil {
		b.Fatal(err)
	}
	i := 0
	for b.Loop() {
		if _, err := pq.Eval(ctx, rego.EvalParsedInput(inputs[i%len(inputs)])); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
