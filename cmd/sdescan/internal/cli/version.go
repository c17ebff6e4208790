package cli

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

func newVersionCmd(g *globalOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the sdescan version and the versions it was built with",
		Args:  noArgs(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			opa := "unknown"
			if bi, ok := debug.ReadBuildInfo(); ok {
				for _, d := range bi.Deps {
					if d.Path == "github.com/open-policy-agent/opa" {
						opa = d.Version
					}
				}
			}
			fmt.Fprintf(g.stdout, "sdescan %s (%s, OPA %s, %s/%s)\n", Version, runtime.Version(), opa, runtime.GOOS, runtime.GOARCH)
			return nil
		},
	}
}
