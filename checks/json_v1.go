//go:build !goexperiment.jsonv2

package checks

import (
	"encoding/json"
	"io"
)

// writeJSON writes v as indented JSON (builds without GOEXPERIMENT=jsonv2).
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
