package checks

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestReadFactsFileRegularOnly: facts have no size limit, but a FIFO, a device
// or a directory is refused at once, with one line naming the file.
func TestReadFactsFileRegularOnly(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "facts.json")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ file, want string }{
		{"/dev/zero", "/dev/zero: not a regular file (a character device)"},
		{fifo, fifo + ": not a regular file (a named pipe)"},
		{dir, dir + ": not a regular file (a directory)"},
		{filepath.Join(dir, "none.json"), filepath.Join(dir, "none.json") + ": no such file or directory"},
	} {
		done := make(chan error, 1)
		go func() {
			_, err := ReadFactsFile(tc.file)
			done <- err
		}()
		select {
		case err := <-done:
			if err == nil || err.Error() != tc.want {
				t.Errorf("%s: got %v, want %q", tc.file, err, tc.want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: ReadFactsFile blocked", tc.file)
		}
	}
	// A regular file is read as before.
	f, err := ReadFactsFile("../fixtures/demo/facts.json")
	if err != nil || len(f.Resources) == 0 {
		t.Fatalf("demo facts: %v", err)
	}
	if _, err := ReadFactsFile("../fixtures/demo/facts.json/x"); err == nil || strings.Contains(err.Error(), "\n") {
		t.Fatalf("a path through a file: %v", err)
	}
}
