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
	"time"

	"gopkg.in/yaml.v3"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/controls"
)

// The fuzz targets assert only what every input must satisfy: no panic, and an
// error is one line that starts with the file name. Run them with, e.g.,
//
//	go test ./controls -run '^$' -fuzz '^FuzzParseFramework$' -fuzztime 20s

const fuzzFile = "fuzz/input.yaml"

// maxFuzzInput bounds the inputs the targets parse. Go's fuzzer minimises every
// new interesting input for up to a minute, and minimising an 80 KiB catalogue
// would take a whole `make fuzz` run; the full files are covered by unit tests.
const maxFuzzInput = 8 << 10

// addSeeds adds every file matching the glob patterns to the fuzz corpus, each
// passed through shrink.
func addSeeds(f *testing.F, shrink func(f *testing.F, data []byte, file string) []byte, patterns ...string) {
	f.Helper()
	n := 0
	for _, p := range patterns {
		files, err := filepath.Glob(p)
		if err != nil {
			f.Fatal(err)
		}
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(shrink(f, data, file))
			n++
		}
	}
	if n == 0 {
		f.Fatalf("no seed files match %v", patterns)
	}
}

// asIs keeps a seed file unchanged.
func asIs(f *testing.F, data []byte, file string) []byte {
	if len(data) > maxFuzzInput {
		f.Fatalf("seed %s is larger than %d bytes", file, maxFuzzInput)
	}
	return data
}

// frameworkSeed keeps a small framework file as it is, and cuts a large one down
// to its first requirements (and the groups they sit in) so that it still parses.
func frameworkSeed(f *testing.F, data []byte, file string) []byte {
	if len(data) <= maxFuzzInput || strings.HasSuffix(file, ".mapping.yaml") || filepath.Base(file) == "attestations.yaml" {
		return data
	}
	fw, err := controls.ParseFramework(data, file)
	if err != nil {
		f.Fatal(err)
	}
	var best []byte
	for k := 1; k <= len(fw.Requirements); k++ {
		small := *fw
		small.Notes = ""
		small.Requirements = fw.Requirements[:k]
		small.Groups = groupsOf(fw.Groups, small.Requirements)
		out, err := yaml.Marshal(&small)
		if err != nil {
			f.Fatal(err)
		}
		if len(out) > maxFuzzInput {
			break
		}
		best = out
	}
	if best == nil {
		f.Fatalf("cannot cut %s below %d bytes", file, maxFuzzInput)
	}
	if _, err := controls.ParseFramework(best, file); err != nil {
		f.Fatalf("cut seed of %s does not parse: %v", file, err)
	}
	return best
}

// groupsOf keeps the groups (and their ancestors) that requirements sit in, in order.
func groupsOf(groups []controls.Group, reqs []controls.Requirement) []controls.Group {
	parent := map[string]string{}
	for _, g := range groups {
		parent[g.ID] = g.Parent
	}
	keep := map[string]bool{}
	for _, r := range reqs {
		for g := r.Group; g != "" && !keep[g]; g = parent[g] {
			keep[g] = true
		}
	}
	var out []controls.Group
	for _, g := range groups {
		if keep[g.ID] {
			out = append(out, g)
		}
	}
	return out
}

// checkError is the fuzz targets' one assertion about an error.
func checkError(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	msg := err.Error()
	if strings.ContainsAny(msg, "\r\n") {
		t.Fatalf("error is not one line: %q", msg)
	}
	if !strings.HasPrefix(msg, fuzzFile+": ") {
		t.Fatalf("error does not start with the file name: %q", msg)
	}
}

func FuzzParseFramework(f *testing.F) {
	addSeeds(f, frameworkSeed, "frameworks/*.yaml")
	f.Add([]byte("id: x\ntitle: T\nversion: \"1\"\nsource: s\nvocabulary: satre\ngroups: [{id: g, title: G}, {id: h, title: H, parent: g}]\nrequirements:\n  - {id: r, title: R, group: h, importance: Mandatory, checks: [AWS-S3-001], attestations: [pentest]}\n"))
	f.Add([]byte("a: &a [*a]\n"))
	kinds, err := controls.ParseAttestationKinds(builtinKinds(f), "attestations.yaml")
	if err != nil {
		f.Fatal(err)
	}
	resolve := func(id string) (string, bool) { return strings.ToUpper(id), strings.HasPrefix(id, "AWS-") }
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > maxFuzzInput {
			return
		}
		fw, err := controls.ParseFramework(data, fuzzFile)
		checkError(t, err)
		if err != nil {
			return
		}
		// A parsed framework can be added to a catalogue; a rejection is one line too.
		cat := &controls.Catalogue{Kinds: map[string]*controls.AttestationKind{}}
		for _, k := range kinds {
			cat.Kinds[k.ID] = k
		}
		checkError(t, cat.Add(fw, resolve))
	})
}

func FuzzParseAttestations(f *testing.F) {
	addSeeds(f, asIs, "testdata/attestations/*.yaml")
	f.Add([]byte("attestations:\n  - {id: pentest, attested_by: abc, date: 2026-01-01, statement: 0123456789, details: {a: 1.5e3, b: .inf}}\n"))
	kindsList, err := controls.ParseAttestationKinds(builtinKinds(f), "attestations.yaml")
	if err != nil {
		f.Fatal(err)
	}
	kinds := map[string]*controls.AttestationKind{}
	for _, k := range kindsList {
		kinds[k.ID] = k
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > maxFuzzInput {
			return
		}
		_, err := controls.ParseAttestations(data, fuzzFile, nil)
		checkError(t, err)
		list, err := controls.ParseAttestations(data, fuzzFile, kinds)
		checkError(t, err)
		if err != nil {
			return
		}
		// Judging what parsed must not panic either.
		cat := &controls.Catalogue{Kinds: kinds}
		controls.Assess(controls.Input{Covering: testCovering, Catalogue: cat, Attestations: list, AsOf: time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)})
	})
}

// FuzzLoadAttestations loads attestations whose documents are read from a folder
// holding a document, a symbolic link inside it, links out of it, a directory and
// a named pipe, through the folder's os.Root and through an os.DirFS. Whatever the
// file or the cited path: no panic, no hang, an error is one line naming the file,
// and the file outside the folder is never hashed.
func FuzzLoadAttestations(f *testing.F) {
	seeds, err := filepath.Glob("testdata/attestations/*.yaml")
	if err != nil || len(seeds) == 0 {
		f.Fatalf("no seed files: %v", err)
	}
	for _, file := range seeds {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(asIs(f, data, file), "evidence/pentest-summary.txt")
	}
	kindsList, err := controls.ParseAttestationKinds(builtinKinds(f), "attestations.yaml")
	if err != nil {
		f.Fatal(err)
	}
	kinds := map[string]*controls.AttestationKind{}
	for _, k := range kindsList {
		kinds[k.ID] = k
	}
	outside := f.TempDir()
	const secret = "outside the attestation folder"
	if err := os.WriteFile(filepath.Join(outside, "secret.txt"), []byte(secret), 0o644); err != nil {
		f.Fatal(err)
	}
	secretSum := sha256.Sum256([]byte(secret))
	folder := filepath.Join(outside, "att")
	if err := os.MkdirAll(filepath.Join(folder, "evidence"), 0o755); err != nil {
		f.Fatal(err)
	}
	for name, body := range map[string]string{"evidence/pentest-summary.txt": "summary\n", "evidence/dpia.pdf": "%PDF-1.4\n"} {
		if err := os.WriteFile(filepath.Join(folder, name), []byte(body), 0o644); err != nil {
			f.Fatal(err)
		}
	}
	for link, target := range map[string]string{"in.txt": "evidence/pentest-summary.txt", "out.txt": "../secret.txt", "abs.txt": filepath.Join(outside, "secret.txt"), "up": "..", "loop": "loop", "evidence/back.txt": "../in.txt"} {
		if err := os.Symlink(target, filepath.Join(folder, link)); err != nil {
			f.Fatal(err)
		}
	}
	if err := syscall.Mkfifo(filepath.Join(folder, "pipe"), 0o600); err != nil {
		f.Fatal(err)
	}
	const file = "att.yaml"
	if err := os.WriteFile(filepath.Join(folder, file), []byte("attestations: []\n"), 0o644); err != nil {
		f.Fatal(err)
	}
	rootFS, _, err := controls.OpenAttestationDir(filepath.Join(folder, file))
	if err != nil {
		f.Fatal(err)
	}
	for _, d := range []string{"evidence/pentest-summary.txt", "in.txt", "out.txt", "abs.txt", "up/secret.txt", "loop", "pipe", "evidence", "../secret.txt", "evidence/back.txt", "/etc/passwd", "evidence/../in.txt"} {
		f.Add([]byte("attestations:\n  - {id: pentest, attested_by: abc, date: 2026-01-01, statement: 0123456789, documents: [{path: '"+d+"'}]}\n"), d)
	}
	fsyss := []fs.FS{rootFS, os.DirFS(folder)}
	f.Fuzz(func(t *testing.T, data []byte, doc string) {
		if len(data) > maxFuzzInput || len(doc) > 256 {
			return
		}
		// The file as fuzzed, and a well-formed file citing the fuzzed path.
		cited, err := yaml.Marshal(map[string]any{"attestations": []map[string]any{{
			"id": "pentest", "attested_by": "abc", "date": "2026-01-01", "statement": "0123456789",
			"documents": []map[string]string{{"path": doc}},
		}}})
		if err != nil {
			t.Fatal(err)
		}
		for _, in := range [][]byte{data, cited} {
			if err := os.WriteFile(filepath.Join(folder, file), in, 0o644); err != nil {
				t.Fatal(err)
			}
			for _, fsys := range fsyss {
				list, err := controls.LoadAttestationsFS(fsys, file, fuzzFile, kinds)
				checkError(t, err)
				for _, a := range list {
					for _, d := range a.Documents {
						if d.Path != "" && d.Size > 0 && d.SHA256 == hex.EncodeToString(secretSum[:]) {
							t.Fatalf("document %q outside the folder was hashed", d.Path)
						}
					}
				}
			}
		}
	})
}

func FuzzParseWaivers(f *testing.F) {
	addSeeds(f, asIs, "testdata/waivers/*.yaml")
	f.Add([]byte("waivers:\n  - {id: x, check: AWS-S3-001, resource: '*?*', reason: 0123456789, approver: abc, expires: 9999-12-31, approved_on: 0001-01-01}\n"))
	resolve := func(id string) (string, bool) { return id, strings.HasPrefix(id, "AWS-") }
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > maxFuzzInput {
			return
		}
		_, err := controls.ParseWaivers(data, fuzzFile, nil)
		checkError(t, err)
		list, err := controls.ParseWaivers(data, fuzzFile, resolve)
		checkError(t, err)
		at := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
		for _, w := range list {
			w.Expired(at)
			w.Matches(w.Check, w.Resource)
			checks.Glob(w.Resource, "aws://111111111111/eu-west-2/s3/bucket/research-raw")
		}
	})
}
