package controls_test

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"
	"time"

	"github.com/sdescan/sdescan/checks/limits"
	"github.com/sdescan/sdescan/controls"
)

// The bounds on the files a user names (package limits): regular files only, a
// size limit per kind, and a budget for YAML aliases. Attack files are made here,
// never committed.

// billionLaughs is nine levels of ten aliases each: 10⁹ nodes once expanded;
// the sixth level (line 6) alone would expand past 64 MiB.
func billionLaughs() string {
	doc := "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
	prev := "a"
	for i := range 9 {
		name := string(rune('b' + i))
		doc += name + ": &" + name + " [" + strings.Repeat("*"+prev+", ", 9) + "*" + prev + "]\n"
		prev = name
	}
	return doc
}

// bigStringAliased is one 1 MiB string aliased 1000 times: 1 GiB once expanded,
// from a file of 1 MiB. The alias list starts on line 3.
func bigStringAliased(key string) string {
	return key + ": x\ns: &s " + strings.Repeat("x", 1<<20) + "\nl: [" + strings.Repeat("*s, ", 999) + "*s]\n"
}

// attackFiles makes, in a fresh folder, the files no reader may take whole or
// at all: a FIFO without a writer, a directory, a sparse file one byte past max,
// and (for YAML) the two alias bombs. /dev/zero is added by the caller's table.
func attackFiles(t *testing.T, max int64) map[string]string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"FIFO":      filepath.Join(dir, "fifo.yaml"),
		"directory": filepath.Join(dir, "dir.yaml"),
		"too large": filepath.Join(dir, "large.yaml"),
		"laughs":    filepath.Join(dir, "laughs.yaml"),
		"big alias": filepath.Join(dir, "alias.yaml"),
	}
	if err := syscall.Mkfifo(files["FIFO"], 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(files["directory"], 0o700); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(files["too large"])
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(max + 1); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if err := os.WriteFile(files["laughs"], []byte(billionLaughs()), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(files["big alias"], []byte(bigStringAliased("id")), 0o600); err != nil {
		t.Fatal(err)
	}
	return files
}

// within runs f, failing the test if it takes longer than a few seconds (a
// FIFO would block for ever, /dev/zero grow for ever).
func within(t *testing.T, f func() error) error {
	t.Helper()
	done := make(chan error, 1)
	start := time.Now()
	go func() { done <- f() }()
	select {
	case err := <-done:
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("took %v", d)
		}
		return err
	case <-time.After(20 * time.Second):
		t.Fatal("did not return: blocked or unbounded")
		return nil
	}
}

func TestUserFilesBounded(t *testing.T) {
	kindsList, err := controls.ParseAttestationKinds(builtinKinds(t), "attestations.yaml")
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]*controls.AttestationKind{}
	for _, k := range kindsList {
		kinds[k.ID] = k
	}
	for _, kind := range []struct {
		name string
		max  int64
		load func(file string) error
	}{
		{"waivers", limits.Waivers, func(file string) error {
			_, err := controls.LoadWaivers(file, nil)
			return err
		}},
		{"attestations", limits.Attestations, func(file string) error {
			_, err := controls.LoadAttestations(file, kinds)
			return err
		}},
	} {
		files := attackFiles(t, kind.max)
		for _, tc := range []struct {
			attack, file, want string
		}{
			{"/dev/zero", "/dev/zero", "not a regular file (a character device)"},
			{"FIFO", files["FIFO"], "not a regular file (a named pipe)"},
			{"directory", files["directory"], "not a regular file (a directory)"},
			{"too large", files["too large"], "larger than the " + limits.Size(kind.max) + " limit"},
			{"billion laughs", files["laughs"], ": line 6: YAML aliases expand to more than 64 MiB"},
			{"one large string aliased", files["big alias"], ": line 3: YAML aliases expand to more than 64 MiB"},
		} {
			t.Run(kind.name+"/"+tc.attack, func(t *testing.T) {
				err := within(t, func() error { return kind.load(tc.file) })
				if err == nil {
					t.Fatal("accepted")
				}
				msg := err.Error()
				if !strings.HasPrefix(msg, tc.file+": ") || !strings.Contains(msg, tc.want) || strings.ContainsAny(msg, "\r\n") {
					t.Errorf("error %q, want one line naming %s and saying %q", msg, tc.file, tc.want)
				}
			})
		}
	}
}

func TestFrameworkAliasesBounded(t *testing.T) {
	for _, tc := range []struct {
		name, doc, want string
	}{
		{"billion laughs", billionLaughs(), "mine.yaml: line 6: YAML aliases expand to more than 64 MiB"},
		{"one 1 MiB string aliased 1000 times", bigStringAliased("id"), "mine.yaml: line 3: YAML aliases expand to more than 64 MiB"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := within(t, func() error {
				_, err := controls.ParseFramework([]byte(tc.doc), "mine.yaml")
				return err
			})
			if err == nil || err.Error() != tc.want {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
		})
	}
	// A few aliases, as an author may use to share a list, are fine.
	var v struct {
		A []string `yaml:"a"`
		B []string `yaml:"b"`
	}
	if err := controls.DecodeYAMLStrict([]byte("a: &l [x, y]\nb: *l\n"), &v); err != nil || len(v.B) != 2 {
		t.Fatalf("got %+v, %v", v, err)
	}
	// Strictness is kept: an unknown key is refused.
	if err := controls.DecodeYAMLStrict([]byte("a: [x]\nc: 1\n"), &v); err == nil || !strings.Contains(err.Error(), "field c not found") {
		t.Fatalf("unknown key: got %v", err)
	}
}

// TestLoadFSBounded: the frameworks of a pack (verify loads them with LoadFS)
// are bounded as --framework-file is.
func TestLoadFSBounded(t *testing.T) {
	kinds := builtinKinds(t)
	good := "id: mine\ntitle: T\nversion: \"1\"\nsource: s\nvocabulary: sde\nrequirements:\n  - {id: r, title: R}\n"
	for _, tc := range []struct {
		name string
		fsys fstest.MapFS
		want string
	}{
		{"framework too large", fstest.MapFS{
			"attestations.yaml": {Data: kinds},
			"big.yaml":          {Data: []byte(good + strings.Repeat("#", limits.Framework))},
		}, "pack/big.yaml: larger than the 16 MiB limit for this kind of file"},
		{"attestation kinds too large", fstest.MapFS{
			"attestations.yaml": {Data: append(append([]byte{}, kinds...), strings.Repeat("#", limits.Framework)...)},
			"mine.yaml":         {Data: []byte(good)},
		}, "pack/attestations.yaml: larger than the 16 MiB limit for this kind of file"},
		{"framework not a regular file", fstest.MapFS{
			"attestations.yaml": {Data: kinds},
			"pipe.yaml":         {Mode: os.ModeNamedPipe},
		}, "pack/pipe.yaml: not a regular file (a named pipe)"},
		{"aliased framework", fstest.MapFS{
			"attestations.yaml": {Data: kinds},
			"bomb.yaml":         {Data: []byte(bigStringAliased("id"))},
		}, "pack/bomb.yaml: line 3: YAML aliases expand to more than 64 MiB"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := within(t, func() error {
				_, err := controls.LoadFS(tc.fsys, "pack", nil)
				return err
			})
			if err == nil || err.Error() != tc.want {
				t.Fatalf("got %v, want %q", err, tc.want)
			}
		})
	}
	cat, err := controls.LoadFS(fstest.MapFS{"attestations.yaml": {Data: kinds}, "mine.yaml": {Data: []byte(good)}}, "pack", nil)
	if err != nil || len(cat.Frameworks) != 1 {
		t.Fatalf("a framework within the limits: %v", err)
	}
}
