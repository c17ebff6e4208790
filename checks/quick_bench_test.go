package checks

import (
	"context"
	"fmt"
	"testing"
)

func BenchmarkQuick(b *testing.B) {
	e, err := NewEngine(DirSource("testdata/policies/good"))
	if err != nil {
		b.Fatal(err)
	}
	var facts Facts
	for i := range 100000 {
		facts.Resources = append(facts.Resources, Resource{ID: fmt.Sprintf("b/%06d", i), Type: "test.bucket", Tags: map[string]string{"data-classification": "pseudonymised", "owner": "x"}, Attributes: map[string]any{"versioning": i%3 == 0, "created": "2026-01-01T00:00:00Z", "encryption": map[string]any{"algorithm": "aws:kms", "key": "arn:aws:kms:eu-west-2:111:key/abc"}, "logging": map[string]any{"enabled": true, "target": "logs"}}})
	}
	for _, bs := range []int{64, 256, 1024} {
		b.Run(fmt.Sprint(bs), func(b *testing.B) {
			e.BatchSize = bs
			for b.Loop() {
				if _, err := e.Evaluate(context.Background(), &facts, Params{AsOf: asOf}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
