package main

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// controlsDoc is the committed document, relative to this package.
const controlsDoc = "../../../docs/controls.md"

// TestControlsDocUpToDate fails when docs/controls.md differs from what the
// generator writes now.
func TestControlsDocUpToDate(t *testing.T) {
	var got bytes.Buffer
	if err := generate(&got); err != nil {
		t.Fatalf("generate: %v", err)
	}
	want, err := os.ReadFile(controlsDoc)
	if err != nil {
		t.Fatalf("docs/controls.md is stale: run make docs (%v)", err)
	}
	if !bytes.Equal(got.Bytes(), want) {
		t.Fatalf("docs/controls.md is stale: run make docs (first difference at line %d)", firstDiffLine(got.Bytes(), want))
	}
}

func TestGenerateDeterministic(t *testing.T) {
	var a, b bytes.Buffer
	if err := generate(&a); err != nil {
		t.Fatal(err)
	}
	if err := generate(&b); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("generator output is not deterministic")
	}
}

// The document carries what an assessor looks for.
func TestGenerateContent(t *testing.T) {
	var b bytes.Buffer
	if err := generate(&b); err != nil {
		t.Fatal(err)
	}
	doc := b.String()
	for _, want := range []string{
		"DO NOT EDIT", "make docs",
		"## sde-2022: ", "## sde-draft-2022: ", "## dspt-ndg: ", "## dspt-caf: ", "## five-safes: ", "## cyber-essentials: ", "## satre-v2: ",
		"| Licence | Open Government Licence v3.0 |",
		"| Attribution | SATRE, UK TRE Community",
		"| ID | Title | Safe | Checks | Attestations |",
		"| ID | Title | Importance | Group | Checks | Attestations |",
		"| `AWS-S3-001` | high | ",
		"| `pentest` | Independent penetration test | 365 | ",
	} {
		if !strings.Contains(doc, want) {
			t.Errorf("generated document lacks %q", want)
		}
	}
	// Every table row has as many cells as its header.
	var cols int
	for i, line := range strings.Split(doc, "\n") {
		if !strings.HasPrefix(line, "|") {
			cols = 0
			continue
		}
		n := strings.Count(strings.ReplaceAll(line, `\|`, ""), "|")
		if cols == 0 {
			cols = n
		} else if n != cols {
			t.Errorf("line %d has %d cell separators, its table %d: %s", i+1, n, cols, line)
		}
	}
}

func firstDiffLine(a, b []byte) int {
	la, lb := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := 0; i < len(la) && i < len(lb); i++ {
		if la[i] != lb[i] {
			return i + 1
		}
	}
	return min(len(la), len(lb)) + 1
}
