// Command sdescan tells the operator of an NHS secure data environment how far its
// estate is from accreditation. See README.md and `sdescan --help`.
package main

import (
	"context"
	"os"
	"os/signal"

	"github.com/sdescan/sdescan/cmd/sdescan/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := cli.Main(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
