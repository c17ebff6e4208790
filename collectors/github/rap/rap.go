// Package rap judges a repository's NHS RAP (reproducible analytical pipelines)
// level. It is evaluation, not collection: the level is rolled up from the findings
// of the OPEN checks on the repository (plus the few facts no OPEN check judges), so
// whatever re-evaluates the facts (sdescan openness, evaluate, verify) derives the
// same level, and a level written into a facts file is never read.
//
// It imports only package checks, so that the reports and the assessment can call it.
package rap

import (
	"github.com/sdescan/sdescan/checks"
)

// Levels, lowest first.
const (
	None     = "none"
	Baseline = "baseline"
	Silver   = "silver"
	Gold     = "gold"
)

// Levels lists the levels a repository can reach, lowest first.
var Levels = []string{Baseline, Silver, Gold}

// Resource types RAP levels apply to.
const (
	typeLocal  = "git.repo"
	typeGitHub = "github.repo"
)

// NotAssessedSuffix marks an item of Result.Missing whose finding or fact is absent
// or could not be judged: it is not met, and it is not known to be unmet either.
const NotAssessedSuffix = " (not assessed)"

// Outcome of one criterion on one repository.
type Outcome int

const (
	// NotAssessed: a finding it needs is an error, not applicable or absent, or a
	// fact it reads is missing. Never met.
	NotAssessed Outcome = iota
	Unmet
	Met
)

// Criterion is one item of a RAP level that the OPEN findings or the facts show.
type Criterion struct {
	Level string
	Name  string
	// Checks are the OPEN checks that must all pass on the repository.
	Checks []string
	// Fact judges the item from an attribute when no OPEN check does; ok is false
	// when the attribute is missing or not of its type.
	Fact func(a map[string]any) (met, ok bool)
	// RemoteOnly items are facts of a hosted repository (visibility); on a local
	// repository they are listed in Result.Unassessed instead.
	RemoteOnly bool
}

// Criteria follow the NHS levels of RAP (NHS England's RAP community of practice,
// https://nhsdigital.github.io/rap-community-of-practice/introduction_to_RAP/levels_of_RAP/). Baseline: an open-source
// language, version control (every repository here is), a README that explains how
// to run the code (OPEN-002), and code published openly (OPEN-010: public, or named
// in a publication exception). Silver adds tests (OPEN-004) and recorded dependency
// information. Gold adds packaging, continuous integration running the tests
// (OPEN-003 and OPEN-004), and signposted changes (OPEN-006: tags, releases or a
// changelog).
//
// "Dependency information recorded" reads dependency_files rather than OPEN-005,
// which also asks for the versions to be locked or pinned: more than silver asks.
var Criteria = []Criterion{
	{Level: Baseline, Name: "code in an open-source language", Fact: boolFact("open_source_languages")},
	{Level: Baseline, Name: "a README explaining how to run the code", Checks: []string{"OPEN-002"}},
	{Level: Baseline, Name: "code published openly (public repository or a publication exception)", Checks: []string{"OPEN-010"}, RemoteOnly: true},
	{Level: Silver, Name: "automated tests", Checks: []string{"OPEN-004"}},
	{Level: Silver, Name: "dependency information recorded", Fact: func(a map[string]any) (bool, bool) {
		switch l := a["dependency_files"].(type) {
		case []any:
			return len(l) > 0, true
		case []string:
			return len(l) > 0, true
		}
		return false, false
	}},
	{Level: Gold, Name: "packaged code (pyproject.toml, setup.py, DESCRIPTION, go.mod, package.json …)", Fact: boolFact("packaged")},
	{Level: Gold, Name: "continuous integration runs the tests", Checks: []string{"OPEN-003", "OPEN-004"}},
	{Level: Gold, Name: "changes signposted (tags, releases or a changelog)", Checks: []string{"OPEN-006"}},
}

// Unassessed are the RAP items no repository fact can show; they are listed on
// every repository so a level is never read as covering them.
var Unassessed = []string{
	"baseline: code is peer reviewed",
	"silver: minimal manual steps, documented code, standard layout, reusable functions, coding standards, logs recorded automatically",
	"gold: the pipeline runs on events or a schedule",
}

func boolFact(k string) func(a map[string]any) (bool, bool) {
	return func(a map[string]any) (bool, bool) {
		v, ok := a[k].(bool)
		return v, ok
	}
}

// Result is a repository's RAP level as far as its findings and facts show.
type Result struct {
	// Level is the highest level whose items, and every lower level's, are all met.
	Level string `json:"rap_level"`
	// Missing lists the items of the next level up that are not met; one that could
	// not be judged ends in NotAssessedSuffix. Empty at gold.
	Missing []string `json:"rap_missing"`
	// Unassessed lists what the level does not cover: the items no fact shows.
	Unassessed []string `json:"rap_unassessed"`
}

// Judge is the outcome of one criterion on a repository, given the statuses of the
// OPEN findings on it (by check ID) and its attributes.
func (c Criterion) Judge(status map[string]checks.Status, a map[string]any) Outcome {
	if c.Fact != nil {
		met, ok := c.Fact(a)
		switch {
		case !ok:
			return NotAssessed
		case !met:
			return Unmet
		}
		return Met
	}
	// A failing check decides (the item is known to be unmet); otherwise any check
	// that did not pass leaves the item not assessed.
	out := Met
	for _, id := range c.Checks {
		switch status[id] {
		case checks.Pass:
		case checks.Fail:
			return Unmet
		default: // error, not applicable, or no finding: not judged
			out = NotAssessed
		}
	}
	return out
}

// Assess rolls a git.repo or github.repo resource's findings up into its RAP level.
// findings may hold other resources' findings; only r's count. A check with more
// than one finding on r counts as passing only when every one passes, and as
// failing when any one fails.
func Assess(r checks.Resource, findings []checks.Finding) Result {
	status := map[string]checks.Status{}
	for _, f := range findings {
		if f.ResourceID == r.ID && rank(f.Status) >= rank(status[f.CheckID]) {
			status[f.CheckID] = f.Status
		}
	}
	local := r.Type != typeGitHub
	res := Result{Level: None, Missing: []string{}, Unassessed: append([]string(nil), Unassessed...)}
	if local {
		for _, c := range Criteria {
			if c.RemoteOnly {
				res.Unassessed = append(res.Unassessed, c.Level+": "+c.Name+" (not shown by a local repository; scan it on GitHub)")
			}
		}
	}
	for _, l := range Levels {
		var gaps []string
		for _, c := range Criteria {
			if c.Level != l || (local && c.RemoteOnly) {
				continue
			}
			switch c.Judge(status, r.Attributes) {
			case NotAssessed:
				gaps = append(gaps, c.Name+NotAssessedSuffix)
			case Unmet:
				gaps = append(gaps, c.Name)
			}
		}
		if len(gaps) > 0 {
			res.Missing = gaps
			return res
		}
		res.Level = l
	}
	return res
}

// rank orders the statuses of one check's findings on one resource: the worst
// wins. A pass counts only when no finding of the check says otherwise.
func rank(s checks.Status) int {
	switch s {
	case "":
		return 0
	case checks.Pass:
		return 1
	case checks.Fail:
		return 3
	}
	return 2
}
