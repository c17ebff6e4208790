package reports

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/collectors/github/rap"
	"github.com/sdescan/sdescan/reports/texttable"
)

// OpennessFormats lists the formats WriteOpenness understands.
var OpennessFormats = []string{"table", "json", "md"}

// Openness is the per-repository view of a code-openness scan (sdescan openness):
// one row per git.repo / github.repo resource with the facts people ask about
// first, its RAP level, and the OPEN checks that fail or could not be assessed.
type Openness struct {
	Tool          checks.Version        `json:"tool"`
	AsOf          string                `json:"as_of"`
	Repositories  []OpennessRepo        `json:"repositories"`
	Organisations []OpennessOrg         `json:"organisations"`
	Runs          []checks.CollectorRun `json:"runs"`
	Findings      []checks.Finding      `json:"findings"`
}

// OpennessRepo is one repository's row.
type OpennessRepo struct {
	ID      string `json:"id"`
	Type    string `json:"type"`
	Name    string `json:"name"`
	Licence string `json:"licence"` // SPDX ID, "none", "unrecognised" or "unknown"
	README  string `json:"readme"`  // "ok", "thin", "none" or "unknown"
	CI      string `json:"ci"`      // CI systems, "none" or "unknown"
	Tests   string `json:"tests"`   // count of test files, "none" or "unknown"
	// RAPLevel is rolled up from the OPEN findings on the repository (rap.Assess),
	// never read from the facts.
	RAPLevel string `json:"rap_level"`
	// RAPMissing lists what the next RAP level still needs; an item that could not
	// be judged ends in " (not assessed)".
	RAPMissing []string `json:"rap_missing"`
	// RAPUnassessed lists the RAP items no repository fact shows: the level does
	// not cover them.
	RAPUnassessed []string `json:"rap_unassessed"`
	Failing       []string `json:"failing_checks"`
	// NotAssessed lists checks that could not judge the repository (a fact missing).
	NotAssessed []string `json:"not_assessed_checks"`
}

// OpennessOrg is one GitHub organisation's settings.
type OpennessOrg struct {
	ID         string         `json:"id"`
	Attributes map[string]any `json:"attributes"`
}

// BuildOpenness assembles the per-repository view from facts and the findings the
// engine produced over them. The RAP level is judged here from the OPEN findings
// (rap.Assess); a rap_level attribute in the facts is ignored.
func BuildOpenness(tool checks.Version, facts *checks.Facts, findings []checks.Finding) *Openness {
	o := &Openness{Tool: tool, Runs: facts.Runs, Findings: []checks.Finding{}, Repositories: []OpennessRepo{}, Organisations: []OpennessOrg{}}
	if t := facts.AsOf(); !t.IsZero() {
		o.AsOf = t.Format("2006-01-02T15:04:05Z07:00")
	}
	byRes := map[string][]checks.Finding{}
	for _, f := range findings {
		if !strings.HasPrefix(f.CheckID, "OPEN-") {
			continue
		}
		byRes[f.ResourceID] = append(byRes[f.ResourceID], f)
		o.Findings = append(o.Findings, f)
	}
	for _, r := range facts.Resources {
		a := r.Attributes
		switch r.Type {
		case "github.org":
			o.Organisations = append(o.Organisations, OpennessOrg{ID: r.ID, Attributes: a})
			continue
		case "git.repo", "github.repo":
		default:
			continue
		}
		level := rap.Assess(r, byRes[r.ID])
		row := OpennessRepo{ID: r.ID, Type: r.Type, Name: str(a, "full_name", str(a, "name", r.ID)),
			Licence: licenceCell(a), README: readmeCell(a), CI: ciCell(a), Tests: testsCell(a),
			RAPLevel: level.Level, RAPMissing: level.Missing, RAPUnassessed: level.Unassessed, Failing: []string{}, NotAssessed: []string{}}
		for _, f := range byRes[r.ID] {
			switch f.Status {
			case checks.Fail:
				row.Failing = append(row.Failing, f.CheckID)
			case checks.Error:
				row.NotAssessed = append(row.NotAssessed, f.CheckID)
			}
		}
		sort.Strings(row.Failing)
		sort.Strings(row.NotAssessed)
		o.Repositories = append(o.Repositories, row)
	}
	sort.Slice(o.Repositories, func(i, j int) bool { return o.Repositories[i].ID < o.Repositories[j].ID })
	return o
}

func str(a map[string]any, k, def string) string {
	if s, ok := a[k].(string); ok && s != "" {
		return s
	}
	return def
}

func strs(v any) []string {
	out := []string{}
	switch x := v.(type) {
	case []string:
		out = append(out, x...)
	case []any:
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
	}
	return out
}

func licenceCell(a map[string]any) string {
	f, ok := a["licence_file"].(string)
	switch {
	case !ok:
		return "unknown"
	case f == "":
		return "none"
	}
	id, _ := a["licence_spdx"].(string)
	osi, known := a["licence_osi_approved"].(bool)
	switch {
	case !known:
		return "unknown"
	case id == "" || id == "NOASSERTION":
		return "unrecognised"
	case !osi:
		return id + " (not OSI)"
	}
	return id
}

func readmeCell(a map[string]any) string {
	f, ok := a["readme_file"].(string)
	switch {
	case !ok:
		return "unknown"
	case f == "":
		return "none"
	}
	v, ok := a["readme_explains_usage"].(bool)
	switch {
	case !ok:
		return "unknown"
	case v:
		return "ok"
	}
	return "thin"
}

func ciCell(a map[string]any) string {
	if _, ok := a["ci_systems"]; !ok {
		return "unknown"
	}
	if s := strs(a["ci_systems"]); len(s) > 0 {
		return strings.Join(s, ", ")
	}
	return "none"
}

func testsCell(a map[string]any) string {
	n, ok := checks.Int(a["test_files"])
	switch {
	case !ok:
		return "unknown"
	case n == 0:
		return "none"
	}
	return fmt.Sprintf("%d files", n)
}

// WriteOpenness renders the view as a table (fitted to width; 0: no limit),
// JSON or Markdown.
func WriteOpenness(w io.Writer, format string, o *Openness, width int) error {
	switch format {
	case "table":
		return opennessTable(w, o, width)
	case "json":
		return checks.WriteJSON(w, o)
	case "md":
		return opennessMarkdown(w, o)
	}
	return fmt.Errorf("unknown format %q (want %s)", format, strings.Join(OpennessFormats, ", "))
}

func cell(list []string) string {
	if len(list) == 0 {
		return "-"
	}
	return strings.Join(list, " ")
}

func opennessTable(w io.Writer, o *Openness, width int) error {
	// Borderless, as other listings: eight columns in a box would not fit 80.
	t := texttable.New(
		texttable.Column{Header: "Repository", Wrap: true},
		texttable.Column{Header: "Licence", Wrap: true},
		texttable.Column{Header: "README", Wrap: true},
		texttable.Column{Header: "CI", Wrap: true},
		texttable.Column{Header: "Tests", Wrap: true},
		texttable.Column{Header: "RAP level", Wrap: true},
		texttable.Column{Header: "Failing checks", Wrap: true},
		texttable.Column{Header: "Not assessed", Wrap: true},
	).Plain()
	for _, r := range o.Repositories {
		t.Row(r.Name, r.Licence, r.README, r.CI, r.Tests, r.RAPLevel, cell(r.Failing), cell(r.NotAssessed))
	}
	if err := t.Render(w, width); err != nil {
		return err
	}
	return opennessFooter(w, o, false, width)
}

// opennessFooter lists collection errors and organisation settings under the table.
// Prose is fitted to width (0: no limit; Markdown is never fitted).
func opennessFooter(w io.Writer, o *Openness, markdown bool, width int) error {
	var b strings.Builder
	esc := func(s string) string { return s }
	if markdown {
		esc = md
	}
	for _, org := range o.Organisations {
		a := org.Attributes
		b.WriteString("\n")
		b.WriteString(texttable.Fill(fmt.Sprintf("Organisation %s: two-factor required %s, default repository permission %s",
			esc(str(a, "login", org.ID)), fmtAny(a["two_factor_requirement_enabled"]), fmtAny(a["default_repository_permission"])), width, "", "  "))
	}
	n := 0
	for _, r := range o.Runs {
		n += len(r.Errors)
	}
	if n > 0 {
		b.WriteString("\n")
		b.WriteString(texttable.Fill(fmt.Sprintf("Not assessed: %d collection error(s), never counted as passing:", n), width, "", ""))
		if markdown {
			b.WriteString("\n")
		}
		for _, r := range o.Runs {
			for _, e := range r.Errors {
				what := e.Resource
				if what == "" {
					what = r.Scope
				}
				b.WriteString(texttable.Fill(fmt.Sprintf("%s %s: %s", esc(r.Collector), esc(what), esc(clip(e.Message, 200))), width, "- ", "  "))
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func fmtAny(v any) string {
	if v == nil {
		return "unknown (owner access needed)"
	}
	return fmt.Sprint(v)
}

func opennessMarkdown(w io.Writer, o *Openness) error {
	var b strings.Builder
	b.WriteString("# Code openness\n\n")
	if o.AsOf != "" {
		fmt.Fprintf(&b, "sdescan %s, as of %s.\n\n", md(o.Tool.Version), o.AsOf)
	}
	b.WriteString("| Repository | Licence | README | CI | Tests | RAP level | Failing checks | Not assessed |\n|---|---|---|---|---|---|---|---|\n")
	for _, r := range o.Repositories {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s | %s |\n", md(r.Name), md(r.Licence), md(r.README), md(r.CI), md(r.Tests), md(r.RAPLevel), md(cell(r.Failing)), md(cell(r.NotAssessed)))
	}
	var gaps []OpennessRepo
	for _, r := range o.Repositories {
		if len(r.RAPMissing) > 0 {
			gaps = append(gaps, r)
		}
	}
	if len(gaps) > 0 {
		b.WriteString("\n## Next RAP level\n\n")
		for _, r := range gaps {
			fmt.Fprintf(&b, "- **%s** (%s): %s\n", md(r.Name), md(r.RAPLevel), md(strings.Join(r.RAPMissing, "; ")))
		}
	}
	var fails []checks.Finding
	for _, f := range o.Findings {
		if f.Status == checks.Fail {
			fails = append(fails, f)
		}
	}
	if len(fails) > 0 {
		b.WriteString("\n## Failing checks\n\n")
		for _, f := range fails {
			fmt.Fprintf(&b, "- %s (%s): %s\n", md(f.CheckID), md(string(f.Severity)), md(strings.Join(f.Messages, "; ")))
		}
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return err
	}
	return opennessFooter(w, o, true, 0)
}
