package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
)

const configTemplate = `# sdescan configuration. Relative paths are relative to this file.
# Reference: docs/configuration.md in the sdescan repository.

# Frameworks to report (default: all). IDs from ` + "`sdescan controls list`" + `.
frameworks: []
#  - sde-2022
#  - dspt-ndg
#  - dspt-caf
#  - five-safes
#  - cyber-essentials
#  - satre-v2

# Frameworks of your own (e.g. a regional policy), same format as the built-in ones.
framework_files: []

# Human evidence no scanner can collect, and accepted risks.
attestations:
  - attestations.yaml
waivers:
  - waivers.yaml

# Directories of extra Rego checks (see docs/writing-checks.md).
policy_dirs: []

# Tag key that says what data a resource holds. Findings on resources tagged
# identifiable or pseudonymised count double in the risk score.
classification_tag: data-classification

# IAM roles allowed administrator access (AWS-IAM-007 accepts them; monitor their use).
break_glass_roles: []

# Default for --fail-on: critical, high, medium or low (empty: never fail the gate).
fail_on: ""

# Flag waivers that expire within this many days (attestations show days left).
expiring_days: 30

# Backup review (docs/backup.md): the RPO of a data store without a backup-rpo-hours
# tag, and the shortest backup retention accepted.
backup:
  default_rpo_hours: 24
  min_retention_days: 35
  restore_test_max_age_days: 365

# Where identifiable and pseudonymised data may be held (AWS-S3-007): AWS and Azure
# region names. Left out, the UK: eu-west-2 (London), uksouth and ukwest.
data_residency:
  allowed_regions: [eu-west-2, uksouth, ukwest]

# Infrastructure code that scan assesses with the estate, offline, as sdescan iac
# does (docs/iac.md): Trivy's checks and sdescan's IAC-... checks, in the same
# assessment and evidence pack.
iac:
  paths: []          # e.g. [infra/terraform, deploy/k8s]
  skip_dirs: []      # e.g. [examples]
  tf_vars: []        # the variables files you deploy with
  helm_values: []

# Container images that scan assesses with the estate (docs/images.md): docker save
# tarballs, OCI layouts, root file systems or registry references; and a Trivy
# vulnerability database for them (IMG-002), which sdescan never downloads.
images: []
vulnerability_db: ""
image:
  # The oldest the database may be, in days, for IMG-002 to say "no vulnerability".
  max_db_age_days: 7

# Azure (docs/azure.md): policy set definition IDs AZ-POL-001 accepts beside UK
# OFFICIAL and UK NHS, and the Entra object IDs of guest users (AZ-RBAC-001).
azure:
  policy_initiatives: []
  guest_object_ids: []
`

const waiversTemplate = `# Accepted risks. A waiver turns a failing check on matching resources into "waived"
# until it expires; every report lists it. Expired waivers stop applying.
#
#   - id: W-001                      # optional, unique
#     check: AWS-S3-005              # check ID (sdescan controls show ...)
#     resource: "arn:aws:s3:::logs-*" # resource ID pattern: * any characters, ? one
#     reason: Why the risk is accepted (at least 10 characters)
#     approver: Name and role of who accepted it
#     approved_on: "2026-01-31"      # optional
#     expires: "2026-12-31"          # last day it applies
#     reference: RISK-0001           # optional risk register reference
waivers: []
`

func attestationsTemplate() (string, error) {
	_, cat, err := builtinCatalogue()
	if err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString(`# Human evidence: who attests what, when, backed by which documents. Document paths
# are relative to this file and must stay inside its folder; sdescan records their
# sha256. An attestation older than its kind's maximum age (or past "expires") is
# expired and leaves the requirements that need it partial.
#
#   - id: pentest                      # kind, from the list below
#     attested_by: Name, role
#     date: "2026-03-12"               # when the attested fact was established
#     statement: What is attested, in words an assessor can check
#     scope: optional
#     expires: "2026-12-31"            # optional, earlier than the kind's maximum age
#     documents:
#       - path: evidence/pentest-summary.pdf
#       - url: https://intranet.example/record/123
#
# Kinds (maximum age in days):
`)
	for _, k := range sortedKinds(cat) {
		fmt.Fprintf(&b, "#   %-32s %-14s %s\n", k.ID, maxAge(k), k.Title)
	}
	b.WriteString("attestations: []\n")
	return b.String(), nil
}

func newInitCmd(g *globalOptions) *cobra.Command {
	var dir string
	var force bool
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Write a commented sdescan.yaml and attestation and waiver templates",
		Args:  noArgs(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			att, err := attestationsTemplate()
			if err != nil {
				return err
			}
			files := []struct{ name, body string }{
				{"sdescan.yaml", configTemplate},
				{"attestations.yaml", att},
				{"waivers.yaml", waiversTemplate},
			}
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return inputError(fmt.Errorf("%s: %w", dir, cleanOSError(err)))
			}
			if !force {
				for _, f := range files {
					p := filepath.Join(dir, f.name)
					if _, err := os.Stat(p); err == nil {
						return inputError(fmt.Errorf("%s already exists (use --force to overwrite)", p))
					} else if !errors.Is(err, os.ErrNotExist) {
						return inputError(fmt.Errorf("%s: %w", p, cleanOSError(err)))
					}
				}
			}
			for _, f := range files {
				p := filepath.Join(dir, f.name)
				body := f.body
				if err := writeFileAtomic(p, func(w io.Writer) error { _, err := io.WriteString(w, body); return err }); err != nil {
					return inputError(err)
				}
				fmt.Fprintf(g.stdout, "wrote %s\n", p)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&dir, "dir", ".", "`DIR` to write the files into")
	cmd.Flags().BoolVar(&force, "force", false, "overwrite existing files")
	return cmd
}
