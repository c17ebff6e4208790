// Package factstest builds facts for the tests and benchmarks of checks and
// the packages below it: a synthetic estate of any size from the demo's.
package factstest

import (
	"fmt"
	"io/fs"
	"testing"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/fixtures"
)

// Synthetic returns n resources cloned round-robin from the demo estate (every
// resource type the built-in checks read, in the demo's proportions), each with a
// unique ID. Attribute maps are shared between clones: evaluation only reads them.
func Synthetic(tb testing.TB, n int) *checks.Facts {
	tb.Helper()
	demo, err := demoFacts()
	if err != nil {
		tb.Fatal(err)
	}
	out := &checks.Facts{Tool: demo.Tool, CollectedAt: demo.CollectedAt, Runs: demo.Runs}
	out.Resources = make([]checks.Resource, n)
	for i := range n {
		r := demo.Resources[i%len(demo.Resources)]
		r.ID = fmt.Sprintf("%s#%07d", r.ID, i)
		out.Resources[i] = r
	}
	out.Normalize()
	return out
}

// demoFacts decodes the demo estate's facts (fixtures).
func demoFacts() (*checks.Facts, error) {
	data, err := fs.ReadFile(fixtures.DemoFS(), fixtures.DemoFacts)
	if err != nil {
		return nil, err
	}
	return checks.DecodeFactsBytes(data, "demo/facts.json")
}
