package pack

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"crypto/sha256"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// zipEntry is one entry of a crafted zip.
type zipEntry struct {
	name string
	data []byte
	mode fs.FileMode // 0: 0644
	// claimSize, when set, is the uncompressed size the header claims (a lie).
	claimSize uint64
}

// craftZip writes entries as given, duplicates and hostile names included.
func craftZip(t *testing.T, entries ...zipEntry) string {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		h := &zip.FileHeader{Name: e.name, Method: zip.Deflate}
		mode := e.mode
		if mode == 0 {
			mode = 0o644
		}
		h.SetMode(mode)
		if e.claimSize == 0 {
			w, err := zw.CreateHeader(h)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := w.Write(e.data); err != nil {
				t.Fatal(err)
			}
			continue
		}
		// A raw entry whose header lies about its size.
		var comp bytes.Buffer
		fw, _ := flate.NewWriter(&comp, flate.BestCompression)
		fw.Write(e.data)
		fw.Close()
		h.CompressedSize64 = uint64(comp.Len())
		h.UncompressedSize64 = e.claimSize
		h.CRC32 = crc32.ChecksumIEEE(e.data)
		w, err := zw.CreateRaw(h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(comp.Bytes()); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "crafted.zip")
	if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return file
}

func ok(name string) zipEntry { return zipEntry{name: name, data: []byte("{}\n")} }

// TestReadPackRefusesHostileZips: each way a crafted zip can attack its reader is
// refused with one line naming the pack and the entry, before anything is trusted.
func TestReadPackRefusesHostileZips(t *testing.T) {
	zeros := make([]byte, 8<<20) // compresses about 1000:1
	small := Limits{Entries: 4, EntrySize: 1000, TotalSize: 1500, Ratio: 100, RatioFloor: 1 << 20}
	tests := []struct {
		name    string
		entries []zipEntry
		lim     Limits
		want    string
	}{
		{"parent path", []zipEntry{ok("manifest.json"), ok("../evil.json")}, DefaultLimits, `"../evil.json": path escapes the pack`},
		{"parent inside", []zipEntry{ok("policies/../../evil.json")}, DefaultLimits, `path escapes the pack`},
		{"absolute path", []zipEntry{ok("/etc/cron.d/evil")}, DefaultLimits, `"/etc/cron.d/evil": absolute path`},
		{"drive letter", []zipEntry{ok("C:/evil")}, DefaultLimits, `"C:/evil": absolute path`},
		{"backslashes", []zipEntry{ok(`..\..\evil.json`)}, DefaultLimits, `backslash in path`},
		{"dot segment", []zipEntry{ok("a/./b.json")}, DefaultLimits, `"a/./b.json": not a clean relative path`},
		{"empty segment", []zipEntry{ok("a//b.json")}, DefaultLimits, `not a clean relative path`},
		{"control character", []zipEntry{ok("a\nb.json")}, DefaultLimits, `control character in path`},
		{"symlink", []zipEntry{ok("manifest.json"), {name: "facts.json", data: []byte("/etc/passwd"), mode: fs.ModeSymlink | 0o777}}, DefaultLimits, `"facts.json": symbolic link`},
		{"device", []zipEntry{{name: "dev", mode: fs.ModeDevice | 0o644}}, DefaultLimits, `"dev": not a regular file`},
		{"file and folder", []zipEntry{ok("facts.json"), ok("facts.json/x.json")}, DefaultLimits, `facts.json/x.json: facts.json is a file, not a folder`},
		{"duplicate names", []zipEntry{ok("manifest.json"), ok("facts.json"), ok("facts.json")}, DefaultLimits, `facts.json: duplicate file name`},
		{"too many entries", []zipEntry{ok("a"), ok("b"), ok("c"), ok("d"), ok("e")}, small, `5 entries, more than 4`},
		{"entry too large", []zipEntry{{name: "big", data: bytes.Repeat([]byte("x"), 1001)}}, small, `big: larger than 1000 bytes`},
		{"total too large", []zipEntry{{name: "a", data: make([]byte, 900)}, {name: "b", data: make([]byte, 900)}}, small, `b: the files add up to more than 1500 bytes`},
		{"zip bomb", []zipEntry{{name: "facts.json", data: zeros}}, DefaultLimits, `facts.json: compressed more than 1000:1 (a zip bomb?)`},
		// archive/zip stops at the first byte beyond the claimed size; the limits hold whatever the header says.
		{"header lies about size", []zipEntry{{name: "facts.json", data: zeros, claimSize: 10}}, DefaultLimits, `facts.json: zip: not a valid zip file`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := craftZip(t, tt.entries...)
			_, err := Read(file, tt.lim, nil)
			if err == nil {
				t.Fatal("read without error")
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, file+": ") || !strings.Contains(msg, tt.want) || strings.Contains(msg, "\n") {
				t.Fatalf("error %q, want one line naming %s and saying %q", msg, file, tt.want)
			}
			// verify refuses it the same way (exit 2), whatever it holds.
			if tt.lim == DefaultLimits {
				if _, err := Verify(context.Background(), file, VerifyOptions{}); err == nil || !strings.Contains(err.Error(), tt.want) {
					t.Fatalf("verify: %v", err)
				}
			}
		})
	}
}

// TestReadPackAcceptsWhatIsSafe: directory entries added by zip tools are allowed,
// and a legitimate large, compressible file passes the ratio check.
func TestReadPackAcceptsWhatIsSafe(t *testing.T) {
	// Facts of many similar resources: about 10:1, far from a bomb's 1000:1.
	var json []byte
	for i := range 30000 {
		sum := sha256.Sum256([]byte{byte(i), byte(i >> 8)})
		json = fmt.Appendf(json, "{\"id\": \"aws://111111111111/eu-west-2/s3/bucket/research-%d\", \"sha256\": \"%x\"},\n", i, sum[:8])
	}
	file := craftZip(t, zipEntry{name: "evidence/", mode: fs.ModeDir | 0o755}, ok("evidence/a.json"), zipEntry{name: "facts.json", data: json})
	pc, err := Read(file, DefaultLimits, func(n string) bool { return n != "facts.json" })
	if err != nil {
		t.Fatal(err)
	}
	if len(pc.Entries) != 2 || pc.Entries["facts.json"].Size != int64(len(json)) || pc.Entries["facts.json"].Data != nil || pc.Entries["evidence/a.json"].Data == nil {
		t.Fatalf("entries %+v", pc.Entries)
	}
}

// TestPackRatioLimitFitsEstates: the most uniform estate there can be (every
// resource the same but for its ID) compresses about 100:1 and is read with
// the default limits; a file that would exceed the ratio limit is refused by
// the writer, so sdescan never writes a pack that sdescan verify refuses.
func TestPackRatioLimitFitsEstates(t *testing.T) {
	var facts bytes.Buffer
	facts.WriteString("{\n  \"resources\": [\n")
	for i := range 20000 {
		fmt.Fprintf(&facts, `    {
      "id": "aws://111111111111/eu-west-2/ec2/volume/vol-%017x",
      "type": "aws.ec2.volume",
      "source": "aws",
      "attributes": {"encrypted": true, "kms_key_id": "arn:aws:kms:eu-west-2:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab", "size_gib": 100, "state": "in-use", "volume_type": "gp3"},
      "tags": {"data-classification": "pseudonymised", "owner": "research-platform"}
    },
`, i)
	}
	facts.WriteString("  ]\n}\n")
	compressed, err := deflate(facts.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	ratio := facts.Len() / len(compressed)
	if ratio < 50 {
		t.Fatalf("the uniform estate compresses only %d:1; the test needs a harder case", ratio)
	}
	t.Logf("%d bytes of facts compress %d:1", facts.Len(), ratio)
	p := &Files{files: map[string][]byte{"facts.json": facts.Bytes()}, modified: time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)}
	file := filepath.Join(t.TempDir(), "uniform.zip")
	var zipped bytes.Buffer
	if err := p.WriteZip(&zipped); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, zipped.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Read(file, DefaultLimits, nil); err != nil {
		t.Fatalf("facts compressing %d:1: %v", ratio, err)
	}

	bomb := &Files{files: map[string][]byte{"facts.json": make([]byte, 4<<20)}, modified: p.modified}
	if err := bomb.WriteZip(io.Discard); err == nil || !strings.Contains(err.Error(), "facts.json: compresses more than 1000:1, which a pack reader refuses as a zip bomb") {
		t.Fatalf("writing a file a reader refuses: %v", err)
	}
}

// TestReadPackDirectory: in a directory pack, symbolic links (to files or to
// directories, inside or outside the pack) and hostile names are refused.
func TestReadPackDirectory(t *testing.T) {
	outside := filepath.Join(t.TempDir(), "secret.txt")
	if err := os.WriteFile(outside, []byte("secret"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		setup func(t *testing.T, dir string)
		want  string
	}{
		{"symlink to a file outside", func(t *testing.T, dir string) { symlink(t, outside, filepath.Join(dir, "facts.json")) }, "facts.json: symbolic link"},
		{"symlink to a file inside", func(t *testing.T, dir string) { symlink(t, "manifest.json", filepath.Join(dir, "facts.json")) }, "facts.json: symbolic link"},
		{"symlink to a directory", func(t *testing.T, dir string) { symlink(t, filepath.Dir(outside), filepath.Join(dir, "evidence")) }, "evidence: symbolic link"},
		{"backslash in a name", func(t *testing.T, dir string) { writeFile(t, filepath.Join(dir, `a\b.json`), "{}") }, `"a\\b.json": backslash in path`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFile(t, filepath.Join(dir, "manifest.json"), "{}")
			tt.setup(t, dir)
			_, err := Read(dir, DefaultLimits, nil)
			if err == nil || !strings.HasPrefix(err.Error(), dir+": ") || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want %q", err, tt.want)
			}
		})
	}
	small := Limits{Entries: 2, EntrySize: 10, TotalSize: 100, Ratio: 100, RatioFloor: 1 << 20}
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "a"), "0123456789x")
	if _, err := Read(dir, small, nil); err == nil || !strings.Contains(err.Error(), "a: larger than 10 bytes") {
		t.Fatalf("large file: %v", err)
	}
	dir = t.TempDir()
	for _, n := range []string{"a", "b", "c"} {
		writeFile(t, filepath.Join(dir, n), "x")
	}
	if _, err := Read(dir, small, nil); err == nil || !strings.Contains(err.Error(), "more than 2 files") {
		t.Fatalf("many files: %v", err)
	}
}

func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}

func writeFile(t *testing.T, file, body string) {
	t.Helper()
	if err := os.WriteFile(file, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestValidPackPath(t *testing.T) {
	for _, good := range []string{"manifest.json", "evidence/aws/1/eu-west-2/s3/x-1.json", "a b/c.md", "..a/b..json"} {
		if err := ValidPath(good); err != nil {
			t.Errorf("%q: %v", good, err)
		}
	}
	for _, bad := range []string{"", ".", "..", "a/..", "./a", "a/", "/a", "a\\b", "C:x", strings.Repeat("a", MaxNameLength+1), "a\x00b"} {
		if err := ValidPath(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// TestReadPackParallelMatchesSerial: a well-formed zip is read on every core
// (readZipParallel); the same entries with a directory entry added are read one
// at a time. Both give the same names, sizes, digests and kept contents.
func TestReadPackParallelMatchesSerial(t *testing.T) {
	var big []byte // 1.5 MB that compresses far less than 100:1
	for i := range 150_000 {
		big = fmt.Appendf(big, "%09d\n", i*7919%1_000_003)
	}
	entries := []zipEntry{
		{name: "manifest.json", data: []byte(`{"format":"x"}` + "\n")},
		{name: "empty.txt", data: nil},
		{name: "facts.json", data: big},
		{name: "evidence/aws/raw.json", data: []byte(`[1,2,3]`)},
		{name: "reports/board.html", data: big[:12345]},
	}
	keep := func(n string) bool { return !strings.HasPrefix(n, "evidence/") }
	parallel, err := Read(craftZip(t, entries...), DefaultLimits, keep)
	if err != nil {
		t.Fatal(err)
	}
	serial, err := Read(craftZip(t, append([]zipEntry{{name: "reports/", mode: fs.ModeDir | 0o755}}, entries...)...), DefaultLimits, keep)
	if err != nil {
		t.Fatal(err)
	}
	if len(parallel.Entries) != len(entries) || len(serial.Entries) != len(entries) {
		t.Fatalf("read %d and %d entries, want %d", len(parallel.Entries), len(serial.Entries), len(entries))
	}
	for _, e := range entries {
		p, s := parallel.Entries[e.name], serial.Entries[e.name]
		sum := fmt.Sprintf("%x", sha256.Sum256(e.data))
		if p == nil || s == nil || p.Size != int64(len(e.data)) || s.Size != p.Size || p.SHA256 != sum || s.SHA256 != sum {
			t.Errorf("%s: parallel %+v, serial %+v, want size %d sha256 %s", e.name, p, s, len(e.data), sum)
			continue
		}
		if want := keep(e.name) && len(e.data) > 0; !bytes.Equal(p.Data, s.Data) || (p.Data != nil) != want || !bytes.Equal(p.Data, e.data) && want {
			t.Errorf("%s: kept %d bytes in parallel, %d serially", e.name, len(p.Data), len(s.Data))
		}
	}
}
