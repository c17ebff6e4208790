package controls_test

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"

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
			a := controls.Assess(controls.Input{Covering: testCovering, Catalogue: cat, Attestations: tc.list(t), AsOf: date(t, tc.asOf)})
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

// TestLoadAttestationsDocumentsConfined: a cited document is read only inside the
// attestation file's folder, after following symbolic links, and only when it is a
// regular file; anything else stops the run with one line naming the attestations
// file and the document. A missing document only invalidates its attestation.
func TestLoadAttestationsDocumentsConfined(t *testing.T) {
	kinds := kindsOf(t)
	const body = "summary of the penetration test\n"
	sum := sha256.Sum256([]byte(body))
	tests := []struct {
		name, doc string
		setup     func(t *testing.T, outside, folder string)
		wantErr   string // "" = loads; the document is hashed
		problem   string // with wantErr "": the attestation's one problem, if any
	}{
		{name: "plain file inside", doc: "evidence/summary.txt"},
		{name: "symlink inside the folder", doc: "link.txt", setup: func(t *testing.T, _, folder string) {
			symlink(t, "evidence/summary.txt", filepath.Join(folder, "link.txt"))
		}},
		{name: "directory symlink inside the folder", doc: "ev/summary.txt", setup: func(t *testing.T, _, folder string) {
			symlink(t, "evidence", filepath.Join(folder, "ev"))
		}},
		{name: "symlink climbing back inside", doc: "evidence/up.txt", setup: func(t *testing.T, _, folder string) {
			symlink(t, "../evidence/summary.txt", filepath.Join(folder, "evidence", "up.txt"))
		}},
		{name: "dot-dot that stays inside", doc: "evidence/../evidence/summary.txt"},
		{name: "symlink to a file outside", doc: "secret.txt", wantErr: "is a symbolic link to an absolute path", setup: func(t *testing.T, outside, folder string) {
			symlink(t, filepath.Join(outside, "secret.txt"), filepath.Join(folder, "secret.txt"))
		}},
		{name: "absolute symlink to a file inside", doc: "abs.txt", wantErr: "is a symbolic link to an absolute path", setup: func(t *testing.T, _, folder string) {
			symlink(t, filepath.Join(folder, "evidence", "summary.txt"), filepath.Join(folder, "abs.txt"))
		}},
		{name: "relative symlink to a file outside", doc: "evidence/secret.txt", wantErr: "leaves the attestation file's folder", setup: func(t *testing.T, _, folder string) {
			symlink(t, "../../secret.txt", filepath.Join(folder, "evidence", "secret.txt"))
		}},
		{name: "directory symlink outside", doc: "out/secret.txt", wantErr: "leaves the attestation file's folder", setup: func(t *testing.T, outside, folder string) {
			symlink(t, "..", filepath.Join(folder, "out"))
		}},
		{name: "symlink loop", doc: "loop", wantErr: "too many symbolic links", setup: func(t *testing.T, _, folder string) {
			symlink(t, "loop", filepath.Join(folder, "loop"))
		}},
		{name: "dot-dot path", doc: "../secret.txt", wantErr: "leaves the attestation file's folder"},
		{name: "dot-dot inside a path", doc: "evidence/../../secret.txt", wantErr: "leaves the attestation file's folder"},
		{name: "absolute path", doc: "/etc/passwd", wantErr: "is not a relative path"},
		{name: "directory", doc: "evidence", wantErr: "is not a regular file (a directory)"},
		{name: "the folder itself", doc: ".", wantErr: "is the attestation file's folder"},
		{name: "named pipe", doc: "pipe", wantErr: "is not a regular file (a named pipe)", setup: func(t *testing.T, _, folder string) {
			if err := syscall.Mkfifo(filepath.Join(folder, "pipe"), 0o600); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "symlink to a named pipe", doc: "p", wantErr: "is not a regular file (a named pipe)", setup: func(t *testing.T, _, folder string) {
			if err := syscall.Mkfifo(filepath.Join(folder, "pipe"), 0o600); err != nil {
				t.Fatal(err)
			}
			symlink(t, "pipe", filepath.Join(folder, "p"))
		}},
		{name: "missing document", doc: "evidence/none.txt", problem: "document evidence/none.txt: not found"},
		{name: "dangling symlink inside", doc: "gone.txt", problem: "document gone.txt: not found", setup: func(t *testing.T, _, folder string) {
			symlink(t, "evidence/none.txt", filepath.Join(folder, "gone.txt"))
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			outside := t.TempDir()
			if err := os.WriteFile(filepath.Join(outside, "secret.txt"), []byte("not to be read"), 0o644); err != nil {
				t.Fatal(err)
			}
			folder := filepath.Join(outside, "att")
			if err := os.MkdirAll(filepath.Join(folder, "evidence"), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(folder, "evidence", "summary.txt"), []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
			if tc.setup != nil {
				tc.setup(t, outside, folder)
			}
			file := filepath.Join(folder, "att.yaml")
			y := "attestations:\n  - id: pentest\n    attested_by: Priya Shah\n    date: 2026-06-15\n    statement: Independent penetration test done.\n    documents:\n      - {path: '" + tc.doc + "'}\n"
			if err := os.WriteFile(file, []byte(y), 0o644); err != nil {
				t.Fatal(err)
			}
			// Through LoadAttestations (an os.Root) and through an os.DirFS, as a
			// caller that made its own file system does.
			loads := map[string]func() ([]*controls.Attestation, error){
				"root": func() ([]*controls.Attestation, error) { return controls.LoadAttestations(file, kinds) },
				"dirfs": func() ([]*controls.Attestation, error) {
					return controls.LoadAttestationsFS(os.DirFS(folder), "att.yaml", file, kinds)
				},
			}
			for how, load := range loads {
				list, err := load()
				if tc.wantErr != "" {
					want := file + ": document " + tc.doc + ": "
					if err == nil || !strings.HasPrefix(err.Error(), want) || !strings.Contains(err.Error(), tc.wantErr) || strings.ContainsAny(err.Error(), "\r\n") {
						t.Errorf("%s: error %v, want one line starting %q containing %q", how, err, want, tc.wantErr)
					}
					continue
				}
				if err != nil {
					t.Fatalf("%s: %v", how, err)
				}
				d := list[0].Documents[0]
				if tc.problem != "" {
					if len(list[0].Problems) != 1 || list[0].Problems[0] != tc.problem || d.SHA256 != "" {
						t.Errorf("%s: problems %q, document %+v; want %q", how, list[0].Problems, d, tc.problem)
					}
					continue
				}
				if len(list[0].Problems) != 0 || d.SHA256 != hex.EncodeToString(sum[:]) || d.Size != int64(len(body)) {
					t.Errorf("%s: problems %q, document %+v", how, list[0].Problems, d)
				}
			}
		})
	}
}

// TestOpenAttestationDirRefusesEscapes: the file system OpenAttestationDir gives
// (which a pack reads documents through) refuses a symbolic link out of the folder
// by itself, whatever checked the path before.
func TestOpenAttestationDirRefusesEscapes(t *testing.T) {
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "secret.txt"), []byte("not to be read"), 0o644); err != nil {
		t.Fatal(err)
	}
	folder := filepath.Join(outside, "att")
	if err := os.Mkdir(folder, 0o755); err != nil {
		t.Fatal(err)
	}
	symlink(t, filepath.Join(outside, "secret.txt"), filepath.Join(folder, "abs.txt"))
	symlink(t, "../secret.txt", filepath.Join(folder, "rel.txt"))
	file := filepath.Join(folder, "att.yaml")
	if err := os.WriteFile(file, []byte("attestations: []\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	fsys, base, err := controls.OpenAttestationDir(file)
	if err != nil || base != "att.yaml" {
		t.Fatalf("OpenAttestationDir: %q %v", base, err)
	}
	if _, err := fs.ReadFile(fsys, base); err != nil {
		t.Errorf("the attestations file itself: %v", err)
	}
	for _, name := range []string{"abs.txt", "rel.txt"} {
		if data, err := fs.ReadFile(fsys, name); err == nil {
			t.Errorf("%s read through the folder's file system: %q", name, data)
		}
	}
	// A symlinked attestations file: its documents resolve beside the real file.
	other := t.TempDir()
	symlink(t, file, filepath.Join(other, "link.yaml"))
	if _, base, err := controls.OpenAttestationDir(filepath.Join(other, "link.yaml")); err != nil || base != "att.yaml" {
		t.Errorf("symlinked file: %q %v", base, err)
	}
	if _, _, err := controls.OpenAttestationDir(filepath.Join(other, "none.yaml")); err == nil || !strings.HasPrefix(err.Error(), filepath.Join(other, "none.yaml")+": ") {
		t.Errorf("missing file: %v", err)
	}
}

// TestLoadAttestationsFSWithoutLinks: a file system that cannot read links (an
// embedded one) still confines paths and wants regular files.
func TestLoadAttestationsFSWithoutLinks(t *testing.T) {
	kinds := kindsOf(t)
	fsys := fstest.MapFS{
		"demo/att.yaml": {Data: []byte("attestations:\n  - {id: pentest, attested_by: Priya Shah, date: 2026-06-15, statement: Independent penetration test done., documents: [{path: ../x.txt}]}\n")},
		"demo/ok.yaml":  {Data: []byte("attestations:\n  - {id: pentest, attested_by: Priya Shah, date: 2026-06-15, statement: Independent penetration test done., documents: [{path: ev/a.txt}]}\n")},
		"demo/ev/a.txt": {Data: []byte("a")},
		"x.txt":         {Data: []byte("outside")},
		"demo/dir.yaml": {Data: []byte("attestations:\n  - {id: pentest, attested_by: Priya Shah, date: 2026-06-15, statement: Independent penetration test done., documents: [{path: ev}]}\n")},
	}
	if _, err := controls.LoadAttestationsFS(fsys, "demo/att.yaml", "demo/att.yaml", kinds); err == nil || !strings.Contains(err.Error(), "demo/att.yaml: document ../x.txt: leaves") {
		t.Errorf("dot-dot: %v", err)
	}
	if _, err := controls.LoadAttestationsFS(fsys, "demo/dir.yaml", "demo/dir.yaml", kinds); err == nil || !strings.Contains(err.Error(), "not a regular file (a directory)") {
		t.Errorf("directory: %v", err)
	}
	list, err := controls.LoadAttestationsFS(fsys, "demo/ok.yaml", "demo/ok.yaml", kinds)
	if err != nil || len(list[0].Problems) != 0 || list[0].Documents[0].Size != 1 {
		t.Errorf("inside: %v %+v", err, list)
	}
}

func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}
