package controls

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/sdescan/sdescan/checks/limits"
)

// dateLayout is how dates are written in attestation and waiver files.
const dateLayout = "2006-01-02"

// Attestation is one piece of human evidence from an attestations file.
type Attestation struct {
	ID         string            `yaml:"id" json:"id"`
	AttestedBy string            `yaml:"attested_by" json:"attested_by"`
	Role       string            `yaml:"role,omitempty" json:"role,omitempty"`
	Date       string            `yaml:"date" json:"date"`
	Expires    string            `yaml:"expires,omitempty" json:"expires,omitempty"`
	Statement  string            `yaml:"statement" json:"statement"`
	Scope      string            `yaml:"scope,omitempty" json:"scope,omitempty"`
	Documents  []Document        `yaml:"documents,omitempty" json:"documents,omitempty"`
	Details    map[string]string `yaml:"details,omitempty" json:"details,omitempty"`

	// File is the attestations file it came from (as given by the user).
	File string `yaml:"-" json:"file"`
	// Problems found while loading (a missing document, a digest mismatch):
	// an attestation with problems is invalid, not valid.
	Problems []string `yaml:"-" json:"problems,omitempty"`

	date, expires time.Time
}

// Document backs an attestation: a file beside it (digest recorded) or a URL.
type Document struct {
	Path   string `yaml:"path,omitempty" json:"path,omitempty"`
	URL    string `yaml:"url,omitempty" json:"url,omitempty"`
	SHA256 string `yaml:"sha256,omitempty" json:"sha256,omitempty"`
	Title  string `yaml:"title,omitempty" json:"title,omitempty"`
	Size   int64  `yaml:"-" json:"size,omitempty"`
}

// maxDocumentSize bounds how much of one attested document is hashed.
const maxDocumentSize = 512 << 20

// ParseAttestations parses an attestations file. Documents are not read here
// (see LoadAttestations); kinds are checked against the catalogue when given.
func ParseAttestations(data []byte, file string, kinds map[string]*AttestationKind) ([]*Attestation, error) {
	list, err := parseAttestations(data, file, kinds)
	return list, oneLine(err)
}

func parseAttestations(data []byte, file string, kinds map[string]*AttestationKind) ([]*Attestation, error) {
	if err := compiledSchemas(); err != nil {
		return nil, err
	}
	var doc struct {
		Attestations []*Attestation `yaml:"attestations"`
	}
	if err := decodeValidated(data, attestationsSc, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	for i, a := range doc.Attestations {
		a.File = file
		var err error
		if a.date, err = parseDate(a.Date); err != nil {
			return nil, fmt.Errorf("%s: attestations[%d] (%s): date: %w", file, i, a.ID, err)
		}
		if a.Expires != "" {
			if a.expires, err = parseDate(a.Expires); err != nil {
				return nil, fmt.Errorf("%s: attestations[%d] (%s): expires: %w", file, i, a.ID, err)
			}
			if a.expires.Before(a.date) {
				return nil, fmt.Errorf("%s: attestations[%d] (%s): expires %s is before its date %s", file, i, a.ID, a.Expires, a.Date)
			}
		}
		if kinds != nil {
			if _, ok := kinds[a.ID]; !ok {
				return nil, fmt.Errorf("%s: attestations[%d]: unknown attestation kind %q (list them with `sdescan controls attestations`)", file, i, a.ID)
			}
		}
	}
	return doc.Attestations, nil
}

// LoadAttestations reads an attestations file and records the digest of every
// document it cites by path (relative to the file). A missing or altered document
// is a problem of that attestation, which then does not count as evidence.
func LoadAttestations(file string, kinds map[string]*AttestationKind) ([]*Attestation, error) {
	fsys, base, err := OpenAttestationDir(file)
	if err != nil {
		return nil, err
	}
	return LoadAttestationsFS(fsys, base, file, kinds)
}

// OpenAttestationDir opens the folder of an attestations file as a file system that
// cannot be left (an os.Root: a path or symbolic link that resolves outside it is
// refused, by the kernel's openat, not by a check that could race), and returns it
// with the file's name in it. The documents the file cites, and the file itself, are
// read through it: by LoadAttestationsFS and when they are copied into a pack. When
// the file is itself a symbolic link, the folder is that of the file it points to.
func OpenAttestationDir(file string) (fs.FS, string, error) {
	abs, err := filepath.Abs(file)
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", file, err)
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return nil, "", fmt.Errorf("%s: %s", file, cleanPathError(cleanFSError(err)))
	}
	root, err := os.OpenRoot(filepath.Dir(real))
	if err != nil {
		return nil, "", fmt.Errorf("%s: %s", file, cleanPathError(cleanFSError(err)))
	}
	// The root stays open as long as the file system is used (a pack is written
	// after loading); its finaliser closes it.
	return root.FS(), filepath.Base(real), nil
}

func cleanPathError(err error) string {
	if os.IsNotExist(err) {
		return "not found"
	}
	return err.Error()
}

func parseDate(s string) (time.Time, error) {
	t, err := time.Parse(dateLayout, strings.TrimSpace(s))
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a date (want YYYY-MM-DD)", s)
	}
	return t, nil
}

// endOfDay is the last instant a date-valued expiry still holds.
func endOfDay(t time.Time) time.Time { return t.Add(day - time.Nanosecond) }

const day = 24 * time.Hour

// floorDays is d in whole days, rounded down (integer arithmetic, no float error).
func floorDays(d time.Duration) int {
	n := d / day
	if d%day < 0 {
		n--
	}
	return int(n)
}

// Attestation statuses.
const (
	AttValid   = "valid"
	AttExpired = "expired"
	AttInvalid = "invalid"
	AttMissing = "missing"
)

// AttestationResult is how one attestation kind stands at the assessment time.
type AttestationResult struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	Status  string `json:"status"`
	Date    string `json:"date,omitempty"`
	Expires string `json:"expires,omitempty"`
	// DaysLeft until expiry (negative once expired); absent when it never expires.
	DaysLeft   *int       `json:"days_left,omitempty"`
	AttestedBy string     `json:"attested_by,omitempty"`
	File       string     `json:"file,omitempty"`
	Documents  []Document `json:"documents,omitempty"`
	Reason     string     `json:"reason,omitempty"`
}

// judgeAttestations decides, per attestation kind, the best evidence supplied:
// a valid attestation wins over an expired or invalid one, a newer over an older.
func judgeAttestations(list []*Attestation, kinds map[string]*AttestationKind, asOf time.Time) map[string]AttestationResult {
	out := map[string]AttestationResult{}
	rank := map[string]int{AttValid: 3, AttExpired: 2, AttInvalid: 1}
	for _, a := range list {
		k := kinds[a.ID]
		r := AttestationResult{ID: a.ID, Date: a.Date, AttestedBy: a.AttestedBy, File: a.File, Documents: a.Documents}
		if k != nil {
			r.Title = k.Title
		}
		expiry := a.expires
		if k != nil && k.MaxAgeDays != nil && *k.MaxAgeDays > 0 {
			byAge := a.date.AddDate(0, 0, *k.MaxAgeDays)
			if expiry.IsZero() || byAge.Before(expiry) {
				expiry = byAge
			}
		}
		if !expiry.IsZero() {
			r.Expires = expiry.Format(dateLayout)
			// Whole days, in integer arithmetic: a float of hours rounds
			// 207.99999… days up to 208 when asOf is a midnight.
			days := int(endOfDay(expiry).Sub(asOf) / day)
			if asOf.After(endOfDay(expiry)) {
				days = -int(asOf.Sub(endOfDay(expiry))/day) - 1
			}
			r.DaysLeft = &days
		}
		switch {
		case a.date.After(asOf):
			r.Status, r.Reason = AttInvalid, fmt.Sprintf("dated %s, after the assessment time %s", a.Date, asOf.Format(dateLayout))
		case len(a.Problems) > 0:
			r.Status, r.Reason = AttInvalid, strings.Join(a.Problems, "; ")
		case !expiry.IsZero() && asOf.After(endOfDay(expiry)):
			r.Status, r.Reason = AttExpired, fmt.Sprintf("expired on %s", r.Expires)
		default:
			r.Status = AttValid
		}
		prev, seen := out[a.ID]
		if !seen || rank[r.Status] > rank[prev.Status] || (rank[r.Status] == rank[prev.Status] && r.Date > prev.Date) {
			out[a.ID] = r
		}
	}
	return out
}

// sortedAttestationResults lists results by kind ID.
func sortedAttestationResults(m map[string]AttestationResult) []AttestationResult {
	out := make([]AttestationResult, 0, len(m))
	for _, r := range m {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// LoadAttestationsFS is LoadAttestations over a file system: the file and the
// documents it cites (relative to it) are read from fsys; name is how the file is
// reported.
func LoadAttestationsFS(fsys fs.FS, file, name string, kinds map[string]*AttestationKind) ([]*Attestation, error) {
	data, err := readAttestationsFS(fsys, file, name)
	if err != nil {
		return nil, err
	}
	list, err := ParseAttestations(data, name, kinds)
	if err != nil {
		return nil, err
	}
	dir := path.Dir(file)
	for _, a := range list {
		for i := range a.Documents {
			d := &a.Documents[i]
			if d.Path == "" {
				continue
			}
			sum, size, err := digestFSFile(fsys, dir, d.Path)
			var escape *documentError
			switch {
			case errors.As(err, &escape):
				// Outside the folder or not a regular file: the run stops.
				return nil, fmt.Errorf("%s: document %s: %s", name, d.Path, escape.what)
			case err != nil:
				a.Problems = append(a.Problems, fmt.Sprintf("document %s: %v", d.Path, cleanPathError(err)))
			case d.SHA256 != "" && d.SHA256 != sum:
				a.Problems = append(a.Problems, fmt.Sprintf("document %s has changed since it was attested (sha256 %s, attested %s)", d.Path, sum[:12], d.SHA256[:12]))
			default:
				d.SHA256, d.Size = sum, size
			}
		}
	}
	return list, nil
}

func cleanFSError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// documentError is a cited document that must stop the run: a path or symbolic
// link that leaves the attestation file's folder, or something that is not a
// regular file (a directory, a FIFO, a device). A missing or unreadable document
// only makes its attestation invalid.
type documentError struct{ what string }

func (e *documentError) Error() string { return e.what }

// maxSymlinkHops bounds the symbolic links followed while resolving one document.
const maxSymlinkHops = 40

// resolveDocument resolves p, a document path relative to dir, inside dir: ".."
// may not climb above dir, and every symbolic link on the way (when fsys can read
// links, as os.DirFS and an os.Root's FS can) is followed and must stay inside dir
// too; an absolute link target is refused (as os.Root refuses it). It returns the
// resolved path in fsys, which names no symbolic link.
func resolveDocument(fsys fs.FS, dir, p string) (string, error) {
	if p == "" || strings.HasPrefix(p, "/") || filepath.IsAbs(p) {
		return "", &documentError{"is not a relative path inside the attestation file's folder"}
	}
	rl, canLink := fsys.(fs.ReadLinkFS)
	rest := strings.Split(p, "/")
	var cur []string // resolved components below dir
	hops := 0
	for len(rest) > 0 {
		c := rest[0]
		rest = rest[1:]
		switch c {
		case "", ".":
			continue
		case "..":
			if len(cur) == 0 {
				return "", &documentError{"leaves the attestation file's folder"}
			}
			cur = cur[:len(cur)-1]
			continue
		}
		next := path.Join(dir, path.Join(append(cur, c)...))
		if !fs.ValidPath(next) {
			return "", &documentError{"is not a valid path inside the attestation file's folder"}
		}
		if !canLink {
			cur = append(cur, c)
			continue
		}
		fi, err := rl.Lstat(next)
		if err != nil {
			return "", err
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			cur = append(cur, c)
			continue
		}
		if hops++; hops > maxSymlinkHops {
			return "", &documentError{"too many symbolic links"}
		}
		target, err := rl.ReadLink(next)
		if err != nil {
			return "", err
		}
		if target == "" || strings.HasPrefix(target, "/") || filepath.IsAbs(target) {
			return "", &documentError{"is a symbolic link to an absolute path (only relative links that stay inside the attestation file's folder are followed)"}
		}
		rest = append(strings.Split(filepath.ToSlash(target), "/"), rest...)
		// A link's ".." climbing above dir is caught as the components are taken.
	}
	if len(cur) == 0 {
		return "", &documentError{"is the attestation file's folder, not a file"}
	}
	return path.Join(dir, path.Join(cur...)), nil
}

// digestFSFile hashes the document p (relative to dir) of fsys, after resolving it
// inside dir (resolveDocument) and checking it is a regular file before opening it
// (opening a FIFO would block).
func digestFSFile(fsys fs.FS, dir, p string) (string, int64, error) {
	full, err := resolveDocument(fsys, dir, p)
	if err != nil {
		return "", 0, err
	}
	st, err := fs.Stat(fsys, full)
	if err != nil {
		return "", 0, err
	}
	if !st.Mode().IsRegular() {
		return "", 0, &documentError{"is not a regular file (" + limits.Kind(st.Mode()) + ")"}
	}
	fh, err := fsys.Open(full)
	if err != nil {
		return "", 0, err
	}
	defer fh.Close()
	if st, err = fh.Stat(); err != nil {
		return "", 0, err
	}
	if !st.Mode().IsRegular() {
		return "", 0, &documentError{"is not a regular file (" + limits.Kind(st.Mode()) + ")"}
	}
	h := sha256.New()
	n, err := io.Copy(h, io.LimitReader(fh, maxDocumentSize+1))
	if err != nil {
		return "", 0, err
	}
	if n > maxDocumentSize {
		return "", 0, fmt.Errorf("larger than %d MiB", maxDocumentSize>>20)
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}
