package pack

import (
	"archive/zip"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sdescan/sdescan/reports"
)

// FuzzRead: whatever bytes are handed to sdescan as a pack, reading and
// verifying it ends in a result or an error that names the pack, never a panic,
// and never reads outside the pack. The seeds are small valid zips with the
// pack's file names and a few hostile entry names.
func FuzzRead(f *testing.F) {
	for _, names := range [][]string{
		{reports.PackManifest},
		{reports.PackManifest, reports.PackFacts, reports.PackAssessment},
		{"../escape.json"},
		{"evidence/aws/x.json", "evidence/aws/x.json"},
		{"dir/", "dir"},
	} {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for _, n := range names {
			w, err := zw.Create(n)
			if err != nil {
				f.Fatal(err)
			}
			_, _ = w.Write([]byte(`{"format":"` + Format + `"}`))
		}
		if err := zw.Close(); err != nil {
			f.Fatal(err)
		}
		f.Add(buf.Bytes())
	}
	f.Add([]byte("PK\x03\x04 not really a zip"))
	// The container rules: bytes before and after a zip, a comment, zip64 end records.
	var one bytes.Buffer
	zw := zip.NewWriter(&one)
	if w, err := zw.Create(reports.PackManifest); err == nil {
		_, _ = w.Write([]byte(`{"format":"` + Format + `"}`))
	}
	zw.SetComment("c")
	if err := zw.Close(); err != nil {
		f.Fatal(err)
	}
	f.Add(one.Bytes())
	f.Add(append([]byte("<html>"), one.Bytes()...))
	f.Add(append(bytes.Clone(one.Bytes()), "junk"...))
	var many bytes.Buffer
	zw = zip.NewWriter(&many)
	for i := range 0x10000 {
		if _, err := zw.CreateHeader(&zip.FileHeader{Name: string(rune('a'+i%26)) + strings.Repeat("x", i%7) + "/" + string(rune('0'+i%10)), Method: zip.Store}); err != nil {
			f.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		f.Fatal(err)
	}
	f.Add(many.Bytes()[len(many.Bytes())-4096:]) // the zip64 end records without their entries
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		name := filepath.Join(dir, "pack.zip")
		if err := os.WriteFile(name, data, 0o644); err != nil {
			t.Fatal(err)
		}
		lim := Limits{Entries: 64, EntrySize: 1 << 20, TotalSize: 4 << 20, Ratio: DefaultLimits.Ratio, RatioFloor: DefaultLimits.RatioFloor}
		if _, err := Read(name, lim, nil); err != nil && !strings.Contains(err.Error(), "pack.zip") {
			t.Errorf("error does not name the pack: %v", err)
		}
		_, _ = Verify(context.Background(), name, VerifyOptions{Limits: lim})
	})
}
