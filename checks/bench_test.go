package checks

import (
	"context"
	"fmt"
	"testing"
)

// SyntheticFacts returns n resources cloned round-robin from the demo estate (every
// resource type the built-in checks read, in the demo's proportions), each with a
// unique ID. Attribute maps are shared between clones: evaluation only reads them.
func syntheticFacts(tb testing.TB, n int) *Facts {
	tb.Helper()
	demo, err := ReadFactsFile("../fixtures/demo/facts.json")
	if err != nil {
		tb.Fatal(err)
	}
	out := &Facts{Tool: demo.Tool, CollectedAt: demo.CollectedAt, Runs: demo.Runs}
	out.Resources = make([]Resource, n)
	for i := range n {
		r := demo.Resources[i%len(demo.Resources)]
		r.ID = fmt.Sprintf("%s#%07d", r.ID, i)
		out.Resources[i] = r
	}
	out.Normalize()
	return out
}

// BenchmarkEvaluate runs every built-in check over synthetic estates of 10k and
// 100k resources (see docs/performance.md).
func BenchmarkEvaluate(b *testing.B) {
	e, err := NewEngine(Builtin())
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range []int{10_000, 100_000} {
		facts := syntheticFacts(b, n)
		b.Run(fmt.Sprintf("resources=%d", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := e.Evaluate(context.Background(), facts, Params{AsOf: facts.AsOf()}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
