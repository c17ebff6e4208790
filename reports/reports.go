// Package reports renders an assessment for its audiences: a terminal table for
// operators, the JSON contract of docs/output.md for machines, SARIF for code
// scanning, JUnit for CI test views, Markdown for job summaries and OSCAL
// assessment-results for assessors (docs/reports.md); it also compares two
// assessments (diff), reviews backups and reports openness. Every renderer is a
// function of an Input; a report read from an evidence pack cites it through
// PackSource and the Pack* names of its files. Package reports/pack builds,
// reads, signs and verifies packs and imports this package for the reports it
// packs and compares; this package never imports it.
package reports

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/controls"
)

// Formats lists the output formats Write understands, in the order docs/reports.md
// describes them.
var Formats = []string{"table", "json", "md", "sarif", "junit", "oscal", "html"}

// Input is what a report is rendered from: the assessment and, when they are
// known, the metadata of its checks, the files its resources are, and the
// evidence pack it was read from. Every renderer is a pure function of it.
type Input struct {
	Assessment *controls.Assessment
	// Checks holds the metadata of the checks (description, remediation) by ID;
	// a check missing from it is described by its CheckResult alone.
	Checks map[string]*checks.Check
	// Paths maps the ID of a resource that is a file (its scope has a path) to
	// that path, relative and slash-separated: SARIF locates its findings there.
	Paths map[string]string
	// Regions gives, by resource ID, the lines of its file a resource spans
	// ([start, end], 1-based): SARIF locates its findings there. Optional.
	Regions map[string][2]int
	// Pack is the evidence pack the assessment was read from; nil when it was
	// rendered straight after a scan.
	Pack *PackSource
	// Previous, when given (--previous), is an earlier assessment of the same
	// estate: the reports that can show a trend show it.
	Previous *controls.Assessment
	// Width is the terminal width the table format is fitted to
	// (texttable.Width); 0 puts no limit on it. Other formats ignore it.
	Width int
}

// PackSource describes the evidence pack a report is rendered from, as the
// reports cite it; package pack reads a pack and fills it from its manifest.
type PackSource struct {
	// ManifestSHA256 is the hex sha256 of manifest.json as read.
	ManifestSHA256 string
	// Files are the files the manifest lists (all but manifest.json and
	// manifest.sig), with their digests.
	Files []PackFile
	// Attestations and Waivers name each attestations or waivers file as it was
	// given and where it is packed.
	Attestations []PackedInput
	Waivers      []PackedInput
}

// PackFile is one file of an evidence pack and its hex sha256.
type PackFile struct {
	Path   string
	SHA256 string
}

// PackedInput is an attestations or waivers file: Name as it was given (and as
// the assessment reports it), File where the pack holds it.
type PackedInput struct {
	Name string
	File string
}

// Names of the fixed files of an evidence pack (docs/evidence-pack.md). Package
// pack builds and reads packs with them; the reports cite them.
const (
	PackManifest   = "manifest.json"
	PackSignature  = "manifest.sig"
	PackFacts      = "facts.json"
	PackFindings   = "findings.json"
	PackAssessment = "assessment.json"
)

// NewInput builds the input of a report from an assessment, the checks that made
// it, and the facts' resources (only those whose scope has a path are kept).
func NewInput(a *controls.Assessment, list []*checks.Check, resources []checks.Resource) Input {
	in := Input{Assessment: a, Checks: map[string]*checks.Check{}}
	for _, c := range list {
		in.Checks[c.ID] = c
	}
	var loc Locator
	for i := range resources {
		loc.Observe(&resources[i])
	}
	in.Paths = loc.Paths()
	return in
}

// Write renders the input in the named format.
func Write(w io.Writer, format string, in Input) error {
	if err := write(w, format, in); err != nil {
		return err
	}
	// Findings read back from disk as they are rendered: a read error makes
	// the report incomplete, so no report.
	return in.Assessment.FindingsErr()
}

func write(w io.Writer, format string, in Input) error {
	switch format {
	case "table":
		return tableWithTrend(w, in.Assessment, in.Previous, in.Width)
	case "json":
		return JSONWithTrend(w, in.Assessment, in.Previous)
	case "md":
		return summary(w, in.Assessment, in.Previous)
	case "sarif":
		return SARIF(w, in)
	case "junit":
		return JUnit(w, in)
	case "oscal":
		return OSCAL(w, in)
	case "html":
		return HTML(w, htmlInput(in))
	}
	return fmt.Errorf("unknown format %q (want %s)", format, FormatList())
}

// FormatList names the formats for messages: "table, json, … or oscal".
func FormatList() string {
	if len(Formats) < 2 {
		return strings.Join(Formats, "")
	}
	return strings.Join(Formats[:len(Formats)-1], ", ") + " or " + Formats[len(Formats)-1]
}

// JSON writes the assessment as stable, indented JSON (docs/output.md).
func JSON(w io.Writer, a *controls.Assessment) error {
	return controls.WriteJSON(w, a, a)
}

// checkMeta is what a renderer knows of a check: its metadata when loaded, else
// what the assessment says of it.
func (in Input) checkMeta(id string) *checks.Check {
	if c, ok := in.Checks[id]; ok && c != nil {
		return c
	}
	for _, c := range in.Assessment.Checks {
		if c.ID == id {
			return &checks.Check{ID: c.ID, Title: c.Title, Severity: c.Severity, ResourceTypes: c.Types}
		}
	}
	return &checks.Check{ID: id, Title: id}
}

// packFiles lists the files of the pack with their digests, manifest.json first,
// then by path; nil when not rendering from a pack.
func (in Input) packFiles() []PackFile {
	if in.Pack == nil {
		return nil
	}
	files := append([]PackFile{}, in.Pack.Files...)
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	return append([]PackFile{{Path: PackManifest, SHA256: in.Pack.ManifestSHA256}}, files...)
}
