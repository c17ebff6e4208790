// Command mangen writes sdescan's man pages (section 1, one per command) with
// cobra's generator: `make man` and `make install` run it.
//
//	go run ./cmd/sdescan/internal/mangen DIR
//
// The pages carry the date SOURCE_DATE_EPOCH gives (the Makefile passes the
// commit's date), else the Unix epoch: never the wall clock, so that one commit
// gives the same pages. It is a program of its own, not an sdescan command, so
// the binary does not link a man page generator; it lives under internal/ so that
// nothing imports it.
package main

import (
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/spf13/cobra/doc"

	"github.com/sdescan/sdescan/cmd/sdescan/internal/cli"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: mangen DIR")
		os.Exit(2)
	}
	if err := generate(os.Args[1], os.Getenv("SOURCE_DATE_EPOCH")); err != nil {
		fmt.Fprintln(os.Stderr, "mangen:", err)
		os.Exit(1)
	}
}

// generate writes one page per available command into dir.
func generate(dir, epoch string) error {
	date := time.Unix(0, 0).UTC()
	if epoch != "" {
		sec, err := strconv.ParseInt(epoch, 10, 64)
		if err != nil {
			return fmt.Errorf("SOURCE_DATE_EPOCH %q: not a number of seconds", epoch)
		}
		date = time.Unix(sec, 0).UTC()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	root := cli.Command()
	root.InitDefaultCompletionCmd() // cobra adds it when the command runs: document it too
	root.DisableAutoGenTag = true
	return doc.GenManTree(root, &doc.GenManHeader{
		Title:   "SDESCAN",
		Section: "1",
		Date:    &date,
		Source:  "sdescan " + cli.Version,
		Manual:  "sdescan manual",
	}, dir)
}
