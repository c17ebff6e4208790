package cli

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// docCommands returns every `sdescan iac` command line of docs/ci.md, in order,
// as written in the shell blocks, the workflow steps and the hook entry.
func docCommands(t *testing.T, file string) []string {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		i := strings.Index(line, "sdescan iac ")
		if i < 0 || strings.Contains(line, "`") {
			continue // prose mentioning the command
		}
		out = append(out, line[i:])
	}
	return out
}

// shellWords splits a command line as sh would for the simple commands of the
// docs (words, double quotes, an ">> FILE" redirection).
func shellWords(t *testing.T, line string) (args []string, appendTo string) {
	t.Helper()
	var words []string
	var cur strings.Builder
	inQuote, have := false, false
	for _, r := range line {
		switch {
		case r == '"':
			inQuote, have = !inQuote, true
		case r == ' ' && !inQuote:
			if have {
				words = append(words, cur.String())
				cur.Reset()
				have = false
			}
		default:
			cur.WriteRune(r)
			have = true
		}
	}
	if have {
		words = append(words, cur.String())
	}
	if inQuote {
		t.Fatalf("unbalanced quote in %q", line)
	}
	for i, w := range words {
		if w == ">>" && i == len(words)-2 {
			return words[1:i], os.ExpandEnv(words[i+1])
		}
	}
	return words[1:], ""
}

// TestCIDocsCommands runs every sdescan command of docs/ci.md, in order, in a copy
// of a fixture tree that passes the gate and of one that fails it: the exit codes
// are the documented ones, every report named with FORMAT=FILE is written (also
// when the gate fails), SARIF passes Microsoft's validator and JUnit parses.
func TestCIDocsCommands(t *testing.T) {
	pkg := iacRepo(t)
	root, _ := os.Getwd()
	cmds := docCommands(t, filepath.Join(root, "docs", "ci.md"))
	if len(cmds) < 6 {
		t.Fatalf("docs/ci.md: found %d sdescan iac commands, want the gate, GitHub, GitLab, pre-commit and baseline ones", len(cmds))
	}
	for _, tc := range []struct {
		name, tree string
		failing    bool
	}{
		{"passing tree", "fixtures/iac/kubernetes/good", false},
		{"failing tree", "fixtures/iac/terraform/bad", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			work := t.TempDir()
			if err := os.CopyFS(work, os.DirFS(filepath.Join(root, tc.tree))); err != nil {
				t.Fatal(err)
			}
			t.Chdir(work)
			summary := filepath.Join(t.TempDir(), "step-summary.md")
			t.Setenv("GITHUB_STEP_SUMMARY", summary)
			for _, line := range cmds {
				args, appendTo := shellWords(t, line)
				code, stdout, stderr := runIAC(t, args[1:]...)
				want := 0
				if tc.failing && contains(args, "--fail-on") && !contains(args, "--baseline") {
					want = 1
				}
				if code != want {
					t.Errorf("%s: exit %d, want %d\n%s", line, code, want, stderr)
				}
				if appendTo != "" {
					fh, err := os.OpenFile(appendTo, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
					if err != nil {
						t.Fatal(err)
					}
					fh.WriteString(stdout)
					fh.Close()
				}
				for i, a := range args {
					if (a != "--output" && a != "--report") || i+1 == len(args) {
						continue
					}
					format, file, ok := strings.Cut(args[i+1], "=")
					if !ok {
						format, file = "", args[i+1]
					}
					checkReport(t, pkg, line, format, file)
				}
			}
			t.Logf("ran %d documented commands", len(cmds))
			if data, err := os.ReadFile(summary); err != nil || !bytes.Contains(data, []byte("|")) {
				t.Errorf("the GitHub step summary got no Markdown table (%v)", err)
			}
		})
	}
}

// checkReport checks a report file a documented command wrote.
func checkReport(t *testing.T, pkg, line, format, file string) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil || len(data) == 0 {
		t.Errorf("%s: %s not written (%v)", line, file, err)
		return
	}
	switch {
	case format == "sarif":
		validateSARIF(t, pkg, file)
	case format == "junit":
		var suites struct {
			XMLName xml.Name
			Suites  []struct {
				Tests int `xml:"tests,attr"`
			} `xml:"testsuite"`
		}
		if err := xml.Unmarshal(data, &suites); err != nil || suites.XMLName.Local != "testsuites" || len(suites.Suites) == 0 {
			t.Errorf("%s: %s is not JUnit XML (%v)", line, file, err)
		}
	case strings.HasSuffix(file, ".json"):
		if !bytes.HasPrefix(bytes.TrimSpace(data), []byte("{")) {
			t.Errorf("%s: %s is not JSON", line, file)
		}
	}
}
