package github

import "fmt"

// RAP levels (NHS reproducible analytical pipelines), lowest first.
const (
	RAPNone     = "none"
	RAPBaseline = "baseline"
	RAPSilver   = "silver"
	RAPGold     = "gold"
)

// rapCriterion is one item of the NHS RAP levels that facts can show.
type rapCriterion struct {
	level string
	name  string
	// remoteOnly items are facts of a hosted repository (visibility); on a local
	// repository they are listed as unassessed instead.
	remoteOnly bool
	// met reads the attributes: ok is false when the fact is unknown.
	met func(a map[string]any) (met, ok bool)
}

// rapUnassessed are the RAP items no repository fact can show; they are listed
// on every repository (rap_unassessed) so a level is never read as covering them.
var rapUnassessed = []string{
	"baseline: code is peer reviewed",
	"silver: minimal manual steps, documented code, standard layout, reusable functions, coding standards, logs recorded automatically",
	"gold: the pipeline runs on events or a schedule",
}

func boolAttr(a map[string]any, k string) (v, ok bool) {
	v, ok = a[k].(bool)
	return
}

func intAttr(a map[string]any, k string) (int, bool) {
	switch x := a[k].(type) {
	case int:
		return x, true
	case int64:
		return int(x), true
	case float64:
		return int(x), true
	}
	return 0, false
}

func listLen(a map[string]any, k string) (int, bool) {
	switch x := a[k].(type) {
	case []string:
		return len(x), true
	case []any:
		return len(x), true
	}
	return 0, false
}

func strAttr(a map[string]any, k string) (string, bool) {
	s, ok := a[k].(string)
	return s, ok
}

// rapCriteria follow shared/reference/standards.md §5. Baseline: an open-source
// language, version control (every repository here is), a README that explains
// how to run the code, and code published openly (public, or named in a
// publication exception). Silver adds tests and recorded dependency information.
// Gold adds packaging, continuous integration, and signposted changes (tags,
// releases or a changelog).
var rapCriteria = []rapCriterion{
	{RAPBaseline, "code in an open-source language", false, func(a map[string]any) (bool, bool) {
		return boolAttr(a, "open_source_languages")
	}},
	{RAPBaseline, "a README explaining how to run the code", false, func(a map[string]any) (bool, bool) {
		if f, ok := strAttr(a, "readme_file"); ok && f == "" {
			return false, true
		}
		return boolAttr(a, "readme_explains_usage")
	}},
	{RAPBaseline, "code published openly (public repository or a publication exception)", true, func(a map[string]any) (bool, bool) {
		if e, ok := boolAttr(a, "publication_exception"); ok && e {
			return true, true
		}
		v, ok := strAttr(a, "visibility")
		if !ok {
			return false, false
		}
		return v == "public", true
	}},
	{RAPSilver, "automated tests", false, func(a map[string]any) (bool, bool) {
		n, ok := intAttr(a, "test_files")
		return n > 0, ok
	}},
	{RAPSilver, "dependency information recorded", false, func(a map[string]any) (bool, bool) {
		n, ok := listLen(a, "dependency_files")
		return n > 0, ok
	}},
	{RAPGold, "packaged code (pyproject.toml, setup.py, DESCRIPTION, go.mod, package.json …)", false, func(a map[string]any) (bool, bool) {
		return boolAttr(a, "packaged")
	}},
	{RAPGold, "continuous integration runs the tests", false, func(a map[string]any) (bool, bool) {
		n, ok := listLen(a, "ci_systems")
		t, tok := intAttr(a, "test_files")
		return n > 0 && t > 0, ok && tok
	}},
	{RAPGold, "changes signposted (tags, releases or a changelog)", false, func(a map[string]any) (bool, bool) {
		if c, ok := strAttr(a, "changelog_file"); ok && c != "" {
			return true, true
		}
		if t, ok := boolAttr(a, "has_tags"); ok && t {
			return true, true
		}
		if r, ok := boolAttr(a, "has_releases"); ok && r {
			return true, true
		}
		_, c := strAttr(a, "changelog_file")
		_, t := boolAttr(a, "has_tags")
		return false, c && t
	}},
}

var rapOrder = []string{RAPBaseline, RAPSilver, RAPGold}

// RAPLevel computes a repository's RAP level from its attributes: the highest
// level whose items, and every lower level's, are all met. An item whose fact is
// unknown counts as not met ("… (unknown)"), so the level never overstates. missing
// lists the unmet items of the next level up (empty at gold).
func RAPLevel(a map[string]any, local bool) (level string, missing []string) {
	level = RAPNone
	for _, l := range rapOrder {
		var gaps []string
		for _, c := range rapCriteria {
			if c.level != l || (local && c.remoteOnly) {
				continue
			}
			met, ok := c.met(a)
			switch {
			case !ok:
				gaps = append(gaps, fmt.Sprintf("%s (unknown)", c.name))
			case !met:
				gaps = append(gaps, c.name)
			}
		}
		if len(gaps) > 0 {
			return level, gaps
		}
		level = l
	}
	return level, []string{}
}

// setRAP stores rap_level, rap_missing and rap_unassessed on the attributes.
func setRAP(a map[string]any, local bool) {
	level, missing := RAPLevel(a, local)
	a["rap_level"] = level
	a["rap_missing"] = missing
	un := append([]string(nil), rapUnassessed...)
	if local {
		for _, c := range rapCriteria {
			if c.remoteOnly {
				un = append(un, c.level+": "+c.name+" (not shown by a local repository; scan it on GitHub)")
			}
		}
	}
	a["rap_unassessed"] = un
}
