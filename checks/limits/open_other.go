//go:build !unix

package limits

import (
	"fmt"
	"os"
)

// openNonBlocking checks that path is a regular file before opening it, so
// opening never waits on a FIFO.
func openNonBlocking(path string) (*os.File, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("not a regular file (%s)", Kind(fi.Mode()))
	}
	return os.Open(path)
}

func setBlocking(*os.File) error { return nil }
