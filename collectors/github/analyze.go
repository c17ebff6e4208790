package github

import (
	"bufio"
	"bytes"
	"encoding/json"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/google/licensecheck"
)

// maxListed bounds every list of paths kept in an attribute; counts stay exact.
const maxListed = 50

// treeFacts is what the list of files at the head of the default branch says,
// before any file content is read.
type treeFacts struct {
	licenceFiles   []string
	readmeFiles    []string
	ciSystems      []string
	ciFiles        []string
	testFiles      int
	testPaths      []string
	depFiles       []string
	lockFiles      []string
	pinCandidates  []string // requirements*.txt and environment.yml: pinned only if every entry is
	changelogFile  string
	dataFiles      []string
	notebooks      []string
	languages      map[string]int
	packaged       bool
	packagingFiles []string
}

// licenceName matches LICENSE, LICENCE, COPYING, with or without extension, any
// case, and their common suffixed forms (LICENSE-MIT, LICENCE.md, license.txt).
var licenceName = regexp.MustCompile(`(?i)^(licen[cs]e|copying|unlicen[cs]e)([.-][a-z0-9._-]*)?$`)

var readmeName = regexp.MustCompile(`(?i)^readme(\.(md|markdown|rst|txt|adoc|org|rmd))?$`)

var changelogName = regexp.MustCompile(`(?i)^(changelog|changes|news|history|releases)(\.(md|markdown|rst|txt|adoc|org))?$`)

// dataExtensions are file types that hold data or session state, never code.
var dataExtensions = map[string]bool{
	".csv": true, ".tsv": true, ".xlsx": true, ".xls": true, ".parquet": true, ".feather": true,
	".sav": true, ".dta": true, ".sas7bdat": true, ".rds": true, ".rdata": true, ".rda": true,
	".rhistory": true, ".sqlite": true, ".sqlite3": true, ".db": true, ".h5": true, ".hdf5": true,
	".pkl": true, ".pickle": true,
}

// languageByExt maps a file extension to the language it is counted as. Only
// languages are listed, not markup or data.
var languageByExt = map[string]string{
	".py": "Python", ".ipynb": "Jupyter Notebook", ".r": "R", ".rmd": "R Markdown", ".qmd": "Quarto",
	".go": "Go", ".js": "JavaScript", ".mjs": "JavaScript", ".ts": "TypeScript", ".jl": "Julia",
	".sql": "SQL", ".sh": "Shell", ".bash": "Shell", ".ps1": "PowerShell", ".java": "Java",
	".scala": "Scala", ".kt": "Kotlin", ".cs": "C#", ".c": "C", ".h": "C", ".cpp": "C++",
	".rs": "Rust", ".rb": "Ruby", ".php": "PHP", ".m": "MATLAB", ".sas": "SAS", ".sps": "SPSS",
	".do": "Stata", ".ado": "Stata", ".tf": "HCL", ".hcl": "HCL", ".vb": "Visual Basic",
	".bas": "Visual Basic", ".vba": "Visual Basic", ".swift": "Swift", ".pl": "Perl", ".lua": "Lua",
}

// proprietaryLanguages cannot be run without a licence from one vendor; RAP's
// baseline asks for an open-source language.
var proprietaryLanguages = map[string]bool{"SAS": true, "SPSS": true, "Stata": true, "MATLAB": true, "Visual Basic": true}

// dependency declarations and lock files, by base name (lower-cased).
var (
	depDeclarations = map[string]bool{
		"requirements.txt": true, "pyproject.toml": true, "setup.py": true, "setup.cfg": true, "pipfile": true,
		"environment.yml": true, "environment.yaml": true, "description": true, "go.mod": true,
		"package.json": true, "cargo.toml": true, "gemfile": true, "project.toml": true, "pom.xml": true,
		"build.gradle": true, "conda.yml": true, "conda.yaml": true,
	}
	lockFileNames = map[string]bool{
		"poetry.lock": true, "pipfile.lock": true, "renv.lock": true, "go.sum": true, "package-lock.json": true,
		"yarn.lock": true, "pnpm-lock.yaml": true, "uv.lock": true, "cargo.lock": true, "conda-lock.yml": true,
		"manifest.toml": true, "gemfile.lock": true, "pdm.lock": true, "requirements.lock": true,
	}
	packagingNames = map[string]bool{
		"pyproject.toml": true, "setup.py": true, "description": true, "go.mod": true, "package.json": true,
		"cargo.toml": true, "project.toml": true, "pom.xml": true, "build.gradle": true,
	}
	testConfigNames = map[string]bool{
		"pytest.ini": true, "conftest.py": true, "tox.ini": true, "noxfile.py": true, "jest.config.js": true,
		"karma.conf.js": true, "phpunit.xml": true,
	}
)

var requirementsName = regexp.MustCompile(`(?i)^requirements[-_a-z0-9]*\.txt$`)

// analyzeTree classifies every path of a tree (slash-separated, relative to the
// repository root).
func analyzeTree(paths []string) treeFacts {
	t := treeFacts{languages: map[string]int{}}
	ci := map[string]bool{}
	for _, p := range paths {
		base := path.Base(p)
		lower := strings.ToLower(base)
		dir := path.Dir(p)
		ext := strings.ToLower(path.Ext(base))
		if lower == ".rhistory" || lower == ".rdata" {
			ext = lower
		}
		atRoot := dir == "."
		switch {
		case atRoot && licenceName.MatchString(base):
			t.licenceFiles = append(t.licenceFiles, p)
		case atRoot && readmeName.MatchString(base), dir == "docs" && readmeName.MatchString(base):
			t.readmeFiles = append(t.readmeFiles, p)
		case atRoot && changelogName.MatchString(base) && t.changelogFile == "":
			t.changelogFile = p
		}
		if sys := ciSystem(p); sys != "" {
			ci[sys] = true
			t.ciFiles = appendCapped(t.ciFiles, p)
		}
		if isTestPath(p) {
			t.testFiles++
			t.testPaths = appendCapped(t.testPaths, p)
		}
		if depDeclarations[lower] || requirementsName.MatchString(base) {
			t.depFiles = appendCapped(t.depFiles, p)
			if requirementsName.MatchString(base) || lower == "environment.yml" || lower == "environment.yaml" {
				t.pinCandidates = append(t.pinCandidates, p)
			}
		}
		if lockFileNames[lower] {
			t.lockFiles = appendCapped(t.lockFiles, p)
		}
		if atRoot && packagingNames[lower] {
			t.packaged = true
			t.packagingFiles = append(t.packagingFiles, p)
		}
		if dataExtensions[ext] {
			t.dataFiles = append(t.dataFiles, p)
		}
		if ext == ".ipynb" {
			t.notebooks = append(t.notebooks, p)
		}
		if lang, ok := languageByExt[ext]; ok && !isVendored(p) {
			t.languages[lang]++
		}
	}
	for s := range ci {
		t.ciSystems = append(t.ciSystems, s)
	}
	sort.Strings(t.ciSystems)
	sort.Strings(t.licenceFiles)
	sort.Strings(t.readmeFiles)
	// The root README is the one that counts; docs/README only when there is none.
	sort.SliceStable(t.readmeFiles, func(i, j int) bool {
		return path.Dir(t.readmeFiles[i]) == "." && path.Dir(t.readmeFiles[j]) != "."
	})
	return t
}

func appendCapped(list []string, s string) []string {
	if len(list) >= maxListed {
		return list
	}
	return append(list, s)
}

func isVendored(p string) bool {
	for _, d := range []string{"vendor/", "node_modules/", "renv/library/", ".venv/", "venv/", "site-packages/"} {
		if strings.HasPrefix(p, d) || strings.Contains(p, "/"+d) {
			return true
		}
	}
	return false
}

// ciSystem names the CI system a path configures, or "".
func ciSystem(p string) string {
	lower := strings.ToLower(p)
	switch {
	case strings.HasPrefix(lower, ".github/workflows/") && (strings.HasSuffix(lower, ".yml") || strings.HasSuffix(lower, ".yaml")) && path.Dir(lower) == ".github/workflows":
		return "github-actions"
	case lower == ".gitlab-ci.yml" || lower == ".gitlab-ci.yaml":
		return "gitlab-ci"
	case lower == "azure-pipelines.yml" || lower == "azure-pipelines.yaml" || strings.HasPrefix(lower, ".azure-pipelines/"):
		return "azure-pipelines"
	case lower == "jenkinsfile" || (path.Dir(lower) == "." && strings.HasPrefix(lower, "jenkinsfile.")):
		return "jenkins"
	case lower == ".pre-commit-config.yaml" || lower == ".pre-commit-config.yml":
		return "pre-commit"
	case strings.HasPrefix(lower, ".circleci/") && (strings.HasSuffix(lower, ".yml") || strings.HasSuffix(lower, ".yaml")):
		return "circleci"
	case lower == ".travis.yml":
		return "travis"
	case lower == "bitbucket-pipelines.yml":
		return "bitbucket-pipelines"
	}
	return ""
}

var (
	testFilePattern = regexp.MustCompile(`(?i)(^test_.*\.py$|_test\.py$|_test\.go$|\.(test|spec)\.(js|jsx|ts|tsx|mjs|cjs)$|^test[-_].*\.r$|Test\.java$|Tests?\.cs$|_spec\.rb$|_test\.rb$|\.test\.jl$|^runtests\.jl$)`)
)

// isTestPath applies language conventions: files under tests/, test/, spec/,
// __tests__/ or tests/testthat, and test file names such as *_test.go,
// test_*.py, *_test.py, *.test.js, *.spec.ts and test-*.R, plus pytest and
// friends' configuration files.
func isTestPath(p string) bool {
	base := path.Base(p)
	if testConfigNames[strings.ToLower(base)] {
		return true
	}
	if testFilePattern.MatchString(base) {
		return true
	}
	for _, seg := range strings.Split(path.Dir(p), "/") {
		switch strings.ToLower(seg) {
		case "tests", "test", "testthat", "__tests__", "spec":
			return !strings.HasPrefix(base, ".") && !strings.EqualFold(base, "readme.md")
		}
	}
	return false
}

// ---- licences -------------------------------------------------------------

// osiApproved lists the SPDX IDs (as licensecheck reports them) of licences the
// Open Source Initiative has approved, from opensource.org/licenses. Creative
// Commons, the Open Government Licence, JSON, WTFPL and "non-commercial" licences
// are not on it: they are not open-source software licences.
var osiApproved = map[string]bool{
	"0BSD": true, "AFL-3.0": true, "AGPL-3.0": true, "AGPL-3.0-only": true, "AGPL-3.0-or-later": true,
	"Apache-2.0": true, "Artistic-2.0": true, "BSD-1-Clause": true, "BSD-2-Clause": true,
	"BSD-2-Clause-Patent": true, "BSD-3-Clause": true, "BSL-1.0": true, "CDDL-1.0": true,
	"ECL-2.0": true, "EPL-1.0": true, "EPL-2.0": true, "EUPL-1.1": true, "EUPL-1.2": true,
	"GPL-2.0": true, "GPL-2.0-only": true, "GPL-2.0-or-later": true, "GPL-3.0": true,
	"GPL-3.0-only": true, "GPL-3.0-or-later": true, "ISC": true, "LGPL-2.1": true,
	"LGPL-2.1-only": true, "LGPL-2.1-or-later": true, "LGPL-3.0": true, "LGPL-3.0-only": true,
	"LGPL-3.0-or-later": true, "MIT": true, "MIT-0": true, "MPL-2.0": true, "MS-PL": true,
	"MS-RL": true, "NCSA": true, "OSL-3.0": true, "PostgreSQL": true, "Python-2.0": true,
	"UPL-1.0": true, "Unlicense": true, "Zlib": true,
}

// OSIApproved reports whether an SPDX licence ID is in sdescan's list of
// OSI-approved licences.
func OSIApproved(spdx string) bool { return osiApproved[spdx] }

// minLicenceCoverage is how much of a licence file licensecheck must recognise
// as one licence before its ID is taken.
const minLicenceCoverage = 75

// detectLicence identifies the licence in a file's text: the SPDX ID of the
// licence covering most of the text, or "" when none covers enough of it.
func detectLicence(text []byte) string {
	cov := licensecheck.Scan(text)
	if cov.Percent < minLicenceCoverage || len(cov.Match) == 0 {
		return ""
	}
	best, bestLen := "", -1
	for _, m := range cov.Match {
		if m.IsURL {
			continue
		}
		if n := m.End - m.Start; n > bestLen {
			best, bestLen = m.ID, n
		}
	}
	return best
}

// ---- README ---------------------------------------------------------------

// minReadmeWords is how many words of prose (outside headings and code) a README
// needs to say what the code does.
const minReadmeWords = 20

var (
	usageHeading = regexp.MustCompile(`(?i)^(#{1,6}\s*|=+\s*|\*\*)?.*\b(usage|install(ation|ing)?|getting started|get started|how to (run|use|reproduce)|running|quick\s?start|set ?up|reproduc(e|ing|ibility)|requirements|build(ing)?|run(ning)? the)\b`)
	rstUnderline = regexp.MustCompile(`^[=\-~^"*+#]{3,}\s*$`)
	commandLine  = regexp.MustCompile(`(?i)^\s*(\$\s+|>\s+)?(pip3?|python3?|py|rscript|r\s+-e|r\s+cmd|make|docker|podman|go\s+(run|build|test|install)|npm|npx|yarn|pnpm|conda|mamba|uv|poetry|pipenv|julia|bash|sh|\./|cargo|snakemake|nextflow|quarto|jupyter|dvc|tox|nox|pytest|devtools::|renv::|source\(|install\.packages|library\()`)
)

// readmeFacts applies sdescan's README heuristic: the README says what the code
// does (at least minReadmeWords words of prose) and how to run it (a heading
// about usage, installation, getting started, how to run or reproduce, or a
// code block or indented line holding a command such as pip, python, Rscript,
// make, docker, go run or npm).
type readmeFacts struct {
	words        int
	usageHeading bool
	runCommand   bool
}

func analyzeReadme(text []byte) readmeFacts {
	var r readmeFacts
	sc := bufio.NewScanner(bytes.NewReader(text))
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	inFence := false
	prev := ""
	for sc.Scan() {
		line := sc.Text()
		trim := strings.TrimSpace(line)
		if strings.HasPrefix(trim, "```") || strings.HasPrefix(trim, "~~~") {
			inFence = !inFence
			prev = ""
			continue
		}
		if inFence || strings.HasPrefix(line, "    ") || strings.HasPrefix(line, "\t") || strings.HasPrefix(trim, "$ ") {
			if commandLine.MatchString(trim) {
				r.runCommand = true
			}
			prev = ""
			continue
		}
		isHeading := strings.HasPrefix(trim, "#") || (rstUnderline.MatchString(trim) && prev != "")
		if isHeading {
			h := trim
			if rstUnderline.MatchString(trim) {
				h = prev
			}
			if usageHeading.MatchString(h) {
				r.usageHeading = true
			}
			if !rstUnderline.MatchString(trim) {
				prev = ""
				continue
			}
		}
		if strings.HasPrefix(trim, "`") && strings.HasSuffix(trim, "`") && commandLine.MatchString(strings.Trim(trim, "`")) {
			r.runCommand = true
		}
		if !isHeading {
			r.words += len(strings.Fields(trim))
		}
		prev = trim
	}
	return r
}

// explainsUsage is the README verdict: enough prose and a way to run the code.
func (r readmeFacts) explainsUsage() bool {
	return r.words >= minReadmeWords && (r.usageHeading || r.runCommand)
}

// ---- dependency pinning ---------------------------------------------------

var (
	reqPinned  = regexp.MustCompile(`^[A-Za-z0-9._\[\],-]+\s*===?\s*[A-Za-z0-9._+!*-]+`)
	condaEntry = regexp.MustCompile(`^\s*-\s+([A-Za-z0-9._-]+)(.*)$`)
)

// requirementsPinned reports whether every requirement in a pip requirements file
// is pinned to one version (== or ===, or --hash lines), ignoring comments,
// options (-r, -e, --index-url) and blank lines. A file with no requirement is
// not pinned.
func requirementsPinned(text []byte) bool {
	n := 0
	sc := bufio.NewScanner(bytes.NewReader(text))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if i := strings.Index(line, " #"); i >= 0 {
			line = strings.TrimSpace(line[:i])
		}
		line = strings.TrimSuffix(line, "\\")
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, "-") {
			continue
		}
		if i := strings.Index(line, ";"); i >= 0 { // environment markers
			line = strings.TrimSpace(line[:i])
		}
		n++
		if strings.Contains(line, "@") && strings.Contains(line, "://") {
			continue // a direct reference to one artefact
		}
		if !reqPinned.MatchString(line) {
			return false
		}
	}
	return n > 0
}

// condaPinned reports whether every conda dependency of an environment.yml names
// a version (name=1.2 or name==1.2, with or without a build), and every pip entry
// under it is pinned with ==.
func condaPinned(text []byte) bool {
	n := 0
	inDeps := false
	sc := bufio.NewScanner(bytes.NewReader(text))
	for sc.Scan() {
		raw := sc.Text()
		line := strings.TrimSpace(raw)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if !strings.HasPrefix(raw, " ") && !strings.HasPrefix(raw, "-") {
			inDeps = strings.HasPrefix(line, "dependencies:")
			continue
		}
		if !inDeps {
			continue
		}
		m := condaEntry.FindStringSubmatch(raw)
		if m == nil {
			continue
		}
		rest := strings.TrimSpace(m[2])
		if rest == ":" || strings.HasPrefix(rest, ":") { // "- pip:" introduces pip entries
			continue
		}
		if i := strings.Index(rest, "#"); i >= 0 {
			rest = strings.TrimSpace(rest[:i])
		}
		n++
		if !strings.HasPrefix(rest, "=") && !strings.HasPrefix(rest, "==") {
			return false
		}
	}
	return n > 0
}

// ---- notebooks ------------------------------------------------------------

// notebookHasOutputs reports whether a Jupyter notebook stores any cell output.
// ok is false when the file is not a notebook that can be parsed.
func notebookHasOutputs(data []byte) (has, ok bool) {
	var nb struct {
		Cells []struct {
			Outputs []json.RawMessage `json:"outputs"`
		} `json:"cells"`
	}
	if err := json.Unmarshal(data, &nb); err != nil {
		return false, false
	}
	for _, c := range nb.Cells {
		if len(c.Outputs) > 0 {
			return true, true
		}
	}
	return false, true
}

// openLanguage reports whether the languages counted are all open: the RAP
// baseline's "open-source language". Unknown (no code at all) is false.
func openLanguages(langs map[string]int) (open bool, proprietary []string) {
	code := 0
	for l, n := range langs {
		if proprietaryLanguages[l] {
			proprietary = append(proprietary, l)
		}
		code += n
	}
	sort.Strings(proprietary)
	return code > 0 && len(proprietary) == 0, proprietary
}

// primaryLanguage is the language with most files (ties: alphabetical).
func primaryLanguage(langs map[string]int) string {
	best, n := "", 0
	for l, c := range langs {
		if c > n || (c == n && l < best) {
			best, n = l, c
		}
	}
	return best
}
