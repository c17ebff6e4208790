package schema

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

var update = flag.Bool("update", false, "regenerate input.schema.json from facts.schema.json")

// inputID is the $id of the generated input schema.
const inputID = "https://sdescan.dev/schema/input.schema.json"

// factsOnlyDefs are the $defs of facts.schema.json that describe the file, not a
// resource's attributes; they do not belong in the input schema.
var factsOnlyDefs = map[string]bool{"version": true, "collect_error": true, "run": true, "evidence_ref": true, "resource": true}

func decode(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// resourceTypes returns the resource types facts.schema.json selects attribute
// schemas for (allOf if type == T then attributes $ref #/$defs/T), in order.
func resourceTypes(facts map[string]any) ([]string, error) {
	defs, _ := facts["$defs"].(map[string]any)
	res, _ := defs["resource"].(map[string]any)
	all, _ := res["allOf"].([]any)
	var types []string
	for i, c := range all {
		cond, _ := c.(map[string]any)
		typ, _ := dig(cond, "if", "properties", "type", "const").(string)
		ref, _ := dig(cond, "then", "properties", "attributes", "$ref").(string)
		if typ == "" || ref != "#/$defs/"+typ {
			return nil, fmt.Errorf("resource.allOf[%d]: want if type const T then attributes $ref #/$defs/T", i)
		}
		if _, ok := defs[typ]; !ok {
			return nil, fmt.Errorf("resource.allOf[%d]: no $defs/%s", i, typ)
		}
		types = append(types, typ)
	}
	return types, nil
}

func dig(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

// refs collects the $defs names a schema fragment references.
func refs(v any, out map[string]bool) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if s, ok := e.(string); ok && k == "$ref" {
				out[strings.TrimPrefix(s, "#/$defs/")] = true
			}
			refs(e, out)
		}
	case []any:
		for _, e := range x {
			refs(e, out)
		}
	}
}

// generateInput builds the input schema from the facts schema: input.resource is a
// facts resource plus "classification", and its attributes are the union (anyOf) of
// every type's closed attribute schema, which is what OPA's type checker can use.
func generateInput(factsJSON []byte) ([]byte, error) {
	var facts map[string]any
	if err := json.Unmarshal(factsJSON, &facts); err != nil {
		return nil, err
	}
	types, err := resourceTypes(facts)
	if err != nil {
		return nil, err
	}
	defs := facts["$defs"].(map[string]any)
	res := defs["resource"].(map[string]any)
	props := res["properties"].(map[string]any)

	used := map[string]bool{}
	var anyOf []any
	for _, t := range types {
		anyOf = append(anyOf, map[string]any{"$ref": "#/$defs/" + t})
		used[t] = true
	}
	for changed := true; changed; {
		changed = false
		for name := range used {
			more := map[string]bool{}
			refs(defs[name], more)
			for m := range more {
				if !used[m] {
					if factsOnlyDefs[m] {
						return nil, fmt.Errorf("$defs/%s is referenced from attributes but describes the facts file", m)
					}
					used[m] = true
					changed = true
				}
			}
		}
	}
	inDefs := map[string]any{}
	for name := range used {
		d, ok := defs[name]
		if !ok {
			return nil, fmt.Errorf("$defs/%s is referenced but not defined", name)
		}
		inDefs[name] = d
	}
	input := map[string]any{
		"$schema":              "https://json-schema.org/draft/2020-12/schema",
		"$id":                  inputID,
		"title":                "sdescan check input",
		"description":          "GENERATED from facts.schema.json by `go test ./checks/schema -update`; do not edit. What a check sees as `input`: {\"resource\": R}. Attributes are the union of every resource type's attributes (OPA's type checker cannot narrow by type).",
		"type":                 "object",
		"additionalProperties": false,
		"required":             []any{"resource"},
		"properties": map[string]any{
			"resource": map[string]any{
				"type":                 "object",
				"description":          "One resource of a type the check lists in resource_types.",
				"additionalProperties": false,
				"required":             []any{"id", "type", "source", "scope", "tags", "attributes"},
				"properties": map[string]any{
					"id":     props["id"],
					"type":   props["type"],
					"source": props["source"],
					"scope":  props["scope"],
					"tags":   props["tags"],
					"classification": map[string]any{
						"type":        "string",
						"enum":        []any{"identifiable", "pseudonymised", "anonymised", "public"},
						"description": "The configured classification tag's value (default key data-classification, matched regardless of case and separators), normalised: known spellings (pseudonymized, PII, anonymized, aggregate, ...) map to the four classes; other values pass through lower-cased. Absent when the resource has none.",
					},
					"backup_rpo_hours": map[string]any{
						"type":             "number",
						"exclusiveMinimum": 0,
						"description":      "Recovery point objective in hours from the backup-rpo-hours tag (key matched regardless of case and separators; 24, 24h, 1d, PT12H understood); absent when the resource has no such tag or its value cannot be read.",
					},
					"attributes": map[string]any{
						"description": "The resource's attributes; see $defs/<type>.",
						"anyOf":       anyOf,
					},
				},
			},
		},
		"$defs": inDefs,
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(input); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func TestInputSchemaIsGenerated(t *testing.T) {
	want, err := generateInput(Facts)
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile("input.schema.json", want, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if !bytes.Equal(want, Input) {
		t.Fatal("input.schema.json is stale: run GOEXPERIMENT=jsonv2 go test ./checks/schema -update")
	}
}

func compile(t *testing.T, url string, doc []byte) *jsonschema.Schema {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource(url, v); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(url)
	if err != nil {
		t.Fatalf("%s is not a valid JSON Schema: %v", url, err)
	}
	return s
}

func TestSchemasCompile(t *testing.T) {
	compile(t, "https://sdescan.dev/schema/facts.schema.json", Facts)
	compile(t, inputID, Input)
}

// TestAttributesDocumented keeps the attribute schemas useful: every object is
// closed (so OPA reports a misspelt attribute) and every property says what it is.
func TestAttributesDocumented(t *testing.T) {
	facts := decode(t, Facts)
	types, err := resourceTypes(facts)
	if err != nil {
		t.Fatal(err)
	}
	if len(types) == 0 {
		t.Fatal("no resource types")
	}
	defs := facts["$defs"].(map[string]any)
	for name, d := range defs {
		if factsOnlyDefs[name] {
			continue
		}
		checkClosed(t, "$defs/"+name, d)
	}
	var aws []string
	for _, ty := range types {
		if strings.HasPrefix(ty, "aws.") {
			aws = append(aws, ty)
		}
	}
	sort.Strings(aws)
	t.Logf("%d AWS resource types: %s", len(aws), strings.Join(aws, ", "))
}

func checkClosed(t *testing.T, path string, v any) {
	t.Helper()
	m, ok := v.(map[string]any)
	if !ok {
		return
	}
	if m["type"] == "object" {
		props, hasProps := m["properties"].(map[string]any)
		if hasProps {
			if m["additionalProperties"] != false {
				t.Errorf("%s: object with properties must set additionalProperties: false", path)
			}
			for k, p := range props {
				pm, _ := p.(map[string]any)
				if d, _ := pm["description"].(string); d == "" {
					t.Errorf("%s.%s: no description", path, k)
				}
				checkClosed(t, path+"."+k, p)
			}
		} else if m["additionalProperties"] == nil {
			t.Errorf("%s: object without properties must say what its values are (additionalProperties)", path)
		}
		if ap, ok := m["additionalProperties"].(map[string]any); ok {
			checkClosed(t, path+".*", ap)
		}
	}
	if items, ok := m["items"]; ok {
		checkClosed(t, path+"[]", items)
	}
	for _, k := range []string{"anyOf", "oneOf", "allOf"} {
		if list, ok := m[k].([]any); ok {
			for i, e := range list {
				checkClosed(t, fmt.Sprintf("%s.%s[%d]", path, k, i), e)
			}
		}
	}
}

func TestDemoFactsValid(t *testing.T) {
	s := compile(t, "https://sdescan.dev/schema/facts.schema.json", Facts)
	path := filepath.Join("..", "..", "fixtures", "demo", "facts.json")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if err := s.Validate(v); err != nil {
		t.Fatalf("%s does not match facts.schema.json: %v", path, err)
	}
}

// TestSchemaRejectsWrongAttributes shows that the per-type selection works: a
// misspelt or mistyped attribute of a known type fails validation.
func TestSchemaRejectsWrongAttributes(t *testing.T) {
	s := compile(t, "https://sdescan.dev/schema/facts.schema.json", Facts)
	base := `{"tool":{"name":"sdescan","version":"0.1.0"},"runs":[],"resources":[{"id":"aws://1/eu-west-2/s3/bucket/b","type":"aws.s3.bucket","source":"aws","attributes":%s}]}`
	cases := map[string]bool{
		`{"versioning_enabled": true}`:                 true,
		`{}`:                                           true,
		`{"versioning_enabled": "Enabled"}`:            false,
		`{"versoning_enabled": true}`:                  false,
		`{"encryption": {"sse_algorithm": "AES128"}}`:  false,
		`{"encryption": {"sse_algorithm": "aws:kms"}}`: true,
	}
	for attrs, ok := range cases {
		v, err := jsonschema.UnmarshalJSON(strings.NewReader(fmt.Sprintf(base, attrs)))
		if err != nil {
			t.Fatal(err)
		}
		err = s.Validate(v)
		if ok && err != nil {
			t.Errorf("%s: want valid, got %v", attrs, err)
		}
		if !ok && err == nil {
			t.Errorf("%s: want invalid", attrs)
		}
	}
}

// TestFactsDocListsAttributes keeps docs/facts.md in step with the schema: every
// resource type has a section and every top-level attribute a row in it.
func TestFactsDocListsAttributes(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "facts.md"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(doc)
	facts := decode(t, Facts)
	types, err := resourceTypes(facts)
	if err != nil {
		t.Fatal(err)
	}
	defs := facts["$defs"].(map[string]any)
	for _, ty := range types {
		start := strings.Index(text, "\n### "+ty+"\n")
		if start < 0 {
			t.Errorf("docs/facts.md: no section for %s", ty)
			continue
		}
		section := text[start+1:]
		if end := strings.Index(section[4:], "\n### "); end >= 0 {
			section = section[:end+4]
		}
		props, _ := dig(defs[ty], "properties").(map[string]any)
		for name := range props {
			if !strings.Contains(section, "| `"+name+"` |") {
				t.Errorf("docs/facts.md: %s: attribute %s is not listed", ty, name)
			}
		}
	}
}
