//go:build !goexperiment.jsonv2

package checks

import "context"

// stream is what streamFile reads (nothing without encoding/json/jsontext).
type stream struct {
	ok       bool
	facts    *Facts
	n        int
	findings []Finding
}

// streamFile needs encoding/json/jsontext: without GOEXPERIMENT=jsonv2 a facts
// file is read whole.
func (e *Engine) streamFile(context.Context, string, func(*Facts) (Params, error), func(*Resource)) (*stream, error) {
	return nil, nil
}

// streams says whether facts files are streamed in this build.
const streams = false
