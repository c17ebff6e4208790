package engine

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sdescan/sdescan/checks"
)

// A policy folder holding a FIFO, a device link or an enormous file named
// *.rego is refused at once, naming the file, never read without bound.
func TestPolicyFilesBounded(t *testing.T) {
	for _, tc := range []struct {
		name string
		make func(t *testing.T, file string)
		want string
	}{
		{"FIFO", func(t *testing.T, file string) {
			if err := syscall.Mkfifo(file, 0o600); err != nil {
				t.Fatal(err)
			}
		}, "evil.rego: not a regular file (a named pipe)"},
		{"link to /dev/zero", func(t *testing.T, file string) {
			if err := os.Symlink("/dev/zero", file); err != nil {
				t.Fatal(err)
			}
		}, "evil.rego: not a regular file (a character device)"},
		{"larger than the limit", func(t *testing.T, file string) {
			f, err := os.Create(file)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if err := f.Truncate(64 << 20); err != nil {
				t.Fatal(err)
			}
		}, "evil.rego: larger than the 4 MiB limit"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			tc.make(t, filepath.Join(dir, "evil.rego"))
			done := make(chan error, 1)
			go func() {
				_, err := New(checks.PolicySource{Name: dir, FS: os.DirFS(dir)})
				done <- err
			}()
			select {
			case err := <-done:
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("got %v, want an error containing %q", err, tc.want)
				}
			case <-time.After(20 * time.Second):
				t.Fatal("New did not return")
			}
		})
	}
}
