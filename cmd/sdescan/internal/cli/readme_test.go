package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestREADMETellsTheTruth: the README's set-up section keeps to its two
// commands and states the versions the build and CI really use, and every page
// under docs/ is listed in the README.
func TestREADMETellsTheTruth(t *testing.T) {
	root := filepath.Join("..", "..", "..", "..")
	read := func(name string) string {
		t.Helper()
		b, err := os.ReadFile(filepath.Join(root, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	readme := read("README.md")
	_, setup, ok := strings.Cut(readme, "## Set up and run\n")
	if !ok {
		t.Fatal("README: no 'Set up and run' section")
	}
	setup, _, _ = strings.Cut(setup, "\n## ")
	goVersion := regexp.MustCompile(`(?m)^go (\S+)$`).FindStringSubmatch(read("go.mod"))
	motoVersion := regexp.MustCompile(`(?m)^MOTO_VERSION=(\S+)$`).FindStringSubmatch(read(".ci/run"))
	if goVersion == nil || motoVersion == nil {
		t.Fatalf("go.mod go line %q, .ci/run MOTO_VERSION %q", goVersion, motoVersion)
	}
	block := regexp.MustCompile("(?s)```sh\n(.*?)```").FindAllStringSubmatch(setup, -1)
	var commands []string
	for _, b := range block {
		for _, line := range strings.Split(strings.TrimSpace(b[1]), "\n") {
			cmd, _, _ := strings.Cut(line, "#")
			commands = append(commands, strings.TrimSpace(cmd))
		}
	}
	flat := strings.Join(strings.Fields(setup), " ") // line breaks anywhere
	for _, tc := range []struct {
		name string
		ok   bool
	}{
		{"exactly two set-up commands, make demo and make test", strings.Join(commands, "|") == "make demo|make test"},
		{"the Go version of go.mod (" + goVersion[1] + ")", strings.Contains(flat, "| Go | "+goVersion[1]+" ")},
		{"the moto version .ci/run installs (" + motoVersion[1] + ")", strings.Contains(flat, "**"+motoVersion[1]+"**") && strings.Contains(flat, "moto[server]=="+motoVersion[1])},
		{"the first build's cost", strings.Contains(flat, "25 minutes, 3 GiB of memory and 9 GB of disk")},
		{"why GOEXPERIMENT=jsonv2, and that make sets it", strings.Contains(flat, "Why `GOEXPERIMENT=jsonv2`") && strings.Contains(flat, "The Makefile exports `GOEXPERIMENT=jsonv2`")},
	} {
		if !tc.ok {
			t.Errorf("README set-up section: want %s (commands %q)", tc.name, commands)
		}
	}
	pages, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil || len(pages) == 0 {
		t.Fatalf("docs: %v, %d pages", err, len(pages))
	}
	for _, p := range pages {
		link := "(docs/" + filepath.Base(p) + ")"
		if !strings.Contains(readme, link) {
			t.Errorf("README does not list docs/%s", filepath.Base(p))
		}
	}
}
