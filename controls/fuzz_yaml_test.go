package controls_test

import (
	"strings"
	"testing"

	"github.com/sdescan/sdescan/controls"
)

// FuzzDecodeYAMLStrict: whatever the document, DecodeYAMLStrict (the decoder of
// sdescan.yaml, frameworks and attestation kinds) returns without panicking, its
// error is one line, and aliases never expand past the budget. Run it with
//
//	go test ./controls -run '^$' -fuzz '^FuzzDecodeYAMLStrict$' -fuzztime 20s
func FuzzDecodeYAMLStrict(f *testing.F) {
	addSeeds(f, frameworkSeed, "frameworks/*.yaml")
	f.Add([]byte("a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n"))
	f.Add([]byte("a: &a [*a]\n"))
	f.Add([]byte("base: &base {x: 1}\none:\n  <<: *base\n  y: 2\n"))
	f.Add([]byte("a: 1\n---\nb: 2\n"))
	f.Add([]byte("s: &s xxxxxxxx\nl: [*s, *s, *s, *s]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > maxFuzzInput {
			return
		}
		// Into free-form values, where aliases expand fully, and into a
		// struct, where unknown keys are refused.
		var v any
		oneLineError(t, controls.DecodeYAMLStrict(data, &v))
		var fw controls.Framework
		oneLineError(t, controls.DecodeYAMLStrict(data, &fw))
	})
}

func oneLineError(t *testing.T, err error) {
	t.Helper()
	if err != nil && strings.ContainsAny(err.Error(), "\r\n") {
		t.Fatalf("error is not one line: %q", err)
	}
}
