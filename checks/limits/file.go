package limits

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// Size limits of the files a user names, by kind. Facts are not listed: they
// are read as a stream (regular files only, see Open).
const (
	// Config is the limit of sdescan.yaml.
	Config = 1 << 20
	// Attestations is the limit of an attestations file (not of the documents
	// it cites, which are hashed as a stream).
	Attestations = 8 << 20
	// Waivers is the limit of a waivers file.
	Waivers = 8 << 20
	// Framework is the limit of a framework file (--framework-file, packed
	// frameworks); the largest shipped one is under 100 KiB.
	Framework = 16 << 20
	// Key is the limit of a key file (an ed25519 key is under 200 bytes as PEM).
	Key = 64 << 10
	// Baseline is the limit of an IaC or image gate baseline (a SARIF or JSON
	// report of an earlier run).
	Baseline = 256 << 20
	// Assessment is the limit of a previous assessment or pack entry read
	// whole (diff, report).
	Assessment = 256 << 20
	// Policy is the limit of one Rego file.
	Policy = 4 << 20
	// Variables is the limit of a Terraform or Helm variables file
	// (--tf-vars, --helm-values), as of each file infrastructure code is
	// parsed from.
	Variables = 8 << 20
)

// Error is a limit an input went past, or an input that is not a regular file.
// Its text names the file.
type Error struct {
	Path string
	What string
}

func (e *Error) Error() string { return e.Path + ": " + e.What }

// Open opens path for reading after checking, without blocking, that it is a
// regular file: a directory, FIFO, socket or device (such as /dev/zero) is an
// *Error. Symbolic links are followed. The caller closes the file.
func Open(path string) (*os.File, error) {
	f, err := openNonBlocking(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, cleanPathError(err))
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, cleanPathError(err))
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, &Error{Path: path, What: "not a regular file (" + Kind(fi.Mode()) + ")"}
	}
	if err := setBlocking(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return f, nil
}

// ReadFile reads a regular file of at most max bytes whole. Errors name the
// file: not found, not a regular file, or larger than the limit.
func ReadFile(path string, max int64) ([]byte, error) {
	f, err := Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// Refused without reading when its size says so (it may still grow).
	if fi, err := f.Stat(); err == nil && fi.Size() > max {
		return nil, tooLarge(path, max)
	}
	return ReadAll(f, path, max)
}

// ReadFS reads a regular file of fsys of at most max bytes whole (for files
// inside a pack or a folder given as an fs.FS). Errors name the file as name.
func ReadFS(fsys fs.FS, name string, max int64) ([]byte, error) {
	return ReadFSNamed(fsys, name, name, max)
}

// ReadFSNamed is ReadFS with errors naming the file as shown: the name the user
// knows it by (the file they gave, or its place in a pack). The file type is
// checked before the file is opened (opening a FIFO would block); a missing
// file is "not found" (fs.ErrNotExist).
func ReadFSNamed(fsys fs.FS, name, shown string, max int64) ([]byte, error) {
	fi, err := fs.Stat(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", shown, fsError(err))
	}
	if !fi.Mode().IsRegular() {
		return nil, &Error{Path: shown, What: "not a regular file (" + Kind(fi.Mode()) + ")"}
	}
	if fi.Size() > max {
		return nil, tooLarge(shown, max)
	}
	f, err := fsys.Open(name)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", shown, fsError(err))
	}
	defer f.Close()
	return ReadAll(f, shown, max)
}

// fsError is cleanPathError with a missing file said as "not found".
func fsError(err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return notFound{}
	}
	return cleanPathError(err)
}

// notFound says "not found" and is fs.ErrNotExist.
type notFound struct{}

func (notFound) Error() string        { return "not found" }
func (notFound) Is(target error) bool { return target == fs.ErrNotExist }

// ReadAll reads r to its end, refusing more than max bytes; name is the
// input's name in the error.
func ReadAll(r io.Reader, name string, max int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, cleanPathError(err))
	}
	if int64(len(data)) > max {
		return nil, tooLarge(name, max)
	}
	return data, nil
}

func tooLarge(name string, max int64) error {
	return &Error{Path: name, What: "larger than the " + Size(max) + " limit for this kind of file"}
}

// Size writes a byte count for messages: "16 MiB", "64 KiB", "100 bytes".
func Size(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// Kind names what a file that is not regular is, for messages: "a named
// pipe", "a directory", "a character device", ...
func Kind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	}
	return "an irregular file"
}

// cleanPathError drops the path an *fs.PathError repeats (callers name the
// file once).
func cleanPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
