package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/sdescan/sdescan/collectors/aws"
)

func newIAMPolicyCmd(g *globalOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "iam-policy",
		Short: "Print the least-privilege, read-only IAM policy the AWS collector needs",
		Long: `iam-policy prints the IAM policy document granting exactly the read operations the
AWS collector may call. It is generated from the same allow-list that the collector
enforces in code (anything else is refused before it is signed), so the two cannot
drift. Deploy it as a role: see docs/aws.md.`,
		Args: noArgs(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			doc, err := aws.IAMPolicy()
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(g.stdout, "%s\n", doc)
			return err
		},
	}
}
