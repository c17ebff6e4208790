package cli

import (
	"bufio"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/controls"
	"github.com/sdescan/sdescan/reports"
)

// backupFormats are the formats of the backup review.
var backupFormats = []string{"table", "json", "md"}

func newBackupCmd(g *globalOptions) *cobra.Command {
	o := &assessOptions{backupReview: true}
	var demo bool
	sources := estateSources()
	cmd := &cobra.Command{
		Use:   "backup [FACTS.json]",
		Short: "Review the backups of every classified data store",
		Long: `backup reviews the backups of every classified data store (S3 buckets, RDS
instances and clusters, DynamoDB tables, EBS volumes, EFS file systems; Azure storage
accounts, SQL databases, PostgreSQL flexible servers, managed disks and virtual
machines): which mechanisms protect it, how old its newest recovery point is against its RPO (tag
backup-rpo-hours, or backup.default_rpo_hours in the configuration, default 24), its
retention, whether backups are copied elsewhere and locked, and its last restore; then
a short plan of the missing protections, most important first. A store whose backup
facts could not be read is "not assessed", never "no backup". See docs/backup.md.

The sources are those of scan (--aws, --azure, --demo) or a saved facts file. The
backup vaults (AWS Backup, Azure Recovery Services and Backup vaults) are listed too.`,
		Example: `  sdescan backup --demo
  sdescan backup --aws --region eu-west-2 --attestations attestations.yaml
  sdescan backup facts.json --format md >> "$GITHUB_STEP_SUMMARY"`,
		Args: positional(0, 1, "at most one FACTS.json (a facts file from scan --save-facts or collect)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !contains(backupFormats, o.format) {
				return inputError(fmt.Errorf("--format %q: want table, json or md", o.format))
			}
			asked := askedSources(sources)
			var in inputs
			switch {
			case len(args) == 1 && (demo || len(asked) > 0):
				return inputError(fmt.Errorf("give a facts file, %s or --demo, not several", sourceFlags(sources)))
			case len(args) == 1:
				f, err := checks.ReadFactsFile(args[0])
				if err != nil {
					return inputError(err)
				}
				in = inputs{facts: f, factsName: args[0]}
			case demo && len(asked) > 0:
				return inputError(fmt.Errorf("--demo and --%s are exclusive", asked[0].name))
			case demo:
				var err error
				if in, err = demoInputs(); err != nil {
					return err
				}
			case len(asked) > 0:
				var err error
				if in, err = collectEstate(cmd.Context(), g, asked, ""); err != nil {
					return err
				}
			default:
				return inputError(fmt.Errorf("nothing to review: give a facts file, %s or --demo", sourceFlags(sources)))
			}
			return o.run(cmd.Context(), g, in)
		},
	}
	cmd.Flags().BoolVar(&demo, "demo", false, "review the bundled demo estate")
	for _, src := range sources {
		src.addFlags(cmd.Flags())
	}
	f := cmd.Flags()
	f.StringVarP(&o.config, "config", "c", "", "configuration `FILE` (sdescan.yaml; backup: default_rpo_hours, min_retention_days)")
	f.StringArrayVar(&o.policyDirs, "policy", nil, "`DIR` of extra Rego checks (repeatable)")
	f.StringArrayVar(&o.attestations, "attestations", nil, "attestations `FILE` (repeatable): the restore-test attestation is BKP-007")
	f.StringVar(&o.asOf, "as-of", "", "assessment `TIME` (YYYY-MM-DD or RFC 3339; default: when the facts were collected)")
	f.StringVarP(&o.format, "format", "f", "table", "output `FORMAT`: table, json or md")
	f.StringVarP(&o.output, "output", "o", "", "write the review to `FILE` instead of stdout")
	f.StringVar(&o.failOn, "fail-on", "", "exit 1 when a failing, unwaived finding is at or above `SEVERITY`: critical, high, medium or low")
	f.BoolVar(&o.strict, "strict", false, "exit 3 when any collector run did not complete")
	o.eval.add(f)
	return cmd
}

// restoreTestState is the restore-test attestation's state in the assessment:
// valid, expired, invalid or missing.
func restoreTestState(a *controls.Assessment) string {
	for _, at := range a.Attestations {
		if at.ID == "restore-test" {
			return at.Status
		}
	}
	return "missing"
}

// writeBackupReview renders the backup review in the chosen format.
func (o *assessOptions) writeBackupReview(g *globalOptions, rv *reports.BackupReview) error {
	render := func(w io.Writer) error {
		switch o.format {
		case "json":
			return checks.WriteJSON(w, rv)
		case "md":
			return reports.WriteBackupMarkdown(w, rv)
		}
		return reports.WriteBackupTable(w, rv, g.width())
	}
	if o.output != "" {
		return inputError(writeFileAtomic(o.output, render))
	}
	bw := bufio.NewWriterSize(g.stdout, 1<<16)
	if err := render(bw); err != nil {
		return err
	}
	return bw.Flush()
}
