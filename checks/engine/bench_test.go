package engine

import (
	"context"
	"fmt"
	"testing"

	"github.com/sdescan/sdescan/checks/internal/factstest"
	"github.com/sdescan/sdescan/collectors"
)

// BenchmarkEvaluate runs every built-in check over synthetic estates of 10k and
// 100k resources (see docs/performance.md).
func BenchmarkEvaluate(b *testing.B) {
	e, err := New(collectors.Builtin())
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range []int{10_000, 100_000} {
		facts := factstest.Synthetic(b, n)
		b.Run(fmt.Sprintf("resources=%d", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := e.Evaluate(context.Background(), facts, Params{AsOf: facts.AsOf()}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
