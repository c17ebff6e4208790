//go:build unix

package limits

import (
	"os"
	"syscall"
)

// openNonBlocking opens path without waiting for a writer when it is a FIFO.
func openNonBlocking(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
}

// setBlocking turns O_NONBLOCK off again for a regular file (where it has no
// effect on reads, but the file is handed on).
func setBlocking(f *os.File) error {
	return syscall.SetNonblock(int(f.Fd()), false)
}
