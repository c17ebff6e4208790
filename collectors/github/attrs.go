package github

import (
	"path"
	"sort"
	"strings"

	"github.com/sdescan/sdescan/checks/evidence"
)

// red passes a string taken from a repository through evidence.Redact, so a path or
// a URL that happens to hold a credential is never stored as it is.
func red(s string) string { return string(evidence.Redact([]byte(s))) }

func redList(list []string) []string {
	out := make([]string, 0, len(list))
	for _, s := range list {
		out = append(out, red(s))
	}
	return out
}

// maxNotebooks bounds how many notebooks of one repository are read for outputs.
const maxNotebooks = 200

// treeAttributes are the attributes the file list alone decides.
func treeAttributes(t treeFacts) map[string]any {
	a := map[string]any{
		"ci_systems":       nonNil(t.ciSystems),
		"ci_files":         redList(t.ciFiles),
		"test_files":       t.testFiles,
		"test_paths":       redList(capList(t.testPaths, 10)),
		"dependency_files": redList(t.depFiles),
		"lock_files":       redList(t.lockFiles),
		"changelog_file":   red(t.changelogFile),
		"data_files":       redList(capList(t.dataFiles, maxListed)),
		"data_file_count":  len(t.dataFiles),
		"notebook_count":   len(t.notebooks),
		"packaged":         t.packaged,
		"licence_file":     "",
		"readme_file":      "",
	}
	langs := map[string]any{}
	for l, n := range t.languages {
		langs[l] = n
	}
	a["languages"] = langs
	a["primary_language"] = primaryLanguage(t.languages)
	open, prop := openLanguages(t.languages)
	a["open_source_languages"] = open
	a["proprietary_languages"] = nonNil(prop)
	if len(t.licenceFiles) > 0 {
		a["licence_file"] = red(t.licenceFiles[0])
	}
	if len(t.readmeFiles) > 0 {
		a["readme_file"] = red(t.readmeFiles[0])
	}
	return a
}

func nonNil(list []string) []string {
	if list == nil {
		return []string{}
	}
	return list
}

func capList(list []string, n int) []string {
	if len(list) > n {
		return list[:n]
	}
	return list
}

// reader returns a file's content at the head of the default branch. ok is false
// when it could not be read (the caller leaves the attribute that needed it out).
type reader func(p string) (data []byte, ok bool)

// contentAttributes adds what needs file content: the licence (unless known from
// elsewhere), the README verdict, pinning and notebook outputs.
func contentAttributes(a map[string]any, t treeFacts, read reader, licenceKnown bool) {
	if !licenceKnown && len(t.licenceFiles) > 0 {
		if data, ok := read(t.licenceFiles[0]); ok {
			id := detectLicence(data)
			a["licence_spdx"] = id
			a["licence_osi_approved"] = OSIApproved(id)
		}
	}
	if len(t.readmeFiles) > 0 {
		if data, ok := read(t.readmeFiles[0]); ok {
			r := analyzeReadme(data)
			a["readme_words"] = r.words
			a["readme_has_usage_section"] = r.usageHeading
			a["readme_has_run_command"] = r.runCommand
			a["readme_explains_usage"] = r.explainsUsage()
		}
	}
	if pinned, ok := dependenciesPinned(t, read); ok {
		a["dependencies_pinned"] = pinned
	}
	if len(t.notebooks) > 0 && len(t.notebooks) <= maxNotebooks {
		var with []string
		complete := true
		for _, nb := range t.notebooks {
			data, ok := read(nb)
			if !ok {
				complete = false
				break
			}
			if has, parsed := notebookHasOutputs(data); has || !parsed {
				// An unparseable notebook is reported too: it cannot be shown clean.
				with = append(with, nb)
			}
		}
		if complete {
			a["notebooks_with_outputs"] = redList(capList(nonNil(with), maxListed))
		}
	} else if len(t.notebooks) == 0 {
		a["notebooks_with_outputs"] = []string{}
	}
}

// dependenciesPinned: a lock file pins; go.mod pins by itself (it records exact
// module versions); otherwise every requirements*.txt / environment.yml must pin
// every entry. Declarations without any of these (DESCRIPTION without renv.lock,
// pyproject.toml without a lock) are not pinned. ok is false when a file that
// decides it could not be read.
func dependenciesPinned(t treeFacts, read reader) (pinned, ok bool) {
	if len(t.lockFiles) > 0 {
		return true, true
	}
	for _, d := range t.depFiles {
		if strings.EqualFold(path.Base(d), "go.mod") {
			return true, true
		}
	}
	if len(t.pinCandidates) == 0 {
		return false, true
	}
	for _, p := range t.pinCandidates {
		data, ok := read(p)
		if !ok {
			return false, false
		}
		lower := strings.ToLower(path.Base(p))
		var good bool
		if strings.HasPrefix(lower, "environment.") {
			good = condaPinned(data)
		} else {
			good = requirementsPinned(data)
		}
		if !good {
			return false, true
		}
	}
	return true, true
}

// secretFinding is one committed credential: where, never what.
type secretFinding struct {
	Rule   string `json:"rule"`
	File   string `json:"file"`
	Commit string `json:"commit"`
	InHead bool   `json:"in_head"`
}

func secretsAttribute(list []secretFinding) []any {
	sort.Slice(list, func(i, j int) bool {
		if list[i].File != list[j].File {
			return list[i].File < list[j].File
		}
		if list[i].Rule != list[j].Rule {
			return list[i].Rule < list[j].Rule
		}
		return list[i].Commit < list[j].Commit
	})
	out := make([]any, 0, len(list))
	for _, s := range list {
		out = append(out, map[string]any{"rule": s.Rule, "file": red(s.File), "commit": s.Commit, "in_head": s.InHead})
	}
	return out
}
