package controls_test

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sdescan/sdescan/controls"
)

func kindsOf(t *testing.T) map[string]*controls.AttestationKind {
	t.Helper()
	list, err := controls.ParseAttestationKinds(builtinKinds(t), "attestations.yaml")
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]*controls.AttestationKind{}
	for _, k := range list {
		m[k.ID] = k
	}
	return m
}

func TestParseAttestationsValid(t *testing.T) {
	const file = "testdata/attestations/valid.yaml"
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	list, err := controls.ParseAttestations(data, file, kindsOf(t))
	if err != nil {
		t.Fatalf("ParseAttestations: %v", err)
	}
	if len(list) != 2 {
		t.Fatalf("got %d attestations, want 2", len(list))
	}
	p, d := list[0], list[1]
	if p.ID != "pentest" || p.AttestedBy != "Priya Shah, Head of Cyber Security" || p.Role != "SIRO delegate" ||
		p.Date != "2026-06-15" || p.File != file || len(p.Documents) != 2 || p.Documents[0].Path != "evidence/pentest-summary.txt" {
		t.Errorf("pentest parsed as %+v", p)
	}
	if p.Details["tester"] != "Example Security Ltd" || p.Details["findings_open"] != "0" || p.Details["retest_done"] != "true" {
		t.Errorf("details = %v", p.Details)
	}
	if d.ID != "dpia" || d.Date != "2025-01-10" || d.Expires != "2027-01-10" {
		t.Errorf("dpia parsed as %+v", d)
	}
	// Without a kind catalogue any well-formed kind is accepted.
	if _, err := controls.ParseAttestations(data, file, nil); err != nil {
		t.Errorf("ParseAttestations without kinds: %v", err)
	}
}

func TestParseAttestationsRejects(t *testing.T) {
	const file = "site/attestations.yaml"
	entry := func(extra string) string {
		return "attestations:\n  - id: pentest\n    attested_by: Priya Shah\n    date: 2026-06-15\n    statement: Independent penetration test done.\n" + extra
	}
	tests := []struct {
		name string
		body string
		want string
	}{
		{"malformed yaml", "attestations:\n  - id: pentest\n    attested_by: [Priya\n", "line "},
		{"not a mapping", "- just a list\n", "line 1"},
		{"empty", "", "empty document"},
		{"missing attested_by", "attestations:\n  - id: pentest\n    date: 2026-06-15\n    statement: Independent penetration test done.\n", "attested_by"},
		{"missing date", "attestations:\n  - id: pentest\n    attested_by: Priya Shah\n    statement: Independent penetration test done.\n", "date"},
		{"date in wrong format", strings.Replace(entry(""), "2026-06-15", "15/06/2026", 1), "line 4"},
		{"date that does not exist", strings.Replace(entry(""), "2026-06-15", "2026-13-45", 1), `"2026-13-45" is not a date`},
		{"expires before date", entry("    expires: 2026-01-01\n"), "is before its date"},
		{"unknown key", entry("    signed: yes\n"), "signed"},
		{"statement too short", strings.Replace(entry(""), "Independent penetration test done.", "ok", 1), "statement"},
		{"document with path and url", entry("    documents:\n      - {path: a.pdf, url: https://x.invalid/a.pdf}\n"), "documents"},
		{"document sha256 not hex", entry("    documents:\n      - {path: a.pdf, sha256: abc}\n"), "sha256"},
		{"unknown kind", strings.Replace(entry(""), "id: pentest", "id: horoscope", 1), `unknown attestation kind "horoscope"`},
		{"bad kind id", strings.Replace(entry(""), "id: pentest", "id: Pen Test", 1), "id"},
		{"yaml alias", "base: &b {id: pentest}\nattestations:\n  - *b\n", "aliases"},
		{"two documents", entry("") + "---\nattestations: []\n", "more than one YAML document"},
	}
	kinds := kindsOf(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := controls.ParseAttestations([]byte(tc.body), file, kinds)
			assertOneLine(t, err, file)
			if err != nil && !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not mention %q", err, tc.want)
			}
		})
	}
}

func TestLoadAttestationsDocuments(t *testing.T) {
	kinds := kindsOf(t)
	body, err := os.ReadFile("testdata/attestations/evidence/pentest-summary.txt")
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(body)
	wantSum := hex.EncodeToString(sum[:])

	t.Run("document hashed", func(t *testing.T) {
		list, err := controls.LoadAttestations("testdata/attestations/valid.yaml", kinds)
		if err != nil {
			t.Fatal(err)
		}
		d := list[0].Documents[0]
		if d.SHA256 != wantSum || d.Size != int64(len(body)) {
			t.Errorf("document recorded as sha256 %s size %d, want %s size %d", d.SHA256, d.Size, wantSum, len(body))
		}
		if u := list[0].Documents[1]; u.SHA256 != strings.Repeat("0", 64) || u.Size != 0 {
			t.Errorf("URL document changed: %+v", u)
		}
		if len(list[0].Problems) != 0 || len(list[1].Problems) != 0 {
			t.Errorf("unexpected problems: %v %v", list[0].Problems, list[1].Problems)
		}
	})
	t.Run("matching digest accepted", func(t *testing.T) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "summary.txt"), body, 0o644); err != nil {
			t.Fatal(err)
		}
		f := filepath.Join(dir, "att.yaml")
		y := "attestations:\n  - id: pentest\n    attested_by: Priya Shah\n    date: 2026-06-15\n    statement: Independent penetration test done.\n    documents:\n      - {path: summary.txt, sha256: " + wantSum + "}\n"
		if err := os.WriteFile(f, []byte(y), 0o644); err != nil {
			t.Fatal(err)
		}
		list, err := controls.LoadAttestations(f, kinds)
		if err != nil {
			t.Fatal(err)
		}
		if len(list[0].Problems) != 0 || list[0].Documents[0].Size != int64(len(body)) {
			t.Errorf("problems %v, document %+v", list[0].Problems, list[0].Documents[0])
		}
	})
	t.Run("missing document", func(t *testing.T) {
		list, err := controls.LoadAttestations("testdata/attestations/missing-document.yaml", kinds)
		if err != nil {
			t.Fatal(err)
		}
		if len(list[0].Problems) != 1 || list[0].Problems[0] != "document evidence/no-such-dpia.pdf: not found" {
			t.Errorf("problems = %q", list[0].Problems)
		}
	})
	t.Run("changed document", func(t *testing.T) {
		list, err := controls.LoadAttestations("testdata/attestations/changed-document.yaml", kinds)
		if err != nil {
			t.Fatal(err)
		}
		if len(list[0].Problems) != 1 || !strings.Contains(list[0].Problems[0], "has changed since it was attested") {
			t.Errorf("problems = %q", list[0].Problems)
		}
	})
	t.Run("document outside the attestation folder", func(t *testing.T) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "secret.txt"), body, 0o644); err != nil {
			t.Fatal(err)
		}
		sub := filepath.Join(dir, "att")
		if err := os.Mkdir(sub, 0o755); err != nil {
			t.Fatal(err)
		}
		f := filepath.Join(sub, "att.yaml")
		y := "attestations:\n  - id: pentest\n    attested_by: Priya Shah\n    date: 2026-06-15\n    statement: Independent penetration test done.\n    documents:\n      - {path: ../secret.txt}\n"
		if err := os.WriteFile(f, []byte(y), 0o644); err != nil {
			t.Fatal(err)
		}
		list, err := controls.LoadAttestations(f, kinds)
		if err != nil {
			t.Fatal(err)
		}
		if len(list[0].Problems) != 1 || list[0].Documents[0].SHA256 != "" {
			t.Errorf("problems %q, document %+v", list[0].Problems, list[0].Documents[0])
		}
	})
	t.Run("unreadable file", func(t *testing.T) {
		if _, err := controls.LoadAttestations("testdata/attestations/no-such-file.yaml", kinds); err == nil {
			t.Error("no error for a missing attestations file")
		}
	})
}

// attestationFramework cites pentest and dpia from attestation-only and mixed requirements.
const attestationFramework = `id: att-fw
title: Attestation framework
version: "1"
source: https://example.invalid/att
publisher: Test
licence: Test
vocabulary: sde
requirements:
  - id: P
    title: Penetration tested
    attestations: [pentest]
  - id: D
    title: DPIA
    attestations: [dpia]
  - id: T
    title: Threat modelled
    attestations: [threat-model]
`

// How attestations stand at the assessment time, and what that does to the
// requirements that cite them.
func TestAttestationStatus(t *testing.T) {
	kinds := kindsOf(t)
	cat := mustCatalogue(t, setResolver(), map[string]string{"att.yaml": attestationFramework})
	load := func(t *testing.T, file string) []*controls.Attestation {
		list, err := controls.LoadAttestations(file, kinds)
		if err != nil {
			t.Fatal(err)
		}
		return list
	}
	parse := func(t *testing.T, body string) []*controls.Attestation {
		list, err := controls.ParseAttestations([]byte(body), "inline.yaml", kinds)
		if err != nil {
			t.Fatal(err)
		}
		return list
	}
	one := func(id, date, expires string) string {
		s := "  - id: " + id + "\n    attested_by: Priya Shah\n    date: " + date + "\n    statement: Attested for the test suite.\n"
		if expires != "" {
			s += "    expires: " + expires + "\n"
		}
		return s
	}
	type want struct {
		status   string // attestation status of the kind
		expires  string
		daysLeft *int
		req      string // status of the requirement citing it
	}
	days := func(n int) *int { return &n }
	tests := []struct {
		name string
		asOf string
		list func(t *testing.T) []*controls.Attestation
		kind string
		want want
	}{
		// 207 whole days left: a float count of hours once rounded this up to 208.
		{"valid, expiry from max_age_days", "2026-11-20", func(t *testing.T) []*controls.Attestation { return load(t, "testdata/attestations/valid.yaml") },
			"pentest", want{controls.AttValid, "2027-06-15", days(207), controls.Met}},
		{"valid on its last day", "2027-06-15", func(t *testing.T) []*controls.Attestation { return load(t, "testdata/attestations/valid.yaml") },
			"pentest", want{controls.AttValid, "2027-06-15", days(0), controls.Met}},
		{"expired the day after", "2027-06-16", func(t *testing.T) []*controls.Attestation { return load(t, "testdata/attestations/valid.yaml") },
			"pentest", want{controls.AttExpired, "2027-06-15", days(-1), controls.NotAssessed}},
		{"own expiry earlier than max age", "2026-11-20", func(t *testing.T) []*controls.Attestation {
			return parse(t, "attestations:\n"+one("pentest", "2026-06-15", "2026-09-30"))
		}, "pentest", want{controls.AttExpired, "2026-09-30", days(-51), controls.NotAssessed}},
		{"document missing makes it invalid", "2026-11-20", func(t *testing.T) []*controls.Attestation {
			return load(t, "testdata/attestations/missing-document.yaml")
		}, "dpia", want{controls.AttInvalid, "2027-01-10", days(51), controls.NotAssessed}},
		{"document changed makes it invalid", "2026-11-20", func(t *testing.T) []*controls.Attestation {
			return load(t, "testdata/attestations/changed-document.yaml")
		}, "pentest", want{controls.AttInvalid, "2027-06-15", days(207), controls.NotAssessed}},
		{"dated after the assessment", "2026-11-20", func(t *testing.T) []*controls.Attestation {
			return parse(t, "attestations:\n"+one("pentest", "2026-12-01", ""))
		}, "pentest", want{controls.AttInvalid, "2027-12-01", days(376), controls.NotAssessed}},
		{"valid beats expired", "2026-11-20", func(t *testing.T) []*controls.Attestation {
			return parse(t, "attestations:\n"+one("pentest", "2024-01-01", "")+one("pentest", "2026-01-01", ""))
		}, "pentest", want{controls.AttValid, "2027-01-01", days(42), controls.Met}},
		{"not supplied", "2026-11-20", func(t *testing.T) []*controls.Attestation { return nil },
			"threat-model", want{controls.AttMissing, "", nil, controls.NotAssessed}},
	}
	reqOf := map[string]string{"pentest": "P", "dpia": "D", "threat-model": "T"}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := controls.Assess(controls.Input{Catalogue: cat, Attestations: tc.list(t), AsOf: date(t, tc.asOf)})
			var got *controls.AttestationResult
			for i := range a.Attestations {
				if a.Attestations[i].ID == tc.kind {
					got = &a.Attestations[i]
				}
			}
			if got == nil {
				t.Fatalf("no result for kind %s in %+v", tc.kind, a.Attestations)
			}
			if got.Status != tc.want.status || got.Expires != tc.want.expires {
				t.Errorf("status %s expires %q (%s), want %s expires %q", got.Status, got.Expires, got.Reason, tc.want.status, tc.want.expires)
			}
			switch {
			case (got.DaysLeft == nil) != (tc.want.daysLeft == nil):
				t.Errorf("days_left = %v, want %v", got.DaysLeft, tc.want.daysLeft)
			case got.DaysLeft != nil && *got.DaysLeft != *tc.want.daysLeft:
				t.Errorf("days_left = %d, want %d", *got.DaysLeft, *tc.want.daysLeft)
			}
			if got.Status != controls.AttValid && got.Reason == "" {
				t.Error("a non-valid attestation has no reason")
			}
			r := requirement(t, a, "att-fw", reqOf[tc.kind])
			if r.Status != tc.want.req {
				t.Errorf("requirement %s: %s, want %s (reasons %q)", r.ID, r.Status, tc.want.req, r.Reasons)
			}
		})
	}
}
