package pack

import (
	"archive/zip"
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/reports"
)

// Limits of what a pack reader accepts (docs/evidence-pack.md). A pack beyond
// them is refused before it can exhaust memory or disk.
const (
	// MaxEntries is the most files a pack may hold.
	MaxEntries = 100_000
	// MaxEntrySize is the largest file of a pack, uncompressed.
	MaxEntrySize = 256 << 20
	// MaxTotalSize is the most bytes all the files of a pack may hold, uncompressed.
	MaxTotalSize = 1 << 30
	// MaxRatio is the largest compression ratio of one zip entry of at least
	// RatioFloor bytes; a higher ratio is a zip bomb, not evidence. Deflate
	// itself cannot exceed about 1032:1 (runs of one byte); facts of 100,000
	// resources that differ only in their IDs compress about 100:1, so every
	// estate passes and a zero-filled bomb does not. WriteZip refuses to write
	// what this would refuse.
	MaxRatio = 1000
	// RatioFloor is the size below which an entry's ratio is not checked.
	RatioFloor = 1 << 20
	// MaxNameLength is the longest path of a file in a pack.
	MaxNameLength = 1024
)

// Limits bound what Read accepts; DefaultLimits are the documented constants.
type Limits struct {
	Entries    int
	EntrySize  int64
	TotalSize  int64
	Ratio      int64
	RatioFloor int64
}

// DefaultLimits are the limits sdescan verify reads packs with.
var DefaultLimits = Limits{Entries: MaxEntries, EntrySize: MaxEntrySize, TotalSize: MaxTotalSize, Ratio: MaxRatio, RatioFloor: RatioFloor}

// Entry is one file read from a pack: its digest and size as read (never as
// a zip header claims), and its content when it was kept.
type Entry struct {
	Name   string
	Size   int64
	SHA256 string
	Data   []byte
}

// Contents is a pack as read: every file by name.
type Contents struct {
	// Source is the zip file or directory it was read from.
	Source  string
	Entries map[string]*Entry
	sorted  []string
}

// names returns the names of the entries, sorted (computed once: the entries
// are not changed once read).
func (pc *Contents) names() []string {
	if pc.sorted == nil {
		pc.sorted = sortedKeys(pc.Entries)
	}
	return pc.sorted
}

// ValidPath accepts the path of a file in a pack: relative, slash-separated,
// clean, with no "..", no backslash, no control character and no drive letter.
func ValidPath(name string) error {
	switch {
	case name == "":
		return errors.New("empty file name")
	case len(name) > MaxNameLength:
		return fmt.Errorf("%.40s…: file name longer than %d bytes", name, MaxNameLength)
	case strings.ContainsRune(name, '\\'):
		return fmt.Errorf("%q: backslash in path", name)
	case strings.IndexFunc(name, func(r rune) bool { return r < 0x20 || r == 0x7f }) >= 0:
		return fmt.Errorf("%q: control character in path", name)
	case strings.HasPrefix(name, "/") || len(name) >= 2 && name[1] == ':':
		return fmt.Errorf("%q: absolute path", name)
	case name == ".." || strings.HasPrefix(name, "../") || strings.HasSuffix(name, "/..") || strings.Contains(name, "/../"):
		return fmt.Errorf("%q: path escapes the pack", name)
	case !fs.ValidPath(name) || name == ".":
		return fmt.Errorf("%q: not a clean relative path", name)
	}
	return nil
}

// Read reads a pack, a zip file or a directory, within the limits. keep says
// which files' contents to hold in memory (nil: all); the others are only hashed.
// Anything unsafe is refused with an error naming the pack and the file: a path
// outside the pack, a symbolic link or other non-regular file, a duplicate name,
// too many or too large files, or a zip entry compressed beyond the ratio limit.
func Read(name string, lim Limits, keep func(string) bool) (*Contents, error) {
	if keep == nil {
		keep = func(string) bool { return true }
	}
	st, err := os.Stat(name)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, cleanPathErr(err))
	}
	pc := &Contents{Source: name, Entries: map[string]*Entry{}}
	r := &entryReader{lim: lim, keep: keep, pc: pc}
	switch {
	case st.IsDir():
		err = r.readDir(name)
	case st.Mode().IsRegular():
		err = r.readZip(name, st.Size())
	default:
		err = errors.New("neither a zip file nor a directory")
	}
	if err == nil {
		err = noFileParents(pc)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return pc, nil
}

// noFileParents refuses a pack where one name is a file and also the folder of
// another ("a" and "a/b"): no file system could hold both.
func noFileParents(pc *Contents) error {
	for _, n := range pc.names() {
		for d := path.Dir(n); d != "."; d = path.Dir(d) {
			if _, isFile := pc.Entries[d]; isFile {
				return fmt.Errorf("%s: %s is a file, not a folder", n, d)
			}
		}
	}
	return nil
}

type entryReader struct {
	lim   Limits
	keep  func(string) bool
	pc    *Contents
	total int64
}

// read hashes (and keeps) one entry, reading at most what the limits allow.
func (r *entryReader) read(name string, src io.Reader, compressed int64) error {
	if _, dup := r.pc.Entries[name]; dup {
		return fmt.Errorf("%s: duplicate file name", name)
	}
	if len(r.pc.Entries) >= r.lim.Entries {
		return fmt.Errorf("more than %d files", r.lim.Entries)
	}
	limit, why := r.lim.EntrySize, fmt.Sprintf("larger than %d bytes", r.lim.EntrySize)
	if left := r.lim.TotalSize - r.total; left < limit {
		limit, why = left, fmt.Sprintf("the files add up to more than %d bytes", r.lim.TotalSize)
	}
	if compressed >= 0 && compressed < limit {
		if byRatio := max(r.lim.RatioFloor, r.lim.Ratio*compressed); byRatio < limit {
			limit, why = byRatio, fmt.Sprintf("compressed more than %d:1 (a zip bomb?)", r.lim.Ratio)
		}
	}
	h := sha256.New()
	var buf *bytes.Buffer
	var w io.Writer = h
	if r.keep(name) {
		buf = &bytes.Buffer{}
		w = io.MultiWriter(h, buf)
	}
	n, err := io.Copy(w, io.LimitReader(src, limit+1))
	if n > limit {
		return fmt.Errorf("%s: %s", name, why)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	r.total += n
	e := &Entry{Name: name, Size: n, SHA256: hexSum(h)}
	if buf != nil {
		e.Data = buf.Bytes()
	}
	r.pc.Entries[name] = e
	return nil
}

func hexSum(h hash.Hash) string { return hex.EncodeToString(h.Sum(nil)) }

func (r *entryReader) readZip(file string, size int64) error {
	f, err := os.Open(file)
	if err != nil {
		return cleanPathErr(err)
	}
	defer f.Close()
	zr, err := zip.NewReader(f, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) { // insecure names are refused below, by name
		return fmt.Errorf("not a readable zip file: %w", err)
	}
	if len(zr.File) > r.lim.Entries {
		return fmt.Errorf("%d entries, more than %d", len(zr.File), r.lim.Entries)
	}
	if err := zipContainer(f, size, zr); err != nil {
		return err
	}
	if r.readZipParallel(zr) {
		return nil
	}
	// A pack the fast path could not read whole is read again one entry at a
	// time, which finds and words the first problem.
	r.pc.Entries, r.total = map[string]*Entry{}, 0
	for _, zf := range zr.File {
		name, mode := zf.Name, zf.Mode()
		switch {
		case mode&fs.ModeSymlink != 0:
			return fmt.Errorf("%q: symbolic link", name)
		case mode.IsDir() || strings.HasSuffix(name, "/"):
			// Directory entries (added by some zip tools) carry nothing: check the name only.
			if err := ValidPath(strings.TrimSuffix(name, "/")); err != nil {
				return err
			}
			if zf.UncompressedSize64 != 0 || zf.CompressedSize64 > 2 {
				return fmt.Errorf("%q: directory entry with content", name)
			}
			continue
		case !mode.IsRegular():
			return fmt.Errorf("%q: not a regular file (%s)", name, mode.Type())
		}
		if err := ValidPath(name); err != nil {
			return err
		}
		if zf.Flags&0x1 != 0 {
			return fmt.Errorf("%s: encrypted entry", name)
		}
		rc, err := zf.Open()
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		compressed := int64(-1)
		if zf.CompressedSize64 <= uint64(r.lim.TotalSize) {
			compressed = int64(zf.CompressedSize64)
		}
		err = r.read(name, rc, compressed)
		rc.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// Signatures and sizes of the zip records zipContainer reads (APPNOTE.TXT 4.3).
const (
	zipLocalSig       = "PK\x03\x04"
	zipCentralSig     = "PK\x01\x02"
	zipEndSig         = "PK\x05\x06"
	zipEnd64Sig       = "PK\x06\x06"
	zipEnd64LocSig    = "PK\x06\x07"
	zipEndLen         = 22
	zipEnd64LocLen    = 20
	zipEnd64Len       = 56
	zipCentralLen     = 46
	zipMaxCommentScan = 65 * 1024 // as far back as archive/zip looks for the end record
)

// zipContainer refuses a zip that holds more than its entries, central
// directory and end record: bytes before the first entry (prepended: archive/zip
// reads past them, and a file can then be a zip and something else at once),
// bytes after the end record, or a zip comment. sdescan writes none of them. zr
// is the archive/zip reading of the same bytes; the records are read again here
// as archive/zip read them, to find where they are.
func zipContainer(f io.ReaderAt, size int64, zr *zip.Reader) error {
	if zr.Comment != "" {
		return fmt.Errorf("a zip comment of %d bytes: sdescan writes none", len(zr.Comment))
	}
	// The end record archive/zip used: the last signature in the final block
	// whose comment fits in the file (its comment is empty, as zr says).
	tail := min(size, zipMaxCommentScan)
	b := make([]byte, tail)
	if _, err := f.ReadAt(b, size-tail); err != nil {
		return fmt.Errorf("not a readable zip file: %w", err)
	}
	at := -1
	for i := len(b) - zipEndLen; i >= 0; i-- {
		if string(b[i:i+4]) == zipEndSig {
			if i+zipEndLen+int(le16(b[i+20:])) <= len(b) {
				at = i
			}
			break
		}
	}
	if at < 0 {
		return errors.New("not a readable zip file: no end of central directory record")
	}
	if after := len(b) - at - zipEndLen; after > 0 {
		return fmt.Errorf("%d bytes after the zip's end of central directory record: not part of a pack", after)
	}
	end := b[at:]
	endOff := size - zipEndLen // where the directory's end records begin
	dirRecords, dirSize, dirOffset := uint64(le16(end[10:])), uint64(le32(end[12:])), uint64(le32(end[16:]))
	if dirRecords == 0xffff || dirSize == 0xffff || dirOffset == 0xffffffff { // as archive/zip tests it
		// Zip64 (more than 65,534 entries): the zip64 end record, then its locator.
		if loc := endOff - zipEnd64LocLen; loc >= 0 {
			l := make([]byte, zipEnd64LocLen)
			if _, err := f.ReadAt(l, loc); err == nil && string(l[:4]) == zipEnd64LocSig && le32(l[4:]) == 0 && le32(l[16:]) == 1 {
				p := int64(le64(l[8:]))
				e := make([]byte, zipEnd64Len)
				if p < 0 || p > loc-zipEnd64Len {
					return errors.New("the zip64 end of central directory record is not where its locator says")
				}
				if _, err := f.ReadAt(e, p); err != nil || string(e[:4]) != zipEnd64Sig {
					return errors.New("the zip64 end of central directory record is not where its locator says")
				}
				if n := int64(le64(e[4:])); n < zipEnd64Len-12 || p+12+n != loc {
					return fmt.Errorf("data between the zip64 end of central directory record and its locator")
				}
				dirRecords, dirSize, dirOffset, endOff = le64(e[32:]), le64(e[40:]), le64(e[48:]), p
			}
		}
	}
	if dirSize > uint64(endOff) || dirOffset > uint64(endOff) {
		return errors.New("the zip's central directory is not where its end record says")
	}
	// archive/zip reads the entries at the offsets the directory records, plus
	// whatever lies between the directory's recorded end and the end records.
	if base := endOff - int64(dirSize) - int64(dirOffset); base != 0 {
		if base > 0 {
			// archive/zip takes the recorded offsets when a directory record is there.
			sig := make([]byte, 4)
			if _, err := f.ReadAt(sig, int64(dirOffset)); err == nil && string(sig) == zipCentralSig {
				return fmt.Errorf("%d bytes between the zip's central directory and its end record: not part of a pack", base)
			}
			return fmt.Errorf("%d bytes before the zip's first entry (prepended to the zip): not part of a pack", base)
		}
		return errors.New("the zip's central directory is not where its end record says")
	}
	// With the offsets as recorded, the first entry must start the file: a
	// directory rewritten to point past prepended bytes is refused just the same.
	dir := bufio.NewReaderSize(io.NewSectionReader(f, int64(dirOffset), int64(dirSize)), 64<<10)
	first := dirOffset // where the first entry starts: the directory, when there is none
	rec := make([]byte, zipCentralLen)
	for range dirRecords {
		if _, err := io.ReadFull(dir, rec); err != nil || string(rec[:4]) != zipCentralSig {
			return errors.New("not a readable zip file: bad central directory")
		}
		nameLen, extraLen, commentLen := int(le16(rec[28:])), int(le16(rec[30:])), int(le16(rec[32:]))
		if _, err := dir.Discard(nameLen); err != nil {
			return errors.New("not a readable zip file: bad central directory")
		}
		extra := make([]byte, extraLen)
		if _, err := io.ReadFull(dir, extra); err != nil {
			return errors.New("not a readable zip file: bad central directory")
		}
		if _, err := dir.Discard(commentLen); err != nil {
			return errors.New("not a readable zip file: bad central directory")
		}
		off := uint64(le32(rec[42:]))
		if off == 0xffffffff { // in the zip64 extra field, after the sizes that overflow
			for len(extra) >= 4 {
				id, n := le16(extra), int(le16(extra[2:]))
				if n > len(extra)-4 {
					break
				}
				if id == 0x0001 {
					field := extra[4 : 4+n]
					skip := 0
					if le32(rec[24:]) == 0xffffffff {
						skip += 8
					}
					if le32(rec[20:]) == 0xffffffff {
						skip += 8
					}
					if len(field) >= skip+8 {
						off = le64(field[skip:])
					}
					break
				}
				extra = extra[4+n:]
			}
		}
		first = min(first, off)
	}
	if first > 0 {
		return fmt.Errorf("%d bytes before the zip's first entry (prepended to the zip): not part of a pack", first)
	}
	if dirRecords > 0 {
		sig := make([]byte, 4)
		if _, err := f.ReadAt(sig, 0); err != nil || string(sig) != zipLocalSig {
			return errors.New("the zip does not start with an entry")
		}
	}
	return nil
}

func le16(b []byte) uint16 { return uint16(b[0]) | uint16(b[1])<<8 }
func le32(b []byte) uint32 { return uint32(le16(b)) | uint32(le16(b[2:]))<<16 }
func le64(b []byte) uint64 { return uint64(le32(b)) | uint64(le32(b[4:]))<<32 }

// readZipParallel reads a well-formed pack with every core: when each entry is a
// regular file with a valid, unique name and the sizes its header declares keep
// within every limit (entry size, ratio, total), the entries are inflated and
// hashed in parallel, each read to at most its declared size (archive/zip itself
// refuses an entry that is longer than it declares or fails its checksum), into
// a buffer of that size. It reports whether it read the whole pack; on false
// nothing of it is kept and readZip reads the pack one entry at a time.
func (r *entryReader) readZipParallel(zr *zip.Reader) bool {
	type part struct {
		zf    *zip.File
		name  string
		size  int64
		entry *Entry
	}
	var parts []*part
	seen := map[string]bool{}
	var total int64
	for _, zf := range zr.File {
		name, mode := zf.Name, zf.Mode()
		if mode.IsDir() || strings.HasSuffix(name, "/") || !mode.IsRegular() || zf.Flags&0x1 != 0 ||
			ValidPath(name) != nil || seen[name] {
			return false // directory entries and every problem: the careful path
		}
		seen[name] = true
		size, compressed := zf.UncompressedSize64, zf.CompressedSize64
		if size > uint64(r.lim.EntrySize) || size > uint64(r.lim.TotalSize-total) ||
			(size > uint64(r.lim.RatioFloor) && size > uint64(r.lim.Ratio)*compressed) {
			return false
		}
		total += int64(size)
		parts = append(parts, &part{zf: zf, name: name, size: int64(size)})
	}
	// Largest first, so that the big files do not all end up on one worker.
	order := make([]*part, len(parts))
	copy(order, parts)
	sort.SliceStable(order, func(i, j int) bool { return order[i].size > order[j].size })
	var failed atomic.Bool
	parallel(len(order), func(i int) {
		if failed.Load() {
			return
		}
		p := order[i]
		e, ok := r.readDeclared(p.zf, p.name, p.size)
		if !ok {
			failed.Store(true)
			return
		}
		p.entry = e
	})
	if failed.Load() {
		return false
	}
	for _, p := range parts {
		r.pc.Entries[p.name] = p.entry
		r.total += p.size
	}
	return true
}

// readDeclared reads one entry that declares size bytes, hashing it and keeping
// it when wanted; false when it cannot be read or is not that size.
func (r *entryReader) readDeclared(zf *zip.File, name string, size int64) (*Entry, bool) {
	rc, err := zf.Open()
	if err != nil {
		return nil, false
	}
	defer rc.Close()
	h := sha256.New()
	var buf []byte
	var w io.Writer = h
	keep := r.keep(name)
	if keep {
		buf = make([]byte, 0, size)
		w = io.MultiWriter(h, (*appendWriter)(&buf))
	}
	n, err := io.Copy(w, io.LimitReader(rc, size+1))
	if err != nil || n != size {
		return nil, false
	}
	e := &Entry{Name: name, Size: n, SHA256: hexSum(h)}
	if keep && n > 0 {
		e.Data = buf
	}
	return e, true
}

// appendWriter appends what is written to a byte slice (made at the size it is
// expected to reach).
type appendWriter []byte

func (w *appendWriter) Write(p []byte) (int, error) {
	*w = append(*w, p...)
	return len(p), nil
}

func (r *entryReader) readDir(dir string) error {
	// The pack directory itself may be reached through a link the user chose;
	// inside it, no link is followed.
	dir, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return cleanPathErr(err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return cleanPathErr(err)
	}
	defer root.Close()
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return cleanPathErr(err)
		}
		rel, rerr := filepath.Rel(dir, p)
		if rerr != nil {
			return rerr
		}
		if rel == "." {
			return nil
		}
		name := filepath.ToSlash(rel)
		switch t := d.Type(); {
		case t&fs.ModeSymlink != 0:
			return fmt.Errorf("%s: symbolic link", name)
		case d.IsDir():
			return ValidPath(name)
		case !t.IsRegular():
			return fmt.Errorf("%s: not a regular file (%s)", name, t)
		}
		if err := ValidPath(name); err != nil {
			return err
		}
		f, err := root.Open(rel)
		if err != nil {
			return fmt.Errorf("%s: %w", name, cleanPathErr(err))
		}
		defer f.Close()
		st, err := f.Stat()
		if err != nil {
			return fmt.Errorf("%s: %w", name, cleanPathErr(err))
		}
		if !st.Mode().IsRegular() {
			return fmt.Errorf("%s: not a regular file", name)
		}
		return r.read(name, f, -1)
	})
}

// memFS serves the kept files of a pack as a read-only fs.FS, so that the loaders
// read a pack exactly as they read files on disk.
type memFS struct {
	files map[string][]byte
	dirs  map[string][]string // directory -> sorted child names
}

func newMemFS(pc *Contents) *memFS {
	m := &memFS{files: map[string][]byte{}, dirs: map[string][]string{".": nil}}
	seen := map[string]bool{}
	for name, e := range pc.Entries {
		if e.Data == nil && e.Size > 0 {
			continue
		}
		m.files[name] = e.Data
		for child := name; child != "."; {
			parent := path.Dir(child)
			if !seen[child] {
				seen[child] = true
				m.dirs[parent] = append(m.dirs[parent], path.Base(child))
			}
			child = parent
		}
	}
	for d := range m.dirs {
		sort.Strings(m.dirs[d])
	}
	return m
}

func (m *memFS) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	if data, ok := m.files[name]; ok {
		return &memFile{info: memInfo{name: path.Base(name), size: int64(len(data))}, r: bytes.NewReader(data)}, nil
	}
	if children, ok := m.dirs[name]; ok {
		entries := make([]fs.DirEntry, len(children))
		for i, c := range children {
			full := path.Join(name, c)
			if data, isFile := m.files[full]; isFile {
				entries[i] = fs.FileInfoToDirEntry(memInfo{name: c, size: int64(len(data))})
			} else {
				entries[i] = fs.FileInfoToDirEntry(memInfo{name: c, dir: true})
			}
		}
		return &memDir{info: memInfo{name: path.Base(name), dir: true}, entries: entries}, nil
	}
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}

type memInfo struct {
	name string
	size int64
	dir  bool
}

func (i memInfo) Name() string { return i.name }
func (i memInfo) Size() int64  { return i.size }
func (i memInfo) Mode() fs.FileMode {
	if i.dir {
		return fs.ModeDir | 0o555
	}
	return 0o444
}
func (i memInfo) ModTime() time.Time { return time.Time{} }
func (i memInfo) IsDir() bool        { return i.dir }
func (i memInfo) Sys() any           { return nil }

type memFile struct {
	info memInfo
	r    *bytes.Reader
}

func (f *memFile) Stat() (fs.FileInfo, error) { return f.info, nil }
func (f *memFile) Read(b []byte) (int, error) { return f.r.Read(b) }
func (f *memFile) Close() error               { return nil }

type memDir struct {
	info    memInfo
	entries []fs.DirEntry
	off     int
}

func (d *memDir) Stat() (fs.FileInfo, error) { return d.info, nil }
func (d *memDir) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: d.info.name, Err: fs.ErrInvalid}
}
func (d *memDir) Close() error { return nil }
func (d *memDir) ReadDir(n int) ([]fs.DirEntry, error) {
	rest := d.entries[d.off:]
	if n <= 0 {
		d.off = len(d.entries)
		return rest, nil
	}
	if len(rest) == 0 {
		return nil, io.EOF
	}
	n = min(n, len(rest))
	d.off += n
	return rest[:n], nil
}

// openPack reads a pack with Read and decodes its manifest, refusing one that
// has none or is of another format.
func openPack(name string, lim Limits, keep func(string) bool) (*Contents, *Manifest, error) {
	pc, err := Read(name, lim, keep)
	if err != nil {
		return nil, nil, err
	}
	me, ok := pc.Entries[reports.PackManifest]
	if !ok {
		return nil, nil, fmt.Errorf("%s: no %s: not an evidence pack", name, reports.PackManifest)
	}
	var m Manifest
	if err := checks.DecodeJSONStrict(me.Data, &m); err != nil {
		// A manifest of another format may have other fields: say which format it is.
		var f struct {
			Format string `json:"format"`
		}
		if json.Unmarshal(me.Data, &f) == nil && f.Format != "" && f.Format != Format && f.Format != format1 {
			return nil, nil, fmt.Errorf("%s: %s: format %q, want %q", name, reports.PackManifest, f.Format, Format)
		}
		return nil, nil, fmt.Errorf("%s: %s: %w", name, reports.PackManifest, err)
	}
	if m.Format != Format && m.Format != format1 {
		return nil, nil, fmt.Errorf("%s: %s: format %q, want %q", name, reports.PackManifest, m.Format, Format)
	}
	return pc, &m, nil
}
