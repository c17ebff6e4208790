package pack

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"strings"
	"testing"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/reports"
	"github.com/sdescan/sdescan/reports/internal/demotest"
)

// verifyFails verifies a tampered pack (as a zip) with key and fails the test
// unless verify refuses it: an error (exit 2) or at least one problem (exit 1).
func verifyFails(t *testing.T, p *Files, key ed25519.PublicKey, what string) []string {
	t.Helper()
	v, err := Verify(context.Background(), writeZipFile(t, p), VerifyOptions{Key: key, Version: demotest.Version})
	if err != nil {
		return []string{err.Error()}
	}
	if len(v.Problems) == 0 {
		t.Errorf("%s: the pack still verifies", what)
	}
	return v.Problems
}

// TestTamperEverySingleFile is the list, for every file of a signed
// demo pack rather than a sample: one flipped byte in any file, any file
// removed, a file added, and (below) a swapped finding and a manifest re-signed
// with another key. Each must fail verify with the owner's key.
func TestTamperEverySingleFile(t *testing.T) {
	key := testKey(t, 1)
	pub := key.Public().(ed25519.PublicKey)
	c := demoCase(t)
	c.key = key
	orig := buildPack(t, c)
	clone := func() *Files {
		p := &Files{files: map[string][]byte{}, modified: orig.modified}
		for n, b := range orig.files {
			p.files[n] = append([]byte(nil), b...)
		}
		return p
	}
	if v, err := Verify(context.Background(), writeZipFile(t, clone()), VerifyOptions{Key: pub, Version: demotest.Version}); err != nil || len(v.Problems) > 0 {
		t.Fatalf("the untouched pack does not verify: %v %q", err, v.Problems)
	}
	names := orig.Names()
	if len(names) < 20 {
		t.Fatalf("only %d files in the demo pack", len(names))
	}
	for _, name := range names {
		t.Run("flip a byte of "+name, func(t *testing.T) {
			p := clone()
			b := p.files[name]
			b[len(b)/2] ^= 0x01
			verifyFails(t, p, pub, name)
		})
		t.Run("remove "+name, func(t *testing.T) {
			p := clone()
			delete(p.files, name)
			verifyFails(t, p, pub, name)
		})
	}
	for _, name := range []string{"notes.txt", "evidence/aws/extra.json", "policies/checks/builtin/extra.rego", "reports/extra.md"} {
		t.Run("add "+name, func(t *testing.T) {
			p := clone()
			p.files[name] = []byte("{}\n")
			got := verifyFails(t, p, pub, name)
			if !strings.Contains(strings.Join(got, "\n"), name+": not listed in the manifest") {
				t.Errorf("%s: %q", name, got)
			}
		})
	}

	// A swapped finding: the resources of a failing and a passing finding of one
	// check exchanged, findings.json and assessment.json otherwise intact, the
	// manifest rewritten and re-signed with the owner's own key. The signature
	// holds; re-evaluation does not.
	t.Run("swapped finding, re-signed by the owner", func(t *testing.T) {
		p := clone()
		var ff findingsFile
		if err := checks.DecodeJSONStrict(p.files[reports.PackFindings], &ff); err != nil {
			t.Fatal(err)
		}
		fail, pass := -1, -1
		for i, f := range ff.Findings {
			if f.CheckID != "AWS-S3-001" {
				continue
			}
			if f.Status == checks.Fail && fail < 0 {
				fail = i
			}
			if f.Status == checks.Pass && pass < 0 {
				pass = i
			}
		}
		if fail < 0 || pass < 0 {
			t.Fatal("no failing and passing AWS-S3-001 findings in the demo")
		}
		a, b := &ff.Findings[fail], &ff.Findings[pass]
		a.ResourceID, b.ResourceID = b.ResourceID, a.ResourceID
		a.Classification, b.Classification = b.Classification, a.Classification
		a.Messages, b.Messages = b.Messages, a.Messages
		var buf bytes.Buffer
		if err := checks.WriteJSON(&buf, ff); err != nil {
			t.Fatal(err)
		}
		p.files[reports.PackFindings] = buf.Bytes()
		remanifest(t, p, key)
		got := verifyFails(t, p, pub, "swapped finding")
		if !strings.Contains(strings.Join(got, "\n"), "findings.json: does not follow from the packed facts and policies") {
			t.Errorf("swapped finding: %q", got)
		}
	})
	t.Run("two findings swapped in order, re-signed by the owner", func(t *testing.T) {
		p := clone()
		var ff findingsFile
		if err := checks.DecodeJSONStrict(p.files[reports.PackFindings], &ff); err != nil {
			t.Fatal(err)
		}
		ff.Findings[0], ff.Findings[1] = ff.Findings[1], ff.Findings[0]
		var buf bytes.Buffer
		if err := checks.WriteJSON(&buf, ff); err != nil {
			t.Fatal(err)
		}
		p.files[reports.PackFindings] = buf.Bytes()
		remanifest(t, p, key)
		verifyFails(t, p, pub, "findings reordered")
	})
	t.Run("manifest re-signed with another key", func(t *testing.T) {
		p := clone()
		replaceIn(t, p, reports.PackAssessment, `"rag": "amber"`, `"rag": "green"`)
		remanifest(t, p, testKey(t, 2))
		got := verifyFails(t, p, pub, "re-signed")
		if !strings.Contains(strings.Join(got, "\n"), "manifest.sig: the signature of manifest.json does not verify") {
			t.Errorf("re-signed: %q", got)
		}
	})
}
