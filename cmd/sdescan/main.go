// Command sdescan tells the operator of an NHS secure data environment how far its
// estate is from accreditation. See README.md and `sdescan --help`.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/sdescan/sdescan/cmd/sdescan/internal/cli"
)

func main() {
	// Ctrl-C or SIGTERM (a container being stopped) cancels the run, which stops
	// cleanly (exit 130, no partial output). The first signal also restores the
	// default behaviour, so a second one ends the process at once, even in a step
	// that does not watch for cancellation.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop()
	}()
	code := cli.Main(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
