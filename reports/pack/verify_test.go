package pack

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/reports"
	"github.com/sdescan/sdescan/reports/internal/demotest"
)

// remanifest rewrites the manifest's file list and checks list after a
// tampering, as a careful forger would, and re-signs it with key when one is
// given (an operator holding the signing key forges a pack that way).
func remanifest(t *testing.T, p *Files, key ed25519.PrivateKey) {
	t.Helper()
	var m Manifest
	if err := checks.DecodeJSONStrict(p.files[reports.PackManifest], &m); err != nil {
		t.Fatal(err)
	}
	m.Files, m.Checks = nil, []CheckEntry{}
	for _, n := range p.Names() {
		if n != reports.PackManifest && n != reports.PackSignature {
			m.Files = append(m.Files, FileEntry{Path: n, SHA256: sha256Hex(p.files[n]), Size: int64(len(p.files[n]))})
		}
		if strings.HasPrefix(n, packChecks+"/") && isCheckFile(n) {
			m.Checks = append(m.Checks, CheckEntry{Path: n, SHA256: sha256Hex(p.files[n]), Shipped: strings.HasPrefix(n, packBuiltin+"/")})
		}
	}
	var buf bytes.Buffer
	if err := checks.WriteJSON(&buf, m); err != nil {
		t.Fatal(err)
	}
	p.files[reports.PackManifest] = buf.Bytes()
	if key != nil {
		p.files[reports.PackSignature] = ed25519.Sign(key, buf.Bytes())
	}
}

func replaceIn(t *testing.T, p *Files, name, old, new string) {
	t.Helper()
	b, ok := p.files[name]
	if !ok || !bytes.Contains(b, []byte(old)) {
		t.Fatalf("%s does not contain %q", name, old)
	}
	p.files[name] = bytes.Replace(b, []byte(old), []byte(new), 1)
}

// TestVerifyPack tampers with a signed demo pack in every way the verifier must
// catch, and checks that an untouched pack verifies, as a zip and as a directory.
func TestVerifyPack(t *testing.T) {
	key, other := testKey(t, 1), testKey(t, 2)
	pub, otherPub := key.Public().(ed25519.PublicKey), other.Public().(ed25519.PublicKey)
	signed := func(t *testing.T) *Files {
		c := demoCase(t)
		c.key = key
		return buildPack(t, c)
	}
	unsigned := func(t *testing.T) *Files { return buildPack(t, demoCase(t)) }

	tests := []struct {
		name   string
		build  func(t *testing.T) *Files
		tamper func(t *testing.T, p *Files)
		key    ed25519.PublicKey
		want   []string // problems, each a substring of one line; none: valid
	}{
		{name: "signed, right key", build: signed, key: pub},
		{name: "signed, no key", build: signed},
		{name: "unsigned, no key", build: unsigned},
		{name: "signed, wrong key", build: signed, key: otherPub,
			want: []string{"manifest.json: signed by the key with sha256 " + KeyFingerprint(pub) + ", not by the key (sha256 " + KeyFingerprint(otherPub) + ")"}},
		{name: "unsigned, key required", build: unsigned, key: pub,
			want: []string{"manifest.sig: missing: the pack is not signed"}},
		{name: "signature removed", build: signed, key: pub,
			tamper: func(t *testing.T, p *Files) { delete(p.files, reports.PackSignature) },
			want:   []string{"manifest.sig: missing, but manifest.json records a signing key"}},
		{name: "manifest altered after signing", build: signed, key: pub,
			tamper: func(t *testing.T, p *Files) {
				replaceIn(t, p, reports.PackManifest, `"status": "partial"`, `"status": "ok"`)
			},
			want: []string{"manifest.sig: the signature of manifest.json does not verify"}},
		{name: "re-signed by another key", build: signed, key: pub,
			tamper: func(t *testing.T, p *Files) { remanifest(t, p, other) },
			want:   []string{"manifest.sig: the signature of manifest.json does not verify"}},
		{name: "truncated signature", build: signed, key: pub,
			tamper: func(t *testing.T, p *Files) { p.files[reports.PackSignature] = p.files[reports.PackSignature][:63] },
			want:   []string{"manifest.sig: 63 bytes, an ed25519 signature is 64"}},
		{name: "file altered, manifest not", build: unsigned,
			tamper: func(t *testing.T, p *Files) { replaceIn(t, p, "reports/summary.md", "Risk score", "Risk Score") },
			want:   []string{"reports/summary.md: sha256 "}},
		{name: "file resized", build: unsigned,
			tamper: func(t *testing.T, p *Files) {
				p.files["waivers/1/waivers.yaml"] = append(p.files["waivers/1/waivers.yaml"], '\n')
			},
			want: []string{"waivers/1/waivers.yaml: 693 bytes, the manifest says 692"}},
		{name: "extra file", build: unsigned,
			tamper: func(t *testing.T, p *Files) { p.files["evidence/extra.json"] = []byte("{}") },
			want:   []string{"evidence/extra.json: not listed in the manifest", "evidence/extra.json: not cited by facts.json"}},
		{name: "missing file", build: unsigned,
			tamper: func(t *testing.T, p *Files) { delete(p.files, "attestations/1/evidence/pentest-summary-2026.md") },
			want:   []string{"attestations/1/evidence/pentest-summary-2026.md: missing (listed in the manifest)"}},
		{name: "findings forged, manifest rewritten", build: unsigned,
			tamper: func(t *testing.T, p *Files) {
				replaceIn(t, p, reports.PackFindings, `"status": "fail"`, `"status": "pass"`)
				remanifest(t, p, nil)
			},
			want: []string{"findings.json: does not follow from the packed facts and policies"}},
		{name: "assessment forged, manifest rewritten", build: unsigned,
			tamper: func(t *testing.T, p *Files) {
				replaceIn(t, p, reports.PackAssessment, `"rag": "red"`, `"rag": "green"`)
				remanifest(t, p, nil)
			},
			want: []string{"assessment.json: does not follow from the packed facts and policies (first difference at line 9)"}},
		{name: "facts forged, manifest rewritten", build: unsigned,
			tamper: func(t *testing.T, p *Files) {
				replaceIn(t, p, reports.PackFacts, `"sse_algorithm": "AES256"`, `"sse_algorithm": "none"`)
				remanifest(t, p, nil)
			},
			want: []string{"findings.json: does not follow", "assessment.json: does not follow"}},
		{name: "waiver forged, manifest rewritten", build: unsigned,
			tamper: func(t *testing.T, p *Files) {
				replaceIn(t, p, "waivers/1/waivers.yaml", "2026-09-30", "2027-09-30")
				remanifest(t, p, nil)
			},
			want: []string{"assessment.json: does not follow"}},
		{name: "check forged, manifest rewritten", build: unsigned,
			tamper: func(t *testing.T, p *Files) {
				replaceIn(t, p, "policies/checks/builtin/aws/policy/rds_public_access.rego", "severity: critical", "severity: low")
				remanifest(t, p, nil)
			},
			want: []string{"policies/checks/builtin/aws/policy/rds_public_access.rego: differs from the check sdescan test ships"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := tt.build(t)
			if tt.tamper != nil {
				tt.tamper(t, p)
			}
			zipFile := writeZipFile(t, p)
			dir := filepath.Join(t.TempDir(), "pack")
			if err := p.WriteDir(dir); err != nil {
				t.Fatal(err)
			}
			link := filepath.Join(t.TempDir(), "link")
			symlink(t, dir, link) // a pack directory reached through a link the user chose
			for _, pack := range []string{zipFile, dir, link} {
				v, err := Verify(context.Background(), pack, VerifyOptions{Key: tt.key, Version: demotest.Version})
				if err != nil {
					t.Fatalf("%s: %v", pack, err)
				}
				if len(tt.want) == 0 && len(v.Problems) > 0 {
					t.Fatalf("%s: want valid, got %q", pack, v.Problems)
				}
				for _, w := range tt.want {
					found := false
					for _, got := range v.Problems {
						found = found || strings.Contains(got, w)
					}
					if !found {
						t.Errorf("%s: no problem says %q; got %q", pack, w, v.Problems)
					}
				}
				// The signature warning when there is no key; and when there are
				// problems, evaluation was run only if every one came from it.
				warned := len(v.Warnings) > 0 && v.Warnings[0] == "signature not checked: no --key given"
				notRun := slices.ContainsFunc(v.Warnings, func(w string) bool { return strings.HasPrefix(w, "re-evaluation not attempted: ") })
				if warned != (tt.key == nil) || len(v.Warnings) != btoi(warned)+btoi(notRun) || notRun == v.Evaluated {
					t.Errorf("%s: warnings %q, evaluated %t", pack, v.Warnings, v.Evaluated)
				}
				if v.Evaluated && slices.ContainsFunc(v.Problems, func(p string) bool { return !strings.Contains(p, "follow") && !strings.HasPrefix(p, "re-evaluation: ") }) {
					t.Errorf("%s: evaluated despite %q", pack, v.Problems)
				}
				if tt.key != nil && len(tt.want) == 0 && !v.SignatureChecked {
					t.Errorf("%s: signature not reported as checked", pack)
				}
			}
		})
	}
}

// TestVerifyJudgesAtThePackTime: a pack assessed at a date when the demo's
// waivers and attestations stood differently from today still verifies, because
// verify re-evaluates at the pack's assessment time, not the wall clock's.
func TestVerifyJudgesAtThePackTime(t *testing.T) {
	for _, asOf := range []time.Time{
		time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC),  // before some attestations were made
		time.Date(2031, 1, 1, 12, 0, 0, 0, time.UTC), // every waiver and attestation expired
	} {
		c := demoCase(t)
		c.asOf = asOf
		p := buildPack(t, c)
		v, err := Verify(context.Background(), writeZipFile(t, p), VerifyOptions{Version: demotest.Version})
		if err != nil {
			t.Fatal(err)
		}
		if len(v.Problems) > 0 {
			t.Errorf("as of %s: %q", asOf, v.Problems)
		}
		if v.Manifest.Assessment.AsOf != asOf.Format(time.RFC3339) || v.Manifest.CollectedAt != "2026-11-20T09:00:00Z" {
			t.Errorf("manifest times: as_of %s, collected_at %s", v.Manifest.Assessment.AsOf, v.Manifest.CollectedAt)
		}
	}
}

// TestVerifyUnreadable: what cannot be read as a pack is an error (exit 2), not a list.
func TestVerifyUnreadable(t *testing.T) {
	dir := t.TempDir()
	notZip := filepath.Join(dir, "not.zip")
	if err := os.WriteFile(notZip, []byte("hello"), 0o644); err != nil {
		t.Fatal(err)
	}
	p := buildPack(t, demoCase(t))
	delete(p.files, reports.PackManifest)
	noManifest := writeZipFile(t, p)
	p2 := buildPack(t, demoCase(t))
	p2.files[reports.PackManifest] = []byte("{\"format\": 1}")
	badManifest := writeZipFile(t, p2)
	p3 := buildPack(t, demoCase(t))
	p3.files[reports.PackManifest] = []byte(`{"format": "sdescan-evidence-pack/3", "new_field": true}`)
	laterFormat := writeZipFile(t, p3)
	tests := []struct{ pack, want string }{
		{filepath.Join(dir, "absent.zip"), "absent.zip: no such file or directory"},
		{notZip, "not.zip: not a readable zip file"},
		{noManifest, "no manifest.json: not an evidence pack"},
		{badManifest, "manifest.json: line 1: "},
		{laterFormat, `manifest.json: format "sdescan-evidence-pack/3", want "sdescan-evidence-pack/2"`},
	}
	for _, tt := range tests {
		_, err := Verify(context.Background(), tt.pack, VerifyOptions{})
		if err == nil || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: error %v, want one line containing %q", tt.pack, err, tt.want)
		}
	}
}

func TestKeys(t *testing.T) {
	privPEM, pubPEM, err := GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	priv, err := ParsePrivateKey(privPEM, "k.key")
	if err != nil {
		t.Fatal(err)
	}
	pub, err := ParsePublicKey(pubPEM, "k.pub")
	if err != nil {
		t.Fatal(err)
	}
	if !pub.Equal(priv.Public()) {
		t.Fatal("public key does not match the private key")
	}
	if !strings.HasPrefix(string(privPEM), "-----BEGIN PRIVATE KEY-----") || !strings.HasPrefix(string(pubPEM), "-----BEGIN PUBLIC KEY-----") {
		t.Fatalf("PEM types: %q / %q", privPEM[:30], pubPEM[:30])
	}
	if fp := KeyFingerprint(pub); len(fp) != 64 {
		t.Fatalf("fingerprint %q", fp)
	}
	for _, tt := range []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "k: no PEM block found"},
		{"public as private", pubPEM, `k: PEM block is "PUBLIC KEY", want "PRIVATE KEY"`},
	} {
		if _, err := ParsePrivateKey(tt.data, "k"); err == nil || err.Error() != tt.want {
			t.Errorf("%s: %v, want %s", tt.name, err, tt.want)
		}
	}
	if _, err := ParsePublicKey(privPEM, "k.pub"); err == nil || !strings.Contains(err.Error(), "k.pub: PEM block is") {
		t.Errorf("private as public: %v", err)
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
