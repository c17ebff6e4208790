package cli

import (
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/mattn/go-runewidth"
)

// TestTableOutputFits renders every table-format command at 80 and 100
// columns (COLUMNS; the output is no terminal) and holds each line to the
// width: tables and the prose around them alike. The only line allowed to be
// wider is one holding a single token longer than the width. --wide lifts the
// limit.
func TestTableOutputFits(t *testing.T) {
	repo := filepath.Join("..", "..", "..", "..")
	demoFacts := filepath.Join(repo, "fixtures", "demo", "facts.json")
	img := imageFixtures(t)
	dir := t.TempDir()
	older, newer := filepath.Join(dir, "older.json"), filepath.Join(dir, "newer.json")
	for file, asOf := range map[string]string{older: "2026-11-20", newer: "2027-06-15"} {
		if r := runCLI(t, "evaluate", demoFacts, "--as-of", asOf, "--format", "json", "--output", file); r.code != 0 {
			t.Fatalf("evaluate --as-of %s: exit %d: %s", asOf, r.code, r.stderr)
		}
	}
	commands := [][]string{
		{"scan", "--demo"},
		{"evaluate", demoFacts},
		{"controls", "list"},
		{"controls", "show", "sde-2022"},
		{"controls", "show", "satre-v2"},
		{"controls", "attestations"},
		{"backup", "--demo"},
		{"iac", filepath.Join(repo, "fixtures", "iac")},
		{"image", "--as-of", "2026-11-25", "--db", img["db"], img["current"], img["eol"], img["secret"]},
		{"openness", repo},
		{"diff", older, newer},
	}
	for _, width := range []int{80, 100} {
		t.Setenv("COLUMNS", strconv.Itoa(width))
		for _, args := range commands {
			t.Run(strconv.Itoa(width)+"/"+args[0]+"_"+args[len(args)-1], func(t *testing.T) {
				r := runCLI(t, args...)
				if r.code > 1 {
					t.Fatalf("exit %d: %s", r.code, r.stderr)
				}
				for i, line := range strings.Split(r.stdout, "\n") {
					if w := runewidth.StringWidth(line); w > width && !oneToken(line) {
						t.Errorf("line %d is %d columns wide:\n%s", i+1, w, line)
					}
				}
			})
		}
	}
	// --wide: the demo scan's widest line is past 100 columns.
	t.Setenv("COLUMNS", "80")
	r := runCLI(t, "--wide", "scan", "--demo")
	widest := 0
	for _, line := range strings.Split(r.stdout, "\n") {
		widest = max(widest, runewidth.StringWidth(line))
	}
	if widest <= 100 {
		t.Errorf("--wide: widest line %d columns, want the full width", widest)
	}
}

// oneToken reports whether a line, without table borders and indentation,
// is a single word.
func oneToken(line string) bool {
	return len(strings.Fields(strings.Trim(line, "│ -"))) == 1
}
