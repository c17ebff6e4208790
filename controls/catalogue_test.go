package controls_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sdescan/sdescan/controls"
)

func TestLoadBuiltinFrameworks(t *testing.T) {
	e := builtinEngine(t)
	cat, err := controls.LoadBuiltin(engineResolver(e))
	if err != nil {
		t.Fatalf("LoadBuiltin: %v", err)
	}
	want := []struct {
		id           string
		requirements int
	}{
		{"sde-2022", 12},
		{"sde-draft-2022", 11},
		{"dspt-ndg", 10},
		{"dspt-caf", 47},
		{"five-safes", 5},
		{"cyber-essentials", 5},
		{"satre-v2", 185},
	}
	if len(cat.Frameworks) != len(want) {
		ids := make([]string, len(cat.Frameworks))
		for i, f := range cat.Frameworks {
			ids[i] = f.ID
		}
		t.Fatalf("got %d frameworks %v, want %d", len(cat.Frameworks), ids, len(want))
	}
	for i, w := range want {
		f := cat.Frameworks[i]
		if f.ID != w.id || len(f.Requirements) != w.requirements {
			t.Errorf("framework %d: got %s with %d requirements, want %s with %d", i, f.ID, len(f.Requirements), w.id, w.requirements)
		}
		if g, ok := cat.Framework(w.id); !ok || g != f {
			t.Errorf("Framework(%q) does not return the listed framework", w.id)
		}
		if f.File != "builtin/"+w.id+".yaml" {
			t.Errorf("%s: File = %q", w.id, f.File)
		}
		// Every check ID is canonical and every attestation kind known.
		for _, r := range f.Requirements {
			for _, c := range r.Checks {
				if got, ok := e.Check(c); !ok || got.ID != c {
					t.Errorf("%s requirement %s: check %s is not a canonical check ID", w.id, r.ID, c)
				}
			}
			for _, k := range r.Attestations {
				if cat.Kinds[k] == nil {
					t.Errorf("%s requirement %s: unknown attestation kind %s", w.id, r.ID, k)
				}
			}
		}
	}
	if _, ok := cat.Framework("no-such-framework"); ok {
		t.Error("Framework(no-such-framework) reported ok")
	}
	if len(cat.Kinds) == 0 {
		t.Error("no attestation kinds loaded")
	}
}

// A resolver that knows no check makes the builtin catalogue fail, naming the file.
func TestLoadBuiltinUnknownCheck(t *testing.T) {
	_, err := controls.LoadBuiltin(setResolver())
	if err == nil {
		t.Fatal("LoadBuiltin accepted a catalogue citing checks the resolver does not know")
	}
	if msg := err.Error(); !strings.HasPrefix(msg, "builtin/") || !strings.Contains(msg, "unknown check") || strings.Contains(msg, "\n") {
		t.Errorf("unexpected error: %q", msg)
	}
}

// Aliases resolve to the canonical check ID, and duplicates after resolution collapse.
func TestLoadCanonicalisesAliases(t *testing.T) {
	resolve := func(id string) (string, bool) {
		switch id {
		case "AWS-S3-001", "OLD-S3-1":
			return "AWS-S3-001", true
		case "AWS-EC2-002":
			return id, true
		}
		return "", false
	}
	cat := mustCatalogue(t, resolve, map[string]string{"ok.yaml": frameworkYAML(`
  - id: R1
    title: Encrypted
    checks: [OLD-S3-1, AWS-S3-001, AWS-EC2-002]
`)})
	fw, _ := cat.Framework("test-fw")
	if got := strings.Join(fw.Requirements[0].Checks, ","); got != "AWS-S3-001,AWS-EC2-002" {
		t.Errorf("checks = %s, want AWS-S3-001,AWS-EC2-002", got)
	}
}

// frameworkYAML is a minimal valid framework header followed by requirements.
func frameworkYAML(requirements string) string {
	return `id: test-fw
title: Test framework
version: "1"
source: https://example.invalid/fw
publisher: Test
licence: Test
vocabulary: sde
requirements:` + requirements
}

func TestLoaderRejects(t *testing.T) {
	resolve := setResolver("AWS-S3-001", "AWS-EC2-002")
	tests := []struct {
		name string
		body string
		want string // a fragment of the error
	}{
		{"unknown check", frameworkYAML(`
  - id: R1
    title: Encrypted
    checks: [AWS-S3-001, AWS-NOPE-999]
`), "requirement R1 cites unknown check AWS-NOPE-999"},
		{"duplicate requirement", frameworkYAML(`
  - id: R1
    title: One
  - id: R1
    title: Two
`), "duplicate requirement id R1"},
		{"unknown attestation kind", frameworkYAML(`
  - id: R1
    title: One
    attestations: [pentest, horoscope]
`), "unknown attestation kind horoscope"},
		{"malformed yaml", frameworkYAML(`
  - id: R1
    title: [unclosed
`), "line "},
		{"tab indentation", "id: x\n\ttitle: y\n", "tab character"},
		{"unknown key at top", frameworkYAML(`
  - id: R1
    title: One
`) + "\nowner: someone\n", "field owner not found"},
		{"unknown key in requirement", frameworkYAML(`
  - id: R1
    title: One
    severity: high
`), "field severity not found"},
		{"wrong type", frameworkYAML(`
  - id: R1
    title: One
    checks: AWS-S3-001
`), "cannot unmarshal"},
		{"two documents", frameworkYAML(`
  - id: R1
    title: One
`) + "\n---\nid: again\n", "more than one YAML document"},
		{"empty file", "", "empty document"},
		{"no requirements", strings.TrimSuffix(frameworkYAML(""), "requirements:"), "has no requirements"},
		{"bad vocabulary", strings.Replace(frameworkYAML("\n  - {id: R1, title: One}\n"), "vocabulary: sde", "vocabulary: iso", 1), "unknown vocabulary"},
		{"bad safe", frameworkYAML("\n  - {id: R1, title: One, safe: vault}\n"), "unknown safe"},
		{"unknown group", frameworkYAML("\n  - {id: R1, title: One, group: G9}\n"), "unknown group G9"},
		{"requirement without title", frameworkYAML("\n  - {id: R1}\n"), "requirement R1 has no title"},
		{"requirement without id", frameworkYAML("\n  - {title: One}\n"), "requirements[0] has no id"},
		{"bad framework id", strings.Replace(frameworkYAML("\n  - {id: R1, title: One}\n"), "id: test-fw", "id: Test FW", 1), "must be lower-case"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := loadCatalogue(t, resolve, map[string]string{"bad.yaml": tc.body})
			assertOneLine(t, err, "testcat/bad.yaml")
			if err != nil && !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not mention %q", err, tc.want)
			}
		})
	}
}

func TestLoaderRejectsCatalogueProblems(t *testing.T) {
	ok := frameworkYAML("\n  - {id: R1, title: One}\n")
	t.Run("duplicate framework id", func(t *testing.T) {
		_, err := loadCatalogue(t, setResolver(), map[string]string{"a.yaml": ok, "b.yaml": ok})
		assertOneLine(t, err, "testcat/b.yaml")
		if err != nil && !strings.Contains(err.Error(), "already defined in testcat/a.yaml") {
			t.Errorf("unexpected error %q", err)
		}
	})
	t.Run("bad attestation kinds", func(t *testing.T) {
		for _, body := range []string{
			"attestations: []\n",
			"attestations:\n  - {id: pentest, title: T, question: Q}\n",
			"attestations:\n  - {id: Pen Test, title: T, question: Q, max_age_days: 1}\n",
			"attestations:\n  - {id: a, title: T, question: Q, max_age_days: 1}\n  - {id: a, title: T, question: Q, max_age_days: 1}\n",
			"attestations:\n  - {id: a, title: T, question: Q, max_age_days: 1, extra: x}\n",
		} {
			_, err := controls.ParseAttestationKinds([]byte(body), "kinds.yaml")
			assertOneLine(t, err, "kinds.yaml")
		}
	})
	t.Run("no framework files", func(t *testing.T) {
		_, err := loadCatalogue(t, setResolver(), nil)
		assertOneLine(t, err, "testcat")
	})
}

// Mapping overlays and non-YAML files are not frameworks.
func TestLoaderSkipsNonFrameworkFiles(t *testing.T) {
	cat := mustCatalogue(t, setResolver(), map[string]string{
		"ok.yaml":          frameworkYAML("\n  - {id: R1, title: One}\n"),
		"ok.mapping.yaml":  "not: a framework\n",
		"README.md":        "# not yaml",
		"notes/inner.yaml": "ignored: true\n",
	})
	if len(cat.Frameworks) != 1 || cat.Frameworks[0].ID != "test-fw" {
		t.Fatalf("got %d frameworks", len(cat.Frameworks))
	}
}

// Every shipped framework file parses on its own, strictly.
func TestParseShippedFrameworks(t *testing.T) {
	files, err := filepath.Glob("frameworks/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range files {
		if strings.HasSuffix(f, ".mapping.yaml") || filepath.Base(f) == "attestations.yaml" {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := controls.ParseFramework(data, f); err != nil {
			t.Errorf("%v", err)
		}
		n++
	}
	if n != 7 {
		t.Errorf("parsed %d framework files, want 7", n)
	}
}

// A Catalogue built by hand (not by LoadFS) accepts frameworks too.
func TestCatalogueAddByHand(t *testing.T) {
	fw, err := controls.ParseFramework([]byte(frameworkYAML("\n  - {id: R1, title: One, checks: [AWS-S3-001]}\n")), "hand.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cat := &controls.Catalogue{}
	if err := cat.Add(fw, nil); err != nil {
		t.Fatalf("Add: %v", err)
	}
	if got, ok := cat.Framework("test-fw"); !ok || got != fw || len(cat.Frameworks) != 1 {
		t.Fatalf("framework not added: %v %v", got, ok)
	}
	again, _ := controls.ParseFramework([]byte(frameworkYAML("\n  - {id: R1, title: One}\n")), "again.yaml")
	assertOneLine(t, cat.Add(again, nil), "again.yaml")
}

// Ids, keys and values quoted in an error may hold line breaks; the error stays
// on one line (found by FuzzParseFramework's assertion).
func TestErrorsWithLineBreaksStayOneLine(t *testing.T) {
	frameworks := []string{
		frameworkYAML("\n  - {id: \"a\\nb\", title: x}\n  - {id: \"a\\nb\", title: x}\n"),
		frameworkYAML("\n  - {id: R1, title: x, checks: \"a\\nb\"}\n"),
		frameworkYAML("\n  - {id: R1, title: x, \"we\\r\\nird\": 1}\n"),
		frameworkYAML("\n  - {id: \"a\\nb\", title: x, checks: [\"X\\nY\"]}\n"),
	}
	for _, body := range frameworks {
		_, err := loadCatalogue(t, setResolver(), map[string]string{"nl.yaml": body})
		assertOneLine(t, err, "testcat/nl.yaml")
		if err != nil && !strings.Contains(err.Error(), `\n`) {
			t.Errorf("line break not shown escaped: %q", err)
		}
	}
	_, err := controls.ParseAttestations([]byte("attestations:\n  - {id: pentest, attested_by: abc, date: 2026-01-01, statement: Attested for the tests., details: {\"a\\nb\": [1]}}\n"), "a.yaml", nil)
	assertOneLine(t, err, "a.yaml")
	w := "  - {id: \"a\\nb\", check: AWS-S3-001, resource: '*', reason: Accepted for the tests., approver: abc, expires: 2026-01-01}\n"
	_, err = controls.ParseWaivers([]byte("waivers:\n"+w+w), "w.yaml", nil)
	assertOneLine(t, err, "w.yaml")
	_, err = controls.ParseAttestationKinds([]byte("attestations:\n  - {id: a, title: T, question: Q, max_age_days: 1, \"x\\ny\": 2}\n"), "k.yaml")
	assertOneLine(t, err, "k.yaml")
}
