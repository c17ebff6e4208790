package checks

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

func testEngine(t *testing.T) *Engine {
	t.Helper()
	e, err := NewEngine(DirSource("testdata/policies/good"))
	if err != nil {
		t.Fatal(err)
	}
	return e
}

var asOf = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)

func TestEvaluateStatuses(t *testing.T) {
	e := testEngine(t)
	facts := &Facts{Resources: []Resource{
		{ID: "b/ok", Type: "test.bucket", Attributes: map[string]any{"versioning": true, "created": "2026-01-01T00:00:00Z"}},
		{ID: "b/off", Type: "test.bucket", Tags: map[string]string{"data-classification": "Identifiable"}, Attributes: map[string]any{"versioning": false, "created": "2026-01-01T00:00:00Z"}},
		{ID: "b/unknown", Type: "test.bucket", Attributes: map[string]any{"created": "2026-01-01T00:00:00Z"}},
		{ID: "b/log", Type: "test.bucket", Attributes: map[string]any{"kind": "log", "versioning": false, "created": "2026-01-01T00:00:00Z"}},
		{ID: "b/badtime", Type: "test.bucket", Attributes: map[string]any{"versioning": true, "created": "not a time"}},
		{ID: "b/nocreated", Type: "test.bucket", Attributes: map[string]any{"versioning": true}},
		{ID: "other", Type: "test.other", Attributes: map[string]any{"versioning": false}},
	}}
	facts.Normalize()
	got, err := e.Evaluate(context.Background(), facts, Params{AsOf: asOf})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]Status{
		"TEST-001 b/ok":        Pass,
		"TEST-001 b/off":       Fail,
		"TEST-001 b/unknown":   Error,
		"TEST-001 b/log":       NotApplicable,
		"TEST-001 b/badtime":   Pass,
		"TEST-002 b/ok":        Pass,
		"TEST-002 b/off":       Pass,
		"TEST-002 b/unknown":   Pass,
		"TEST-001 b/nocreated": Pass,
		"TEST-002 b/nocreated": Error, // custom.requires: [created]
		"TEST-002 b/log":       Pass,
		"TEST-002 b/badtime":   Error,
	}
	if len(got) != len(want) {
		t.Fatalf("got %d findings, want %d: %+v", len(got), len(want), got)
	}
	for _, f := range got {
		k := f.CheckID + " " + f.ResourceID
		if f.Status != want[k] {
			t.Errorf("%s: status %s, want %s (%v)", k, f.Status, want[k], f.Messages)
		}
		if k == "TEST-001 b/off" && len(f.Messages) > 0 && (f.Classification != "identifiable" || f.Messages[0] != "bucket b/off is not versioned") {
			t.Errorf("%s: %+v", k, f)
		}
	}
}

func TestEvaluateIsolatesErrorInBatch(t *testing.T) {
	e := testEngine(t)
	var facts Facts
	for i := range 600 {
		created := "2026-01-01T00:00:00Z"
		if i == 417 {
			created = "garbage"
		}
		facts.Resources = append(facts.Resources, Resource{ID: fmt.Sprintf("b/%04d", i), Type: "test.bucket", Attributes: map[string]any{"versioning": true, "created": created}})
	}
	got, err := e.Evaluate(context.Background(), &facts, Params{AsOf: asOf})
	if err != nil {
		t.Fatal(err)
	}
	errs := 0
	for _, f := range got {
		if f.Status == Error {
			errs++
			if f.ResourceID != "b/0417" || f.CheckID != "TEST-002" {
				t.Errorf("unexpected error finding %+v", f)
			}
		}
	}
	if errs != 1 {
		t.Fatalf("want exactly one error finding, got %d", errs)
	}
}

func TestNewEngineRejectsBadPolicies(t *testing.T) {
	meta := func(id, sev, types string) string {
		return fmt.Sprintf("# METADATA\n# title: t\n# custom:\n#   id: %s\n#   severity: %s\n#   resource_types: %s\npackage sdescan.checks.t.%s\n\nimport rego.v1\n\ndeny contains \"x\" if false\n", id, sev, types, strings.ToLower(strings.ReplaceAll(id, "-", "_")))
	}
	cases := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"missing id", map[string]string{"a.rego": "# METADATA\n# title: t\n# custom:\n#   severity: high\n#   resource_types: [x]\npackage sdescan.checks.t.a\n"}, "a.rego:1: check data.sdescan.checks.t.a has no custom.id"},
		{"no metadata", map[string]string{"a.rego": "package sdescan.checks.t.a\n"}, "a.rego:1: package data.sdescan.checks.t.a has no METADATA"},
		{"bad severity", map[string]string{"a.rego": meta("T-1", "urgent", "[x]")}, `a.rego:1: check T-1: unknown severity "urgent"`},
		{"no types", map[string]string{"a.rego": meta("T-1", "high", "[]")}, "a.rego:1: check T-1 has no custom.resource_types"},
		{"duplicate id", map[string]string{"a.rego": meta("T-1", "high", "[x]"), "b.rego": strings.Replace(meta("T-1", "high", "[x]"), "t.t_1", "t.other", 1)}, "b.rego:7: duplicate check id T-1 (also in"},
		{"parse error", map[string]string{"a.rego": "package sdescan.checks.t.a\n\nimport rego.v1\n\ndeny contains x if {\n"}, "pol/a.rego:6: rego_parse_error"},
		{"compile error", map[string]string{"a.rego": meta("T-1", "high", "[x]") + "\ny := undefined_function(1)\n"}, "pol/a.rego:13: rego_type_error: undefined function"},
		{"no deny rule", map[string]string{"a.rego": strings.Replace(meta("T-1", "high", "[x]"), "deny contains", "missing contains", 1)}, "a.rego:1: check T-1 has no deny rule"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := fstest.MapFS{}
			for n, s := range tc.files {
				m[n] = &fstest.MapFile{Data: []byte(s)}
			}
			_, err := NewEngine(PolicySource{Name: "pol", FS: m})
			if err == nil {
				t.Fatal("want error")
			}
			if !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("error %q does not contain %q on one line", err, tc.want)
			}
		})
	}
}

func TestFactsRoundTripStable(t *testing.T) {
	src := `{"tool":{"name":"sdescan","version":"1"},"collected_at":"2026-11-20T09:00:00Z","runs":[{"collector":"aws","scope":"1","status":"ok"}],"resources":[{"id":"b","type":"t","source":"s","attributes":{"z":1,"a":[true,null,"x"],"m":{"k":2.5}}},{"id":"a","type":"t","source":"s","tags":{"k":"v"}}]}`
	f, err := DecodeFacts(strings.NewReader(src), "in.json")
	if err != nil {
		t.Fatal(err)
	}
	if f.Resources[0].ID != "a" {
		t.Fatalf("resources not sorted: %v", f.Resources[0].ID)
	}
	var a, b strings.Builder
	if err := WriteJSON(&a, f); err != nil {
		t.Fatal(err)
	}
	f2, err := DecodeFacts(strings.NewReader(a.String()), "out.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteJSON(&b, f2); err != nil {
		t.Fatal(err)
	}
	if a.String() != b.String() {
		t.Fatalf("round trip not stable:\n%s\n%s", a.String(), b.String())
	}
}

func TestDecodeFactsErrors(t *testing.T) {
	cases := map[string]string{
		`{"resources":[{"id":"a","type":"t"},{"id":"a","type":"t"}]}`: "in.json: resource a: duplicate id",
		"{\n\"resources\": [\n{\"id\": 1}]}":                          "in.json: line 3:",
		`{"resources":[], "extra": 1}`:                                "in.json:",
		`{"runs":[{"collector":"aws","status":"fine"}]}`:              `unknown status "fine"`,
		`{"resources":[{"type":"t"}]}`:                                "missing id",
		`{"resources":[]} {}`:                                         "unexpected data",
		`{"runs":[{"collector":"aws","status":"ok","errors":[{"collector":"aws","message":"x"}]}]}`: "status ok but 1 errors",
	}
	for in, want := range cases {
		_, err := DecodeFacts(strings.NewReader(in), "in.json")
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want %q", in, err, want)
		}
	}
}

func TestBuiltinChecksLoad(t *testing.T) {
	e, err := NewEngine(Builtin())
	if err != nil {
		t.Fatal(err)
	}
	if len(e.Checks()) == 0 {
		t.Fatal("no builtin checks")
	}
	for _, c := range e.Checks() {
		test := strings.TrimSuffix(filepath.Base(c.File), ".rego") + "_test.rego"
		if _, err := os.Stat(filepath.Join(filepath.Dir(strings.TrimPrefix(c.File, "builtin/")), test)); err != nil {
			t.Errorf("check %s (%s) has no %s beside it", c.ID, c.File, test)
		}
	}
}

// redactReference is Redact as it was before scanLiterals and redactKeyIDs: every
// literal looked for in the whole data and its lower-cased copy, the access key
// IDs replaced with their regular expression. Redact must give the same bytes.
func redactReference(data []byte) []byte {
	if len(data) == 0 {
		return data
	}
	out := data
	if containsAny(data, keyIDPrefixes) {
		out = accessKeyID.ReplaceAllFunc(out, func(m []byte) []byte {
			return append(bytes.Repeat([]byte{'*'}, len(m)-4), m[len(m)-4:]...)
		})
	}
	lower := bytes.ToLower(data)
	if containsAny(lower, secretJSONKeys) {
		out = secretJSON.ReplaceAll(out, []byte(`${1}"`+Redacted+`"`))
	}
	if containsAny(lower, secretXMLTags) {
		out = secretXML.ReplaceAllFunc(out, func(m []byte) []byte {
			sub := secretXML.FindSubmatch(m)
			return []byte("<" + string(sub[1]) + ">" + Redacted + "</" + string(sub[2]) + ">")
		})
	}
	if containsAny(lower, secretFormKeys) {
		out = secretForm.ReplaceAll(out, []byte("${1}="+Redacted))
	}
	if bytes.Contains(data, []byte("PRIVATE KEY-----")) {
		out = privateKey.ReplaceAll(out, []byte(Redacted+" PRIVATE KEY"))
	}
	if bytes.Contains(lower, []byte("authorization")) {
		out = authHeader.ReplaceAll(out, []byte("${1}"+Redacted))
	}
	if containsAny(data, githubPrefixes) {
		out = githubToken.ReplaceAll(out, []byte(Redacted))
	}
	return out
}

// TestRedactMatchesReference: the one-pass literal scan and the plain key-ID scan
// give exactly the bytes of the regular expressions over the whole data, secrets
// placed anywhere, across chunk boundaries, in upper, lower and mixed case and
// beside non-ASCII text.
func TestRedactMatchesReference(t *testing.T) {
	secrets := []string{
		`AKIAIOSFODNN7EXAMPLE`, `ASIAXXXXXXXXXXXX1234`, `AIDAABCDEFGHIJKLMNOP`, `AKIAabcdEFGHIJKLMNOP`, `AKIAIOSFODNN7EXAMPL`,
		`AKIAAKIAIOSFODNN7EXAMPLE1234`, `"SecretAccessKey":"wJalrXUtnFEMI/K7MDENG"`, `"sessiontoken" : "x\"y"`, `"TOKEN":"abc"`,
		`"Password":"hunter2"`, `"aws_session_token":"t"`, `<SecretAccessKey>abc</SecretAccessKey>`, `<password>p</Password>`,
		`X-Amz-Security-Token=IQoJb3&x=1`, `x-amz-signature=abcdef`, "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----",
		`"Authorization": "Bearer abc.def"`, `authorization=token 123`, `ghp_abcdefghijklmnopqrstuvwxyz0123456789`, `github_pat_0123456789abcdefghijkl`,
		`"secretaccesskey"`, `<sessiontoken>`, `Token`, `PRIVATE KEY-----`, "é\u212aΣ", "\xff\xfe", `"passWORD":"x"`, "\"secretaccess\u212a\u212a\u212a\u212a\u212a\u212aey\":\"s\"", "\u212aey\"", "é", "<Passwor\u212a>",
	}
	filler := []byte(`{"id":"aws://111111111111/eu-west-2/s3/bucket/research-raw","attributes":{"encryption":{"sse_algorithm":"aws:kms"}}},` + "\n")
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 100; i++ {
		var buf bytes.Buffer
		size := rng.IntN(3 * redactChunk)
		for buf.Len() < size {
			if rng.IntN(40) == 0 {
				buf.WriteString(secrets[rng.IntN(len(secrets))])
			} else {
				buf.Write(filler[:rng.IntN(len(filler))+1])
			}
		}
		data := buf.Bytes()
		// Also a secret straddling the first chunk boundary.
		if i%3 == 0 && len(data) > redactChunk+40 {
			s := secrets[rng.IntN(len(secrets))]
			at := redactChunk - rng.IntN(len(s)+1)
			data = append(append(append([]byte{}, data[:at]...), s...), data[at:]...)
		}
		in := append([]byte{}, data...)
		if got, want := Redact(data), redactReference(in); !bytes.Equal(got, want) {
			t.Fatalf("case %d: Redact differs from the reference (%d vs %d bytes)", i, len(got), len(want))
		}
		if !bytes.Equal(data, in) {
			t.Fatalf("case %d: Redact changed its input", i)
		}
	}
	for _, s := range secrets {
		if got, want := Redact([]byte(s)), redactReference([]byte(s)); !bytes.Equal(got, want) {
			t.Errorf("%q: got %q, want %q", s, got, want)
		}
	}
}

// TestWriteFactsJSONMatches: WriteJSON of facts, which encodes the resources in
// parallel chunks, writes the bytes of encoding the whole document at once.
func TestWriteFactsJSONMatches(t *testing.T) {
	f := syntheticFacts(t, 5003)
	f.Resources[7].Attributes = map[string]any{"html": "<a href='x'>&</a>", "uni": "é\u2028\u2029\x01", "n": 1e21, "empty": map[string]any{}, "list": []any{}}
	f.Resources[8].Tags = map[string]string{"z": "1", "a": "<>"}
	var whole, chunked bytes.Buffer
	if err := writeJSON(&whole, f); err != nil {
		t.Fatal(err)
	}
	if err := WriteJSON(&chunked, f); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(whole.Bytes(), chunked.Bytes()) {
		t.Fatalf("chunked facts JSON differs from the whole document's (%d vs %d bytes)", chunked.Len(), whole.Len())
	}
}
