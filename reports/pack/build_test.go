package pack

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/ed25519"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/checks/evidence"
	"github.com/sdescan/sdescan/controls/runner"
	"github.com/sdescan/sdescan/reports/internal/demotest"
)

// packCase is the input of one test pack: the pipeline of `sdescan scan`/`pack`
// in a few lines, with the demo's attestations, waivers and framework when demo.
type packCase struct {
	facts     *checks.Facts
	factsName string
	evidence  fs.FS
	policyDir string // extra checks (--policy), if any
	demo      bool
	asOf      time.Time // zero: when the facts were collected
	key       ed25519.PrivateKey
}

func demoCase(t *testing.T) packCase {
	t.Helper()
	return packCase{facts: demotest.Facts(t), factsName: demotest.FactsName, demo: true}
}

func canaryCase(t *testing.T) packCase {
	t.Helper()
	f, err := checks.ReadFactsFile("testdata/canary/facts.json")
	if err != nil {
		t.Fatal(err)
	}
	return packCase{facts: f, factsName: "testdata/canary/facts.json", evidence: os.DirFS("testdata/canary"), policyDir: "testdata/canary/policy"}
}

func buildPack(t *testing.T, c packCase) *Files {
	t.Helper()
	demotest.Registry.FillCovers(c.facts)
	pf, err := PrepareFacts(c.facts, c.factsName, c.evidence)
	if err != nil {
		t.Fatal(err)
	}
	var policyDirs []string
	if c.policyDir != "" {
		policyDirs = append(policyDirs, c.policyDir)
	}
	setup := demotest.Setup(t, c.demo, policyDirs...)
	setup.Params.AsOf = c.asOf
	p, err := Build(assessForPack(t, pf, setup, c.key))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func zipBytes(t *testing.T, p *Files) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := p.WriteZip(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func writeZipFile(t *testing.T, p *Files) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), "pack.zip")
	if err := os.WriteFile(file, zipBytes(t, p), 0o644); err != nil {
		t.Fatal(err)
	}
	return file
}

// unzipAll reads every entry of a zip with the standard library alone.
func unzipAll(t *testing.T, data []byte) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name] = b
	}
	return out
}

func testKey(t *testing.T, seed byte) ed25519.PrivateKey {
	t.Helper()
	return ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, ed25519.SeedSize))
}

// TestPackDeterministic builds the demo pack three times, once in another
// directory, and proves the zips (and directory packs) are byte-identical, with
// sorted entries, fixed times, modes and compression.
func TestPackDeterministic(t *testing.T) {
	key := testKey(t, 7)
	c1 := demoCase(t)
	c1.key = key
	first := zipBytes(t, buildPack(t, c1))
	c := demoCase(t)
	c.key = key
	second := zipBytes(t, buildPack(t, c))
	if !bytes.Equal(first, second) {
		t.Fatal("two builds of the same pack differ")
	}
	// A third build from another working directory, written to a file there.
	dir := t.TempDir()
	t.Chdir(dir)
	c3 := demoCase(t)
	c3.key = key
	p3 := buildPack(t, c3)
	f, err := os.Create(filepath.Join(dir, "pack.zip"))
	if err != nil {
		t.Fatal(err)
	}
	if err := p3.WriteZip(f); err != nil {
		t.Fatal(err)
	}
	f.Close()
	third, err := os.ReadFile(filepath.Join(dir, "pack.zip"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first, third) {
		t.Fatal("a build in another directory differs")
	}

	zr, err := zip.NewReader(bytes.NewReader(first), int64(len(first)))
	if err != nil {
		t.Fatal(err)
	}
	want := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	prev := ""
	for _, e := range zr.File {
		if e.Name <= prev {
			t.Errorf("entry %s after %s: not sorted", e.Name, prev)
		}
		prev = e.Name
		if !e.Modified.Equal(want) {
			t.Errorf("%s: modified %v, want the collection time %v", e.Name, e.Modified, want)
		}
		if e.Method != zip.Deflate || e.Mode() != 0o644 {
			t.Errorf("%s: method %d mode %v, want deflate 0644", e.Name, e.Method, e.Mode())
		}
	}
	for _, name := range []string{"manifest.json", "manifest.sig", "facts.json", "findings.json", "assessment.json",
		"reports/summary.md", "policies/frameworks/sde-2022.yaml", "policies/frameworks/demo-region-policy.yaml",
		"policies/checks/builtin/aws/policy/s3_encryption.rego", "attestations/1/attestations.yaml",
		"attestations/1/evidence/pentest-summary-2026.md", "waivers/1/waivers.yaml"} {
		if _, ok := p3.File(name); !ok {
			t.Errorf("pack lacks %s", name)
		}
	}

	// Directory packs of the same pack hold the same bytes.
	d1, d2 := filepath.Join(t.TempDir(), "p"), filepath.Join(t.TempDir(), "p")
	for _, d := range []string{d1, d2} {
		if err := p3.WriteDir(d); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range p3.Names() {
		a, err1 := os.ReadFile(filepath.Join(d1, name))
		b, err2 := os.ReadFile(filepath.Join(d2, name))
		want, _ := p3.File(name)
		if err1 != nil || err2 != nil || !bytes.Equal(a, b) || !bytes.Equal(a, want) {
			t.Errorf("%s: directory packs differ from the pack", name)
		}
	}
	if err := p3.WriteDir(d1); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("writing over a pack directory: %v, want a not-empty error", err)
	}
}

// canaries are the planted credentials of testdata/canary (none is real).
var canaries = []string{
	"AKIACANARY0000000042",
	"ASIACANARY0000000043",
	"CANARY000000",
	"wJalrXUtnFEMI/K7MDENG/bPxRfiCYCANARYSECRETKEY",
	"CANARYSECRETKEY",
	"FwoGZXIvYXdzECANARYSESSIONTOKENxyzzy0123456789",
	"CANARYSESSIONTOKEN",
	"CANARYSIGNATURE",
}

// TestPackRedactsCanaries plants credentials in the facts (an ID, a tag, an
// attribute), in a raw evidence file and, through a check's message, in the
// findings, and proves no byte of the pack holds one — as a zip, unpacked, and
// as a directory — while the pack still verifies.
func TestPackRedactsCanaries(t *testing.T) {
	p := buildPack(t, canaryCase(t))
	raw := zipBytes(t, p)
	blobs := map[string][]byte{"pack.zip (raw bytes)": raw}
	for name, b := range unzipAll(t, raw) {
		blobs[name] = b
		blobs["name of "+name] = []byte(name)
	}
	dir := filepath.Join(t.TempDir(), "pack")
	if err := p.WriteDir(dir); err != nil {
		t.Fatal(err)
	}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		blobs["dir "+path] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for name, b := range blobs {
		for _, c := range canaries {
			if bytes.Contains(b, []byte(c)) {
				t.Errorf("%s holds the canary %q", name, c)
			}
		}
	}
	// The redaction really ran where the canaries were: masked key, REDACTED secrets.
	for _, name := range []string{"facts.json", "findings.json", "assessment.json", "evidence/aws/111111111111/global/iam/ListAccessKeys-canary.json"} {
		b, _ := p.File(name)
		if !bytes.Contains(b, []byte("****************0042")) {
			t.Errorf("%s: the masked access key ID is not there", name)
		}
	}
	for _, name := range []string{"facts.json", "evidence/aws/111111111111/global/iam/ListAccessKeys-canary.json"} {
		b, _ := p.File(name)
		if !bytes.Contains(b, []byte(evidence.Redacted)) {
			t.Errorf("%s: no %s where the secrets were", name, evidence.Redacted)
		}
	}
	// Evidence named after a key is packed under its redacted name.
	if _, ok := p.File("evidence/aws/111111111111/global/iam/GetAccessKeyLastUsed-****************0042.json"); !ok {
		t.Errorf("evidence named after an access key is not under its redacted name: %q", p.Names())
	}
	// The redacted evidence is cited by its new digest, so the pack verifies.
	v, err := Verify(context.Background(), writeZipFile(t, p), VerifyOptions{Version: demotest.Version})
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Problems) > 0 {
		t.Fatalf("canary pack does not verify: %q", v.Problems)
	}
}

// TestPackRefusesWhatItCannotPackWhole: a missing or altered evidence file is an
// error naming it; a policy holding a secret is refused, not redacted.
func TestPackRefusesWhatItCannotPackWhole(t *testing.T) {
	c := canaryCase(t)
	tests := []struct {
		name     string
		evidence fs.FS
		want     string
	}{
		{"no evidence directory", nil, "evidence/aws/111111111111/global/iam/ListAccessKeys-canary.json: no evidence directory"},
		{"missing file", os.DirFS(t.TempDir()), "evidence/aws/111111111111/global/iam/ListAccessKeys-canary.json: not found"},
		{"altered file", alteredEvidence(t), "evidence/aws/111111111111/global/iam/ListAccessKeys-canary.json: sha256 "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := checks.ReadFactsFile("testdata/canary/facts.json")
			if err != nil {
				t.Fatal(err)
			}
			_, err = PrepareFacts(f, c.factsName, tt.evidence)
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Fatalf("error %v, want one starting %q", err, tt.want)
			}
		})
	}

	b := &packBuilder{files: map[string][]byte{}}
	err := b.addCopied("policies/checks/policy-1/x.rego", "mine/x.rego", []byte(`# "SecretAccessKey": "abc"`))
	if err == nil || !strings.Contains(err.Error(), "mine/x.rego: holds what looks like a secret") {
		t.Fatalf("copying a file with a secret: %v", err)
	}
}

func alteredEvidence(t *testing.T) fs.FS {
	dir := t.TempDir()
	p := filepath.Join(dir, "evidence/aws/111111111111/global/iam/ListAccessKeys-canary.json")
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte("{}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return os.DirFS(dir)
}

// assessForPack assesses the packed facts through the runner, as scan --pack
// does, at the setup's time (zero: when the facts were collected).
func assessForPack(tb testing.TB, pf *Facts, s runner.Setup, key ed25519.PrivateKey) *BuildInput {
	tb.Helper()
	prep, res := demotest.Run(tb, pf.Facts, s)
	return &BuildInput{Facts: pf, Prepared: prep, Result: res, Key: key}
}
