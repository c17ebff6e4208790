package pack

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/ed25519"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"testing/fstest"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/collectors"
	"github.com/sdescan/sdescan/reports"
	"github.com/sdescan/sdescan/reports/internal/demotest"
)

// customCheck is a benign check of a --policy directory: it denies nothing.
const customCheck = `# METADATA
# title: Test check of a custom policy directory
# description: A check sdescan does not ship, packed from --policy.
# custom:
#   id: TEST-CUSTOM-001
#   severity: low
#   resource_types: [aws.s3.bucket]
#   remediation: none
package sdescan.checks.test.custom

import rego.v1

deny contains "never" if {
	input.resource.attributes.name == "no bucket is named this"
}
`

// customCase is the demo pack, signed by key, with the custom check above
// loaded from a --policy directory.
func customCase(t *testing.T, key ed25519.PrivateKey) *Files {
	t.Helper()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "custom.rego"), customCheck)
	c := demoCase(t)
	c.policyDir, c.key = dir, key
	return buildPack(t, c)
}

const customPath = "policies/checks/policy-1/custom.rego"

// editManifest changes the decoded manifest and re-signs it with key.
func editManifest(t *testing.T, p *Files, key ed25519.PrivateKey, edit func(*Manifest)) {
	t.Helper()
	var m Manifest
	if err := checks.DecodeJSONStrict(p.files[reports.PackManifest], &m); err != nil {
		t.Fatal(err)
	}
	edit(&m)
	var buf bytes.Buffer
	if err := checks.WriteJSON(&buf, m); err != nil {
		t.Fatal(err)
	}
	p.files[reports.PackManifest] = buf.Bytes()
	p.files[reports.PackSignature] = ed25519.Sign(key, buf.Bytes())
}

// clonePack copies a built pack, so that each case tampers with its own.
func clonePack(p *Files) *Files {
	out := &Files{files: map[string][]byte{}, modified: p.modified}
	for n, b := range p.files {
		out.files[n] = bytes.Clone(b)
	}
	return out
}

func hasLine(lines []string, want string) bool {
	for _, l := range lines {
		if strings.Contains(l, want) {
			return true
		}
	}
	return false
}

// TestVerifyShippedChecks: verify checks what was run, not only that the pack is
// consistent. Built-in checks edited, added or removed by an operator who holds
// the signing key (the manifest rewritten and re-signed, so digests and
// signature hold) fail verify, naming the file, and the edited checks are never
// evaluated; custom checks are listed for the assessor; a pack made by another
// version is compared with this version's checks and says it cannot confirm
// that version's.
func TestVerifyShippedChecks(t *testing.T) {
	key := testKey(t, 1)
	pub := key.Public().(ed25519.PublicKey)
	signed := func() *Files { c := demoCase(t); c.key = key; return buildPack(t, c) }
	base, custom := signed(), customCase(t, key)
	shipped, err := ShippedChecks(collectors.BuiltinFS())
	if err != nil {
		t.Fatal(err)
	}
	rds := "policies/checks/builtin/aws/policy/rds_public_access.rego"
	shippedRDS, err := fs.ReadFile(collectors.BuiltinFS(), "aws/policy/rds_public_access.rego")
	if err != nil {
		t.Fatal(err)
	}
	// Another build of sdescan whose RDS check differs from the one packed.
	otherShipped := fstest.MapFS{}
	err = fs.WalkDir(collectors.BuiltinFS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(collectors.BuiltinFS(), p)
		otherShipped[p] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	otherShipped["aws/policy/rds_public_access.rego"] = &fstest.MapFile{Data: append(bytes.Clone(shippedRDS), "\n# another build\n"...)}

	tests := []struct {
		name    string
		pack    *Files
		tamper  func(t *testing.T, p *Files)
		version string   // the verifier's; "": demotest.Version, "-": unknown
		shipped fs.FS    // the verifier's shipped checks; nil: the real ones
		want    []string // problems, each a substring of one line; none: valid (and evaluated)
		warn    []string // warnings, each a substring of one
		custom  []string // the custom check files listed
		noWant  []string // no problem says this
	}{
		{name: "untouched", pack: base},
		{name: "every built-in check made to pass, re-signed", pack: base,
			tamper: func(t *testing.T, p *Files) {
				// The check can no longer deny: the findings re-evaluated from it
				// would all pass, the assessment go green.
				replaceIn(t, p, rds, "deny contains", "deny_disabled contains")
				p.files[rds] = append(p.files[rds], "\ndeny contains \"never\" if false\n"...)
				remanifest(t, p, key)
			},
			want: []string{rds + ": differs from the check sdescan test ships (sha256 "},
			warn: []string{"re-evaluation not attempted: "}, noWant: []string{"re-evaluation: ", "does not follow"}},
		{name: "extra built-in check, re-signed", pack: base,
			tamper: func(t *testing.T, p *Files) {
				p.files["policies/checks/builtin/aws/policy/zz_evil.rego"] = []byte("package sdescan.lib.evil\n")
				remanifest(t, p, key)
			},
			want: []string{"policies/checks/builtin/aws/policy/zz_evil.rego: not a check sdescan test ships",
				fmt.Sprintf("manifest.json: policy builtin has %d check files, policies/checks/builtin holds %d", len(shipped), len(shipped)+1)},
			warn: []string{"re-evaluation not attempted: "}},
		{name: "shipped check removed, re-signed", pack: base,
			tamper: func(t *testing.T, p *Files) {
				delete(p.files, rds)
				remanifest(t, p, key)
			},
			want: []string{rds + ": missing: sdescan test ships it"},
			warn: []string{"re-evaluation not attempted: "}},
		{name: "test file in the built-in directory, re-signed", pack: base,
			tamper: func(t *testing.T, p *Files) {
				p.files["policies/checks/builtin/aws/policy/rds_public_access_test.rego"] = []byte("package x\n")
				remanifest(t, p, key)
			},
			want: []string{"policies/checks/builtin/aws/policy/rds_public_access_test.rego: not a check sdescan test ships"}},
		{name: "custom check listed", pack: custom, custom: []string{customPath}},
		{name: "custom check moved into the built-in directory, re-signed", pack: custom,
			tamper: func(t *testing.T, p *Files) {
				p.files["policies/checks/builtin/custom.rego"] = p.files[customPath]
				delete(p.files, customPath)
				remanifest(t, p, key)
			},
			want: []string{"policies/checks/builtin/custom.rego: not a check sdescan test ships"}},
		{name: "custom check's shipped flag forged, re-signed", pack: custom,
			tamper: func(t *testing.T, p *Files) {
				editManifest(t, p, key, func(m *Manifest) { m.Checks[len(m.Checks)-1].Shipped = true }) // policy-1 sorts last
			},
			want: []string{"manifest.json: checks lists " + customPath + " as shipped: true, but it is packed in policies/checks/policy-1"}},
		{name: "custom check left out of the checks list, re-signed", pack: custom,
			tamper: func(t *testing.T, p *Files) {
				editManifest(t, p, key, func(m *Manifest) { m.Checks = m.Checks[:len(m.Checks)-1] })
			},
			want: []string{customPath + ": a check file the manifest's checks list leaves out"}},
		{name: "check listed with another digest, re-signed", pack: base,
			tamper: func(t *testing.T, p *Files) {
				editManifest(t, p, key, func(m *Manifest) { m.Checks[0].SHA256 = strings.Repeat("0", 64) })
			},
			want: []string{"manifest.json: checks lists policies/checks/builtin/"}},
		{name: "builtin directory dropped, its checks made custom, re-signed", pack: base,
			tamper: func(t *testing.T, p *Files) {
				for _, n := range p.Names() {
					if strings.HasPrefix(n, packBuiltin+"/") {
						p.files["policies/checks/policy-0/"+strings.TrimPrefix(n, packBuiltin+"/")] = p.files[n]
						delete(p.files, n)
					}
				}
				replaceIn(t, p, reports.PackManifest, `"dir": "policies/checks/builtin"`, `"dir": "policies/checks/policy-0"`)
				remanifest(t, p, key)
			},
			want: []string{"policies/checks/builtin: missing: every pack holds the checks sdescan test ships"}},
		{name: "format 1 pack (no checks list), re-signed", pack: base,
			tamper: func(t *testing.T, p *Files) {
				editManifest(t, p, key, func(m *Manifest) { m.Format, m.Checks = "sdescan-evidence-pack/1", nil })
			},
			warn: []string{"manifest.json: format sdescan-evidence-pack/1 lists no checks: the packed checks are judged from their files alone"}},
		{name: "format 1 pack with an edited built-in check, re-signed", pack: base,
			tamper: func(t *testing.T, p *Files) {
				replaceIn(t, p, rds, "severity: critical", "severity: low")
				remanifest(t, p, key)
				editManifest(t, p, key, func(m *Manifest) { m.Format, m.Checks = "sdescan-evidence-pack/1", nil })
			},
			want: []string{rds + ": differs from the check sdescan test ships"}},
		{name: "made by another version, identical checks", pack: base, version: "9.9.9",
			warn: []string{"made by sdescan test, verified by sdescan 9.9.9: this sdescan cannot confirm the checks sdescan test shipped"}},
		{name: "made by another version, a check differs", pack: base, version: "9.9.9", shipped: otherShipped,
			want: []string{rds + ": differs from the check sdescan 9.9.9 ships (sha256 " + sha256Hex(shippedRDS) + ", shipped " +
				sha256Hex(otherShipped["aws/policy/rds_public_access.rego"].Data) + "); made by sdescan test, which this sdescan cannot confirm"},
			warn: []string{"this sdescan cannot confirm the checks sdescan test shipped", "re-evaluation not attempted: "}},
		{name: "same version, another build's checks", pack: base, shipped: otherShipped,
			want: []string{rds + ": differs from the check sdescan test ships"}, noWant: []string{"cannot confirm"}},
		{name: "unknown verifier version", pack: base, version: "-",
			warn: []string{"verified by this sdescan (of an unknown version): this sdescan cannot confirm"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := clonePack(tt.pack)
			if tt.tamper != nil {
				tt.tamper(t, p)
			}
			version := tt.version
			switch version {
			case "":
				version = demotest.Version
			case "-":
				version = ""
			}
			compiled := 0
			opts := VerifyOptions{Key: pub, Version: version, Shipped: tt.shipped, compiling: func() { compiled++ }}
			v, err := Verify(context.Background(), writeZipFile(t, p), opts)
			if err != nil {
				t.Fatal(err)
			}
			if len(tt.want) == 0 && len(v.Problems) > 0 {
				t.Fatalf("want valid, got %q", v.Problems)
			}
			for _, w := range tt.want {
				if !hasLine(v.Problems, w) {
					t.Errorf("no problem says %q; got %q", w, v.Problems)
				}
			}
			for _, w := range tt.noWant {
				if hasLine(v.Problems, w) {
					t.Errorf("a problem says %q: %q", w, v.Problems)
				}
			}
			for _, w := range tt.warn {
				if !hasLine(v.Warnings, w) {
					t.Errorf("no warning says %q; got %q", w, v.Warnings)
				}
			}
			// Every problem here is found before evaluation, which then is not attempted.
			if eval := len(tt.want) == 0; v.Evaluated != eval || (compiled == 1) != eval || hasLine(v.Warnings, "re-evaluation not attempted: ") == eval {
				t.Errorf("evaluated %t, compiled %d times, warnings %q; want evaluation %t", v.Evaluated, compiled, v.Warnings, eval)
			}
			var got []string
			for _, c := range v.CustomChecks {
				got = append(got, c.Path)
				if c.SHA256 != sha256Hex(p.files[c.Path]) || c.Policy == "" {
					t.Errorf("custom check %+v", c)
				}
			}
			if (tt.custom != nil || len(tt.want) == 0) && strings.Join(got, ",") != strings.Join(tt.custom, ",") {
				t.Errorf("custom checks %q, want %q", got, tt.custom)
			}
			if len(tt.want) == 0 && v.ShippedChecks != len(shipped) {
				t.Errorf("%d shipped check files confirmed, want %d", v.ShippedChecks, len(shipped))
			}
		})
	}
}

// TestPackManifestChecks: the manifest lists every packed check with its
// digest, the shipped ones as shipped; a --policy directory named "builtin" is
// packed as the custom source it is.
func TestPackManifestChecks(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	if err := os.Mkdir("builtin", 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join("builtin", "custom.rego"), customCheck)
	c := demoCase(t)
	c.policyDir = "builtin" // --policy builtin
	p := buildPack(t, c)
	var m Manifest
	if err := checks.DecodeJSONStrict(p.files[reports.PackManifest], &m); err != nil {
		t.Fatal(err)
	}
	if m.Format != "sdescan-evidence-pack/2" {
		t.Errorf("format %q", m.Format)
	}
	shipped, err := ShippedChecks(collectors.BuiltinFS())
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for i, e := range m.Checks {
		if i > 0 && m.Checks[i-1].Path >= e.Path {
			t.Errorf("checks not sorted: %s after %s", e.Path, m.Checks[i-1].Path)
		}
		if e.SHA256 != sha256Hex(p.files[e.Path]) {
			t.Errorf("%s: sha256 %s", e.Path, e.SHA256)
		}
		if rel, ok := strings.CutPrefix(e.Path, packBuiltin+"/"); ok {
			n++
			if !e.Shipped || shipped[rel] != e.SHA256 {
				t.Errorf("%+v: not the shipped check", e)
			}
		} else if e.Shipped || e.Path != "policies/checks/policy-1/custom.rego" {
			t.Errorf("%+v: want the custom check, not shipped", e)
		}
	}
	if n != len(shipped) || len(m.Checks) != n+1 {
		t.Errorf("%d checks listed, %d shipped; sdescan ships %d", len(m.Checks), n, len(shipped))
	}
	if len(m.Policies) != 2 || m.Policies[0] != (PolicyEntry{Name: "builtin", Dir: packBuiltin, Files: len(shipped)}) ||
		m.Policies[1] != (PolicyEntry{Name: "builtin", Dir: "policies/checks/policy-1", Files: 1}) {
		t.Errorf("policies %+v", m.Policies)
	}
	v, err := Verify(context.Background(), writeZipFile(t, p), VerifyOptions{Version: demotest.Version})
	if err != nil || len(v.Problems) > 0 || len(v.CustomChecks) != 1 {
		t.Fatalf("%v %q %+v", err, v.Problems, v.CustomChecks)
	}
}

// TestVerifyStrictLayout: every file of a pack is one sdescan writes. Files
// added by an operator who re-signs the manifest (so they are listed, with their
// digests) are problems, and stop evaluation.
func TestVerifyStrictLayout(t *testing.T) {
	key := testKey(t, 1)
	pub := key.Public().(ed25519.PublicKey)
	c := demoCase(t)
	c.key = key
	base := buildPack(t, c)
	tests := []struct {
		name string
		add  string
		want string
		eval bool // found by evaluation: the attestations are read then
	}{
		{"extra report", "reports/evil.html", "reports/evil.html: not rendered by sdescan: a pack's reports are reports/board.html, reports/summary.md", false},
		{"evidence nothing cites", "evidence/aws/extra.json", "evidence/aws/extra.json: not cited by facts.json", false},
		{"file at the top", "notes.txt", "notes.txt: not a file of an evidence pack", false},
		{"framework outside the catalogue", "policies/frameworks/extra.yaml", "policies/frameworks/extra.yaml: not in the manifest's catalogue", false},
		{"file outside the policy directories", "policies/checks/policy-7/x.rego", "policies/checks/policy-7/x.rego: not in a policy directory the manifest lists", false},
		{"file beside the policies", "policies/x.rego", "policies/x.rego: not a file of an evidence pack", false},
		{"waivers file not listed", "waivers/2/waivers.yaml", "waivers/2/waivers.yaml: not a waivers file the manifest lists", false},
		{"attestations directory not listed", "attestations/2/attestations.yaml", "attestations/2/attestations.yaml: not in an attestations directory the manifest lists", false},
		{"document no attestation cites", "attestations/1/evidence/extra.md", "attestations/1/evidence/extra.md: not cited by attestations/1/attestations.yaml", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := clonePack(base)
			p.files[tt.add] = []byte("x\n")
			remanifest(t, p, key)
			v, err := Verify(context.Background(), writeZipFile(t, p), VerifyOptions{Key: pub, Version: demotest.Version})
			if err != nil {
				t.Fatal(err)
			}
			if len(v.Problems) == 0 || !strings.HasPrefix(v.Problems[0], tt.want) {
				t.Errorf("problems %q, want first: %q", v.Problems, tt.want)
			}
			if v.Evaluated != tt.eval {
				t.Errorf("evaluated %t, want %t", v.Evaluated, tt.eval)
			}
		})
	}

	// A report sdescan renders, removed with the manifest rewritten.
	p := clonePack(base)
	delete(p.files, "reports/board.html")
	remanifest(t, p, key)
	v, err := Verify(context.Background(), writeZipFile(t, p), VerifyOptions{Key: pub, Version: demotest.Version})
	if err != nil || len(v.Problems) != 1 || v.Problems[0] != "reports/board.html: missing: every pack holds it" {
		t.Errorf("report removed: %v %q", err, v.Problems)
	}
}

// TestVerifyStopsBeforeEvaluation: a pack that fails its digests or signature
// is not evaluated: a packed check that would not even compile (or, worse, do
// something) is never compiled. The same check in a pack whose digests and
// signature hold is compiled, and fails.
func TestVerifyStopsBeforeEvaluation(t *testing.T) {
	key := testKey(t, 1)
	pub := key.Public().(ed25519.PublicKey)
	base := customCase(t, key)
	broken := []byte("package sdescan.checks.test.custom\n\ndeny contains x if { this is not rego\n")
	tests := []struct {
		name   string
		tamper func(p *Files)
		key    ed25519.PublicKey
		want   string
		eval   bool
	}{
		{"digest tampered", func(p *Files) { p.files[customPath] = broken }, pub, fmt.Sprintf("%s: %d bytes, the manifest says %d", customPath, len(broken), len(customCheck)), false},
		{"digest tampered, no key", func(p *Files) { p.files[customPath] = broken }, nil, customPath + ": ", false},
		{"same size, digest tampered", func(p *Files) { p.files[customPath][len(customCheck)-3] = '{' }, pub, customPath + ": sha256 ", false},
		{"size tampered", func(p *Files) { p.files[customPath] = append(p.files[customPath], '\n') }, pub,
			fmt.Sprintf("%s: %d bytes, the manifest says %d", customPath, len(customCheck)+1, len(customCheck)), false},
		{"re-signed by another key", func(p *Files) {
			p.files[customPath] = broken
			remanifest(t, p, testKey(t, 2))
		}, pub, "manifest.sig: the signature of manifest.json does not verify", false},
		{"re-signed by the owner", func(p *Files) {
			p.files[customPath] = broken
			remanifest(t, p, key)
		}, pub, "rego_parse_error", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := clonePack(base)
			tt.tamper(p)
			compiled := 0
			v, err := Verify(context.Background(), writeZipFile(t, p), VerifyOptions{Key: tt.key, Version: demotest.Version, compiling: func() { compiled++ }})
			if err != nil {
				t.Fatal(err)
			}
			if !hasLine(v.Problems, tt.want) {
				t.Errorf("no problem says %q: %q", tt.want, v.Problems)
			}
			notRun := 0
			for _, w := range v.Warnings {
				if strings.HasPrefix(w, "re-evaluation not attempted: ") {
					notRun++
				}
			}
			if tt.eval {
				if compiled != 1 || notRun != 0 {
					t.Errorf("compiled %d times, warnings %q", compiled, v.Warnings)
				}
				return
			}
			if compiled != 0 || v.Evaluated || notRun != 1 || hasLine(v.Problems, "re-evaluation: ") || hasLine(v.Problems, "rego_parse_error") {
				t.Errorf("evaluated a pack that failed before: compiled %d times, warnings %q, problems %q", compiled, v.Warnings, v.Problems)
			}
		})
	}
}

// TestReadPackStrictContainer: a zip holding more than its entries, directory
// and end record (bytes prepended, as archive/zip tolerates; bytes appended; a
// comment) is refused with one line naming the pack, and so is verify.
func TestReadPackStrictContainer(t *testing.T) {
	p := buildPack(t, demoCase(t))
	good := zipBytes(t, p)
	withOffset := func(prefix []byte) []byte { // prefix, then a zip whose offsets count it (zip -A)
		var buf bytes.Buffer
		buf.Write(prefix)
		zw := zip.NewWriter(&buf)
		zw.SetOffset(int64(len(prefix)))
		for _, n := range p.Names() {
			w, err := zw.Create(n)
			if err != nil {
				t.Fatal(err)
			}
			w.Write(p.files[n])
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	commented := func() []byte {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for _, n := range p.Names() {
			w, _ := zw.Create(n)
			w.Write(p.files[n])
		}
		zw.SetComment("hello")
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	html := []byte("<html><script>alert(1)</script></html>\n")
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"bytes prepended", append(bytes.Clone(html), good...), "39 bytes before the zip's first entry (prepended to the zip): not part of a pack"},
		{"bytes prepended, offsets rewritten", withOffset(html), "39 bytes before the zip's first entry (prepended to the zip): not part of a pack"},
		{"bytes appended", append(bytes.Clone(good), html...), "39 bytes after the zip's end of central directory record: not part of a pack"},
		{"one byte appended", append(bytes.Clone(good), 0), "1 bytes after the zip's end of central directory record: not part of a pack"},
		{"a comment", commented(), "a zip comment of 5 bytes: sdescan writes none"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// archive/zip reads every one of them.
			if _, err := zip.NewReader(bytes.NewReader(tt.data), int64(len(tt.data))); err != nil {
				t.Fatalf("archive/zip: %v", err)
			}
			file := filepath.Join(t.TempDir(), "pack.zip")
			if err := os.WriteFile(file, tt.data, 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Verify(context.Background(), file, VerifyOptions{Version: demotest.Version})
			if err == nil || err.Error() != file+": "+tt.want {
				t.Errorf("error %v, want %q", err, file+": "+tt.want)
			}
			if _, err := Read(file, DefaultLimits, nil); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Read: %v", err)
			}
		})
	}
}

// TestReadPackZip64: a pack of more than 65,535 files has zip64 end records;
// the container check reads them, with and without prepended bytes.
func TestReadPackZip64(t *testing.T) {
	// Stored, not deflated: 70,000 flate writers would take most of a minute.
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := range 70_000 {
		if _, err := zw.CreateHeader(&zip.FileHeader{Name: fmt.Sprintf("evidence/%05d.json", i), Method: zip.Store}); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	if !bytes.Contains(data[len(data)-22-20-56:], []byte("PK\x06\x06")) {
		t.Fatal("no zip64 end record")
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "big.zip")
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if pc, err := Read(file, DefaultLimits, nil); err != nil || len(pc.Entries) != 70_000 {
		t.Fatalf("zip64 pack: %v", err)
	}
	prepended := filepath.Join(dir, "prepended.zip")
	if err := os.WriteFile(prepended, append([]byte("MZ junk"), data...), 0o644); err != nil {
		t.Fatal(err)
	}
	// archive/zip does not read a zip64 zip with bytes prepended at all.
	if _, err := Read(prepended, DefaultLimits, nil); err == nil || !strings.Contains(err.Error(), "prepended.zip: not a readable zip file") {
		t.Fatalf("zip64 pack with bytes prepended: %v", err)
	}
}

// TestVerifyNetworkCheckMakesNoRequest (issue 15): a signed pack whose packed
// custom check calls the network makes no request and fails verify. The pack is
// made with a benign custom check, then that check is replaced by one calling
// http.send on a loopback server, the manifest rewritten and re-signed with the
// operator's key: digests and signature hold, so verify goes as far as
// compiling the checks, which must refuse the network built-ins.
func TestVerifyNetworkCheckMakesNoRequest(t *testing.T) {
	var requests atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		w.Write([]byte(`{"pass": true}`))
	}))
	defer srv.Close()
	key := testKey(t, 1)
	p := customCase(t, key)
	network := strings.Replace(customCheck, `deny contains "never" if {
	input.resource.attributes.name == "no bucket is named this"
}`, `deny contains "phoned home" if {
	resp := http.send({"method": "GET", "url": "`+srv.URL+`/exfiltrate", "force_cache": false})
	resp.status_code == 200
}`, 1)
	if network == customCheck {
		t.Fatal("the custom check was not replaced")
	}
	p.files[customPath] = []byte(network)
	remanifest(t, p, key)
	v, err := Verify(context.Background(), writeZipFile(t, p), VerifyOptions{Key: key.Public().(ed25519.PublicKey), Version: demotest.Version})
	if err != nil {
		t.Fatal(err)
	}
	if n := requests.Load(); n != 0 {
		t.Errorf("verify made %d request(s) to the loopback server", n)
	}
	if len(v.Problems) == 0 {
		t.Error("a pack whose check calls the network verifies")
	}
	if !hasLine(v.Problems, "http.send") {
		t.Errorf("no problem names http.send: %q", v.Problems)
	}
	t.Logf("problems: %q", v.Problems)
}
