//go:build !goexperiment.jsonv2

package engine

import (
	"context"

	"github.com/sdescan/sdescan/checks"
)

// stream is what streamFile reads (nothing without encoding/json/jsontext).
type stream struct {
	ok       bool
	facts    *checks.Facts
	n        int
	findings *checks.FindingSet
}

// streamFile needs encoding/json/jsontext: without GOEXPERIMENT=jsonv2 a facts
// file is read whole.
func (e *Engine) streamFile(context.Context, string, func(*checks.Facts) (Params, error), func(*checks.Resource)) (*stream, error) {
	return nil, nil
}

// streams says whether facts files are streamed in this build.
const streams = false
