package pack

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/ed25519"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/fixtures"
	"github.com/sdescan/sdescan/reports/internal/demotest"
)

// syntheticPackFacts returns n resources cloned round-robin from the demo estate,
// each with a unique ID, as checks/internal/factstest builds them. Each call decodes
// the demo afresh and copies the evidence references: PrepareFacts rewrites
// them in place.
func syntheticPackFacts(tb testing.TB, n int) *checks.Facts {
	tb.Helper()
	demo := demotest.Facts(tb)
	out := &checks.Facts{Tool: demo.Tool, Catalogue: demo.Catalogue, CollectedAt: demo.CollectedAt, Runs: demo.Runs}
	out.Resources = make([]checks.Resource, n)
	for i := range n {
		r := demo.Resources[i%len(demo.Resources)]
		r.ID = fmt.Sprintf("%s#%07d", r.ID, i)
		r.Evidence = append([]checks.EvidenceRef(nil), r.Evidence...)
		out.Resources[i] = r
	}
	demotest.Registry.FillCovers(out)
	out.Normalize()
	return out
}

// benchPack is the input of a pack of the synthetic estate, assessed once, with
// the demo's attestations, waivers and framework: what `scan --pack` hands to
// Build after evaluation.
func benchPack(b testing.TB, pf *Facts) *BuildInput {
	b.Helper()
	setup := demotest.Setup(b, true)
	setup.Tool.Version = "bench"
	return assessForPack(b, pf, setup, ed25519.NewKeyFromSeed(bytes.Repeat([]byte{1}, ed25519.SeedSize)))
}

// BenchmarkPack writes and verifies a signed evidence pack of 100,000 resources
// (docs/performance.md):
//
//   - write: redact the facts and copy their evidence (PrepareFacts), build
//     every file, the manifest and its signature (Build), and write the zip
//     to disk. Evaluation is not in it: BenchmarkEvaluate measures that.
//   - verify: Verify with the public key, as `sdescan verify` runs it: read
//     and hash every file, check the signature, re-evaluate the packed checks
//     over the packed facts and compare every output byte for byte.
func BenchmarkPack(b *testing.B) {
	n := benchResources()
	dir := b.TempDir()
	pf, err := PrepareFacts(syntheticPackFacts(b, n), "facts.json", fixtures.DemoFS())
	if err != nil {
		b.Fatal(err)
	}
	p := benchPack(b, pf)
	key := p.Key
	zipFile := filepath.Join(dir, "pack.zip")

	b.Run(fmt.Sprintf("write/resources=%d", n), func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			facts := syntheticPackFacts(b, n)
			b.StartTimer()
			pf, err := PrepareFacts(facts, "facts.json", fixtures.DemoFS())
			if err != nil {
				b.Fatal(err)
			}
			p.Facts = pf
			built, err := Build(p)
			if err != nil {
				b.Fatal(err)
			}
			f, err := os.Create(zipFile)
			if err != nil {
				b.Fatal(err)
			}
			if err := built.WriteZip(f); err != nil {
				b.Fatal(err)
			}
			if err := f.Close(); err != nil {
				b.Fatal(err)
			}
		}
		if st, err := os.Stat(zipFile); err == nil {
			b.ReportMetric(float64(st.Size())/(1<<20), "zip-MiB")
		}
	})

	b.Run(fmt.Sprintf("verify/resources=%d", n), func(b *testing.B) {
		if _, err := os.Stat(zipFile); err != nil {
			b.Skip("run with the write benchmark: it writes the pack")
		}
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			v, err := Verify(context.Background(), zipFile, VerifyOptions{Key: key.Public().(ed25519.PublicKey)})
			if err != nil {
				b.Fatal(err)
			}
			if len(v.Problems) > 0 || !v.SignatureChecked {
				b.Fatalf("the pack does not verify: %q", v.Problems)
			}
		}
	})
}

// benchResources is the estate size of BenchmarkPack: 100,000, or
// SDESCAN_BENCH_RESOURCES for profiling a smaller one.
func benchResources() int {
	if s := os.Getenv("SDESCAN_BENCH_RESOURCES"); s != "" {
		var n int
		if _, err := fmt.Sscan(s, &n); err == nil && n > 0 {
			return n
		}
	}
	return 100_000
}

// TestWriteZipMatchesArchiveZip: WriteZip, which compresses the files in parallel
// beforehand, writes the bytes archive/zip writes when it compresses each file
// itself (as WriteZip did before).
func TestWriteZipMatchesArchiveZip(t *testing.T) {
	files := map[string][]byte{"empty.txt": {}, "manifest.json": []byte(`{"format":"x"}` + "\n")}
	var big bytes.Buffer
	for i := range 200_000 {
		fmt.Fprintf(&big, `{"id":"r-%d","n":%d},`+"\n", i, i*7%13)
	}
	files["facts.json"] = big.Bytes()
	files["reports/board.html"] = bytes.Repeat([]byte("<p>é — x</p>\n"), 5000)
	files["evidence/aws/x.json"] = []byte("[]")
	p := &Files{files: files, modified: time.Date(2026, 11, 20, 9, 0, 1, 0, time.UTC)}
	var got bytes.Buffer
	if err := p.WriteZip(&got); err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	zw := zip.NewWriter(&want)
	for _, name := range p.Names() {
		h := &zip.FileHeader{Name: name, Method: zip.Deflate, Modified: p.modified}
		h.SetMode(0o644)
		fw, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fw.Write(p.files[name]); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want.Bytes()) {
		t.Fatalf("WriteZip wrote %d bytes, archive/zip %d: they differ", got.Len(), want.Len())
	}
}
