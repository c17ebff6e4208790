//go:build goexperiment.jsonv2

package checks

import (
	"encoding/json"
	"encoding/json/jsontext"
	jsonv2 "encoding/json/v2"
	"io"
)

// writeJSON streams v as indented JSON with encoding/json's (v1) semantics: the
// v2 encoder writes as it goes instead of building the whole document and then
// re-indenting it, which halves the time and memory of a large assessment.
func writeJSON(w io.Writer, v any) error {
	if err := jsonv2.MarshalWrite(w, v, json.DefaultOptionsV1(), jsontext.WithIndent("  "), jsontext.EscapeForHTML(false)); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
