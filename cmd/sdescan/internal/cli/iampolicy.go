package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/sdescan/sdescan/collectors/aws"
	"github.com/sdescan/sdescan/collectors/azure"
)

func newIAMPolicyCmd(g *globalOptions) *cobra.Command {
	var forAzure bool
	cmd := &cobra.Command{
		Use:   "iam-policy",
		Short: "Print the least-privilege, read-only IAM policy (AWS) or custom role (--azure) a collector needs",
		Long: `iam-policy prints the IAM policy document granting exactly the read operations the
AWS collector may call. It is generated from the same allow-list that the collector
enforces in code (anything else is refused before it is signed), so the two cannot
drift. Deploy it as a role: see docs/aws.md.

With --azure it prints an Azure custom role definition ("sdescan reader") with exactly
the actions the Azure collector's allow-list permits, all reads. Replace its placeholder
assignable scope with your subscriptions or management group: see docs/azure.md.`,
		Args: noArgs(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			var doc []byte
			var err error
			if forAzure {
				doc, err = azure.RoleDefinition()
			} else {
				doc, err = aws.IAMPolicy()
			}
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(g.stdout, "%s\n", doc)
			return err
		},
	}
	cmd.Flags().BoolVar(&forAzure, "azure", false, "print the Azure custom role definition instead of the AWS IAM policy")
	return cmd
}
