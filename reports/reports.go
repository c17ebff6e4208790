// Package reports renders an assessment for its audiences: a terminal table for
// operators and the JSON contract of docs/output.md for machines.
package reports

import (
	"fmt"
	"io"
	"strings"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/controls"
)

// Formats lists the output formats Write understands.
var Formats = []string{"table", "json"}

// Write renders the assessment in the named format.
func Write(w io.Writer, format string, a *controls.Assessment) error {
	switch format {
	case "table":
		return Table(w, a)
	case "json":
		return JSON(w, a)
	}
	return fmt.Errorf("unknown format %q (want %s)", format, strings.Join(Formats, " or "))
}

// JSON writes the assessment as stable, indented JSON (docs/output.md).
func JSON(w io.Writer, a *controls.Assessment) error {
	return checks.WriteJSON(w, a)
}
