package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/sdescan/sdescan/checks/engine"
	"github.com/sdescan/sdescan/collectors"
)

const (
	frameworksDir = "../../frameworks"
	regenCommand  = "go run ./controls/internal/satregen -spec controls/frameworks/reference/satre-specification-v2.yaml -mapping controls/frameworks/satre-v2.mapping.yaml -out controls/frameworks/satre-v2.yaml"
)

// TestGeneratedSATREUpToDate regenerates satre-v2.yaml into a temporary file and
// fails if it differs from the checked-in copy. The specification is in the
// repository (controls/frameworks/reference, CC-BY-4.0).
func TestGeneratedSATREUpToDate(t *testing.T) {
	specPath := findSpec(t)
	mapping := filepath.Join(frameworksDir, "satre-v2.mapping.yaml")
	got, err := generateFiles(specPath, mapping)
	if err != nil {
		t.Fatalf("generate: %v", err)
	}
	tmp := filepath.Join(t.TempDir(), "satre-v2.yaml")
	if err := os.WriteFile(tmp, got, 0o644); err != nil {
		t.Fatal(err)
	}
	regen, err := os.ReadFile(tmp)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(filepath.Join(frameworksDir, "satre-v2.yaml"))
	if err != nil {
		t.Fatalf("read checked-in satre-v2.yaml: %v\nregenerate with (from the repository root):\n  %s", err, regenCommand)
	}
	if !bytes.Equal(regen, want) {
		t.Fatalf("controls/frameworks/satre-v2.yaml is stale (first difference at line %d); regenerate with (from the repository root):\n  %s",
			firstDiffLine(regen, want), regenCommand)
	}
	// Determinism: a second run gives the same bytes.
	again, err := generateFiles(specPath, mapping)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again, got) {
		t.Fatal("generator output is not deterministic")
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

func TestMappingRejectsUnknownStatement(t *testing.T) {
	spec := specFile{Specification: []specStatement{{
		Pillar: "P", Capability: "C", CapabilityIndex: "1.1", RequirementIndex: "1.1.01",
		Statement: "s", Importance: "Mandatory",
	}}}
	m := mappingFile{
		Framework:  mappingMeta{ID: "x", Title: "x", Version: "1", Source: "s", Licence: "l"},
		Statements: map[string]statementMapping{"9.9.99": {Checks: []string{"AWS-S3-001"}}},
	}
	if _, err := build(spec, m); err == nil {
		t.Fatal("expected an error for a mapping entry that is not in the spec")
	}
}

// shippedChecks are the IDs of the checks sdescan ships (every collector's
// policy folder): the IDs frameworks may cite.
func shippedChecks(t *testing.T) []string {
	t.Helper()
	e, err := engine.New(collectors.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, c := range e.Checks() {
		ids = append(ids, c.ID)
	}
	return ids
}

type attestationFile struct {
	Attestations []struct {
		ID         string `yaml:"id"`
		Title      string `yaml:"title"`
		Question   string `yaml:"question"`
		MaxAgeDays *int   `yaml:"max_age_days"`
	} `yaml:"attestations"`
}

// TestFrameworkFiles is a sanity check of every framework file until the real
// loader exists: strict parsing, counts, unique IDs, known checks and attestations.
func TestFrameworkFiles(t *testing.T) {
	shipped := shippedChecks(t)
	knownCheck := map[string]bool{}
	for _, c := range shipped {
		knownCheck[c] = true
	}

	var att attestationFile
	decodeFile(t, filepath.Join(frameworksDir, "attestations.yaml"), &att)
	knownAtt := map[string]bool{}
	idRE := regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	for _, a := range att.Attestations {
		if !idRE.MatchString(a.ID) || a.Title == "" || a.Question == "" || a.MaxAgeDays == nil || *a.MaxAgeDays < 0 {
			t.Errorf("attestations.yaml: incomplete or malformed kind %+v", a)
		}
		if knownAtt[a.ID] {
			t.Errorf("attestations.yaml: duplicate id %s", a.ID)
		}
		knownAtt[a.ID] = true
	}
	if len(knownAtt) == 0 {
		t.Fatal("attestations.yaml: no attestation kinds")
	}

	want := map[string]struct {
		file       string
		count      int
		vocabulary string
	}{
		"sde-2022":         {"sde-2022.yaml", 12, "sde"},
		"sde-draft-2022":   {"sde-draft-2022.yaml", 11, "sde"},
		"dspt-ndg":         {"dspt-ndg.yaml", 10, "dspt"},
		"dspt-caf":         {"dspt-caf.yaml", 47, "caf"},
		"five-safes":       {"five-safes.yaml", 5, "five-safes"},
		"cyber-essentials": {"cyber-essentials.yaml", 5, "cyber-essentials"},
		"satre-v2":         {"satre-v2.yaml", 185, "satre"},
	}

	// Every framework YAML in the directory must be one we expect.
	entries, err := os.ReadDir(frameworksDir)
	if err != nil {
		t.Fatal(err)
	}
	byFile := map[string]string{}
	for id, w := range want {
		byFile[w.file] = id
	}
	for _, e := range entries {
		n := e.Name()
		if !strings.HasSuffix(n, ".yaml") || n == "attestations.yaml" || strings.HasSuffix(n, ".mapping.yaml") {
			continue
		}
		if _, ok := byFile[n]; !ok {
			t.Errorf("unexpected framework file %s", n)
		}
	}

	frameworks := map[string]Framework{}
	cited := map[string]map[string]bool{} // framework id -> checks cited
	citedAtt := map[string]bool{}
	safes := map[string]bool{"people": true, "projects": true, "settings": true, "data": true, "outputs": true}
	importances := map[string]bool{"Mandatory": true, "Mandatory*": true, "Recommended": true, "Optional": true}

	for id, w := range want {
		var fw Framework
		decodeFile(t, filepath.Join(frameworksDir, w.file), &fw)
		frameworks[id] = fw
		cited[id] = map[string]bool{}
		if fw.ID != id {
			t.Errorf("%s: id %q, want %q", w.file, fw.ID, id)
		}
		if fw.Title == "" || fw.Version == "" || fw.Source == "" || fw.Publisher == "" || fw.Licence == "" {
			t.Errorf("%s: title, version, source, publisher and licence are required", w.file)
		}
		if !strings.HasPrefix(fw.Source, "https://") {
			t.Errorf("%s: source %q is not an https URL", w.file, fw.Source)
		}
		if fw.Vocabulary != w.vocabulary {
			t.Errorf("%s: vocabulary %q, want %q", w.file, fw.Vocabulary, w.vocabulary)
		}
		if len(fw.Requirements) != w.count {
			t.Errorf("%s: %d requirements, want %d", w.file, len(fw.Requirements), w.count)
		}

		groups := map[string]bool{}
		for _, g := range fw.Groups {
			if g.ID == "" || g.Title == "" {
				t.Errorf("%s: group without id or title: %+v", w.file, g)
			}
			if groups[g.ID] {
				t.Errorf("%s: duplicate group %s", w.file, g.ID)
			}
			if g.Parent != "" && !groups[g.Parent] {
				t.Errorf("%s: group %s has parent %s that is not defined before it", w.file, g.ID, g.Parent)
			}
			groups[g.ID] = true
		}

		seen := map[string]bool{}
		for _, r := range fw.Requirements {
			where := w.file + ": " + r.ID
			if r.ID == "" || r.Title == "" {
				t.Errorf("%s: requirement without id or title", w.file)
			}
			if seen[r.ID] {
				t.Errorf("%s: duplicate requirement id", where)
			}
			seen[r.ID] = true
			if id != "satre-v2" && r.Description == "" {
				t.Errorf("%s: no description", where)
			}
			if r.Group != "" && !groups[r.Group] {
				t.Errorf("%s: unknown group %q", where, r.Group)
			}
			switch id {
			case "sde-2022", "five-safes":
				if !safes[r.Safe] {
					t.Errorf("%s: safe %q", where, r.Safe)
				}
			default:
				if r.Safe != "" {
					t.Errorf("%s: safe is only for sde-2022 and five-safes", where)
				}
			}
			if id == "satre-v2" {
				if !importances[r.Importance] {
					t.Errorf("%s: importance %q", where, r.Importance)
				}
			} else if r.Importance != "" {
				t.Errorf("%s: importance is only for satre", where)
			}
			if id == "sde-draft-2022" {
				if len(r.Final) == 0 {
					t.Errorf("%s: draft without final", where)
				}
			} else if len(r.Final) > 0 {
				t.Errorf("%s: final is only for sde-draft-2022", where)
			}
			dup := map[string]bool{}
			for _, c := range r.Checks {
				if !knownCheck[c] {
					t.Errorf("%s: unknown check %q", where, c)
				}
				if dup[c] {
					t.Errorf("%s: check %s cited twice", where, c)
				}
				dup[c] = true
				cited[id][c] = true
			}
			dup = map[string]bool{}
			for _, a := range r.Attestations {
				if !knownAtt[a] {
					t.Errorf("%s: unknown attestation %q", where, a)
				}
				if dup[a] {
					t.Errorf("%s: attestation %s cited twice", where, a)
				}
				dup[a] = true
				citedAtt[a] = true
			}
		}
	}

	// Drafts point at real final guidelines, and every final except 11 has a draft.
	finals := map[string]bool{}
	for _, r := range frameworks["sde-2022"].Requirements {
		finals[r.ID] = true
	}
	covered := map[string]bool{}
	for _, r := range frameworks["sde-draft-2022"].Requirements {
		for _, f := range r.Final {
			if !finals[f] {
				t.Errorf("sde-draft-2022.yaml: %s: final %q is not an sde-2022 guideline", r.ID, f)
			}
			covered[f] = true
		}
	}
	for f := range finals {
		if !covered[f] && f != "11" {
			t.Errorf("sde-draft-2022.yaml: final guideline %s has no draft", f)
		}
	}
	if covered["11"] {
		t.Error("sde-draft-2022.yaml: final guideline 11 is new and has no draft")
	}

	// Every AWS check is evidence somewhere in sde-2022 and in DSPT.
	for _, c := range shipped {
		if !strings.HasPrefix(c, "AWS-") {
			continue
		}
		if !cited["sde-2022"][c] {
			t.Errorf("check %s is not mapped in sde-2022", c)
		}
		if !cited["dspt-ndg"][c] && !cited["dspt-caf"][c] {
			t.Errorf("check %s is not mapped in dspt-ndg or dspt-caf", c)
		}
	}
	for a := range knownAtt {
		if !citedAtt[a] {
			t.Errorf("attestation kind %s is defined but cited by no requirement", a)
		}
	}
}

func decodeFile(t *testing.T, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// findSpec is the SATRE specification shipped in the repository.
func findSpec(t *testing.T) string {
	t.Helper()
	p := filepath.Join(frameworksDir, "reference", "satre-specification-v2.yaml")
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("SATRE specification: %v", err)
	}
	return p
}
