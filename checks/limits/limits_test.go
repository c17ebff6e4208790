package limits

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	small := filepath.Join(dir, "small.yaml")
	if err := os.WriteFile(small, []byte("a: 1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big.yaml")
	if err := os.WriteFile(big, make([]byte, 2048), 0o600); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.yaml")
	if err := os.Symlink(small, link); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, path string
		want       string // error text; empty: read
	}{
		{"regular", small, ""},
		{"symlink to a regular file", link, ""},
		{"larger than the limit", big, "big.yaml: larger than the 1 KiB limit"},
		{"FIFO without a writer", fifo, "fifo: not a regular file (a named pipe)"},
		{"device", "/dev/zero", "/dev/zero: not a regular file (a character device)"},
		{"directory", dir, "not a regular file (a directory)"},
		{"missing", filepath.Join(dir, "none"), "none: no such file or directory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			done := make(chan struct{})
			var data []byte
			var err error
			go func() {
				defer close(done)
				data, err = ReadFile(tc.path, 1024)
			}()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("ReadFile blocked")
			}
			if tc.want == "" {
				if err != nil || string(data) != "a: 1\n" {
					t.Fatalf("got %q, %v", data, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want it to contain %q", err, tc.want)
			}
			if strings.Count(err.Error(), tc.path) != 1 {
				t.Errorf("error %q should name the file once", err)
			}
		})
	}
}

func TestReadFS(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "f"), make([]byte, 100), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadFS(os.DirFS(dir), "f", 100); err != nil {
		t.Fatal(err)
	}
	_, err := ReadFS(os.DirFS(dir), "f", 99)
	var le *Error
	if !errors.As(err, &le) || le.Path != "f" {
		t.Fatalf("got %v, want a limits.Error for f", err)
	}
	// ReadFSNamed names the file as the user knows it; a FIFO is refused
	// without opening it (which would block), a missing file is not found.
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, want string }{
		{"f", "pack.zip: evidence/f: larger than the 99 bytes limit for this kind of file"},
		{"fifo", "pack.zip: evidence/fifo: not a regular file (a named pipe)"},
		{"none", "pack.zip: evidence/none: not found"},
	} {
		_, err := ReadFSNamed(os.DirFS(dir), tc.name, "pack.zip: evidence/"+tc.name, 99)
		if err == nil || err.Error() != tc.want {
			t.Errorf("%s: got %v, want %q", tc.name, err, tc.want)
		}
		if tc.name == "none" && !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("none: %v is not fs.ErrNotExist", err)
		}
	}
}

func TestAliases(t *testing.T) {
	laughs := "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
	prev := "a"
	for i := range 9 {
		name := string(rune('b' + i))
		laughs += name + ": &" + name + " [" + strings.Repeat("*"+prev+", ", 9) + "*" + prev + "]\n"
		prev = name
	}
	bigString := "s: &s " + strings.Repeat("x", 1<<20) + "\nl: [" + strings.Repeat("*s, ", 200) + "*s]\n"
	for _, tc := range []struct {
		name, doc string
		want      string // empty: within the budget
	}{
		{"no aliases", "a: [1, 2, 3]\nb: {c: d}\n", ""},
		{"a few aliases", "base: &base {x: 1, y: 2}\none: *base\ntwo: *base\n", ""},
		{"merge keys", "base: &base {x: 1}\none:\n  <<: *base\n  y: 2\n", ""},
		{"billion laughs", laughs, "YAML aliases expand to more than 1 MiB"},
		{"one large string aliased many times", bigString, "YAML aliases expand to more than 1 MiB"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var n yaml.Node
			if err := yaml.Unmarshal([]byte(tc.doc), &n); err != nil {
				t.Fatal(err)
			}
			// A budget of the text's own size and 1 MiB more: the two attacks
			// expand to far more, the honest documents to less.
			err := Aliases(&n, 1<<20+int64(len(tc.doc)))
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), "YAML aliases expand to more than") || !strings.HasPrefix(err.Error(), "line ") {
				t.Fatalf("got %v, want %q with a line", err, tc.want)
			}
		})
	}
}
