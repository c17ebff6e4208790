//go:build !goexperiment.jsonv2

package checks

import (
	"bytes"
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

// encodeIndented appends v to b as writeJSON writes it, every line after the
// first prefixed by prefix, without a trailing newline.
func encodeIndented(b *bytes.Buffer, v any, prefix string) error {
	enc := json.NewEncoder(b)
	enc.SetIndent(prefix, "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	b.Truncate(b.Len() - 1) // Encode's newline
	return nil
}

// writeFactsJSON is writeJSON (the resources are encoded on all cores only in
// builds with GOEXPERIMENT=jsonv2).
func writeFactsJSON(w io.Writer, f *Facts) error {
	return writeJSON(w, f)
}

// decodeFactsParallel needs encoding/json/jsontext: without GOEXPERIMENT=jsonv2
// facts are decoded in one pass.
func decodeFactsParallel([]byte) (*Facts, bool) { return nil, false }
