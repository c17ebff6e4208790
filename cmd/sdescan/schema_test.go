package main

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// outputSchema extracts the JSON Schema published in docs/output.md: the first
// ```json block after the "## JSON Schema" heading.
func outputSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	doc, err := os.ReadFile("../../docs/output.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(doc), "\n## JSON Schema")
	if !ok {
		t.Fatal("docs/output.md has no '## JSON Schema' section")
	}
	_, rest, ok = strings.Cut(rest, "```json\n")
	if !ok {
		t.Fatal("docs/output.md: no ```json block under '## JSON Schema'")
	}
	body, _, ok := strings.Cut(rest, "\n```")
	if !ok {
		t.Fatal("docs/output.md: unterminated ```json block")
	}
	v, err := jsonschema.UnmarshalJSON(strings.NewReader(body))
	if err != nil {
		t.Fatalf("docs/output.md schema is not JSON: %v", err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("output.schema.json", v); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("output.schema.json")
	if err != nil {
		t.Fatalf("docs/output.md schema does not compile: %v", err)
	}
	return s
}

func validate(t *testing.T, s *jsonschema.Schema, out string) error {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(strings.NewReader(out))
	if err != nil {
		t.Fatalf("output is not JSON: %v", err)
	}
	return s.Validate(v)
}

// TestOutputMatchesDocumentedSchema validates real output of the built binary
// against the schema in docs/output.md, and checks the schema is strict enough to
// reject a status it does not document.
func TestOutputMatchesDocumentedSchema(t *testing.T) {
	s := outputSchema(t)
	dir := t.TempDir()
	empty := write(t, dir, "empty.json", `{"tool":{"name":"sdescan","version":"0.1.0"},"collected_at":"2026-11-20T09:00:00Z","runs":[],"resources":[]}`)
	cases := map[string][]string{
		"demo":            {"scan", "--demo", "--format", "json"},
		"demo facts only": {"evaluate", demoFacts(t), "--format", "json"},
		"empty estate":    {"evaluate", empty, "--format", "json"},
		"one framework":   {"scan", "--demo", "--format", "json", "--framework", "dspt-caf"},
		// The optional trend object (--previous), from an earlier pack.
		"with previous": {"scan", "--demo", "--format", "json", "--as-of", "2027-06-15", "--previous", "prev.zip"},
	}
	if r := run(t, dir, "scan", "--demo", "--pack", "prev.zip"); r.code != 0 {
		t.Fatalf("scan --pack: %+v", r)
	}
	for name, args := range cases {
		t.Run(name, func(t *testing.T) {
			r := run(t, dir, args...)
			// An estate with nothing in it assessed nothing: exit 3, and the
			// report is written all the same.
			want := 0
			if name == "empty estate" {
				want = 3
			}
			if r.code != want {
				t.Fatalf("exit %d, want %d: %s", r.code, want, r.stderr)
			}
			if err := validate(t, s, r.stdout); err != nil {
				t.Fatalf("output does not match docs/output.md: %v", err)
			}
			if strings.Contains(r.stdout, `"previous": {`) != (name == "with previous") {
				t.Fatalf("trend object present: %v", !(name == "with previous"))
			}
		})
	}
	t.Run("rejects an undocumented status", func(t *testing.T) {
		r := run(t, dir, "scan", "--demo", "--format", "json")
		var a map[string]any
		if err := json.Unmarshal([]byte(r.stdout), &a); err != nil {
			t.Fatal(err)
		}
		fw := a["frameworks"].([]any)[0].(map[string]any)
		fw["requirements"].([]any)[0].(map[string]any)["status"] = "mostly_met"
		var buf bytes.Buffer
		if err := json.NewEncoder(&buf).Encode(a); err != nil {
			t.Fatal(err)
		}
		if err := validate(t, s, buf.String()); err == nil {
			t.Fatal("schema accepted requirement status mostly_met")
		}
	})
}
