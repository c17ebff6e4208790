package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"slices"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/spf13/cobra"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/checks/aws"
	"github.com/sdescan/sdescan/fixtures"
)

func newScanCmd(g *globalOptions) *cobra.Command {
	o := &assessOptions{}
	var demo, useAWS bool
	var region, profile, saveFacts, roleName, externalID string
	var org bool
	var accounts []string
	cmd := &cobra.Command{
		Use:   "scan",
		Short: "Collect facts from the estate, evaluate the checks and report",
		Long: `scan collects facts from the configured sources, evaluates every check, rolls the
findings up into framework requirements and prints the result.

--aws reads the AWS account of the current credentials (the SDK's default chain:
environment, shared profiles, SSO, instance or task roles; AWS_ENDPOINT_URL is
honoured), read-only: see docs/aws.md for what it collects today.

--demo assesses the bundled demo estate (two AWS accounts, attestations, waivers and a
regional policy framework) with no credentials and no network.`,
		Example: `  sdescan scan --demo
  sdescan scan --demo --format json --output assessment.json
  sdescan scan --aws --region eu-west-2 --fail-on high --save-facts facts.json
  sdescan scan --aws --org --role-name SdescanReadOnly --external-id "$EXTERNAL_ID" --region all`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			var in inputs
			switch {
			case demo && useAWS:
				return inputError(errors.New("--demo and --aws are exclusive"))
			case demo:
				var err error
				if in, err = demoInputs(); err != nil {
					return err
				}
			case useAWS:
				var opts []func(*config.LoadOptions) error
				var regions []string
				for _, r := range strings.Split(region, ",") {
					if r = strings.TrimSpace(r); r != "" {
						regions = append(regions, r)
					}
				}
				if slices.Contains(regions, aws.AllRegions) && len(regions) > 1 {
					return inputError(fmt.Errorf("--region %q: %q cannot be combined with named regions", region, aws.AllRegions))
				}
				if len(regions) > 0 && regions[0] != aws.AllRegions {
					opts = append(opts, config.WithRegion(regions[0]))
				}
				if profile != "" {
					opts = append(opts, config.WithSharedConfigProfile(profile))
				}
				cfg, err := config.LoadDefaultConfig(cmd.Context(), opts...)
				if err != nil {
					return inputError(fmt.Errorf("aws configuration: %w", err))
				}
				collectOpts := aws.Options{Version: Version, Regions: regions}
				var facts *checks.Facts
				if org || len(accounts) > 0 {
					facts = aws.CollectAccounts(cmd.Context(), cfg, aws.AccountsOptions{Options: collectOpts, Org: org, Accounts: accounts, RoleName: roleName, ExternalID: externalID})
				} else {
					facts = aws.Collect(cmd.Context(), cfg, collectOpts)
				}
				for _, run := range facts.Runs {
					slog.Info("aws collection", "scope", run.Scope, "status", run.Status, "errors", len(run.Errors), "resources", len(facts.Resources))
					ops := make([]string, 0, len(run.APICalls))
					for op := range run.APICalls {
						ops = append(ops, op)
					}
					sort.Strings(ops)
					for _, op := range ops {
						slog.Debug("api calls", "operation", op, "count", run.APICalls[op])
					}
				}
				in = inputs{facts: facts, factsName: "aws scan"}
			default:
				return inputError(errors.New("nothing to scan: use --aws (your AWS account) or --demo, or `sdescan evaluate FACTS.json`"))
			}
			if saveFacts != "" {
				if err := writeFileAtomic(saveFacts, func(w io.Writer) error { return checks.WriteJSON(w, in.facts) }); err != nil {
					return inputError(err)
				}
			}
			return o.run(cmd.Context(), g, in)
		},
	}
	cmd.Flags().BoolVar(&demo, "demo", false, "assess the bundled demo estate (no credentials, no network)")
	cmd.Flags().BoolVar(&useAWS, "aws", false, "collect from the AWS account of the current credentials (read-only)")
	cmd.Flags().StringVar(&region, "region", "", "AWS regions, comma-separated (the first is home), or \"all\" for every enabled region (default: from the environment or profile)")
	cmd.Flags().StringVar(&profile, "profile", "", "AWS shared-config profile")
	cmd.Flags().BoolVar(&org, "org", false, "read every active account of the AWS Organization (from the management or a delegated administrator account)")
	cmd.Flags().StringSliceVar(&accounts, "accounts", nil, "limit to these account IDs (with --org), or read these accounts through --role-name")
	cmd.Flags().StringVar(&roleName, "role-name", aws.DefaultRoleName, "role assumed in each account other than the caller's")
	cmd.Flags().StringVar(&externalID, "external-id", "", "external ID passed when assuming --role-name")
	cmd.Flags().StringVar(&saveFacts, "save-facts", "", "also write the collected facts to FILE (for `sdescan evaluate`)")
	o.addFlags(cmd)
	return cmd
}

func demoInputs() (inputs, error) {
	fsys := fixtures.DemoFS()
	data, err := fs.ReadFile(fsys, fixtures.DemoFacts)
	if err != nil {
		return inputs{}, fmt.Errorf("demo facts: %w", err)
	}
	facts, err := checks.DecodeFacts(bytes.NewReader(data), "demo/"+fixtures.DemoFacts)
	if err != nil {
		return inputs{}, inputError(err)
	}
	return inputs{
		facts:          facts,
		factsName:      "demo/" + fixtures.DemoFacts,
		demo:           fsys,
		demoAttest:     []string{fixtures.DemoAttestations},
		demoWaivers:    []string{fixtures.DemoWaivers},
		demoFrameworks: []string{fixtures.DemoFramework},
	}, nil
}

func newEvaluateCmd(g *globalOptions) *cobra.Command {
	o := &assessOptions{}
	cmd := &cobra.Command{
		Use:   "evaluate FACTS.json",
		Short: "Evaluate the checks over saved facts and report",
		Long: `evaluate reads a facts file (docs/facts.md), evaluates every check, rolls the
findings up into framework requirements and prints the result. The assessment time is
when the facts were collected, so the same facts give the same result on any day.`,
		Example: `  sdescan evaluate facts.json --attestations attestations.yaml --waivers waivers.yaml
  sdescan evaluate facts.json --format json --output assessment.json --fail-on high`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			facts, err := checks.ReadFactsFile(args[0])
			if err != nil {
				return inputError(err)
			}
			return o.run(cmd.Context(), g, inputs{facts: facts, factsName: args[0]})
		},
	}
	o.addFlags(cmd)
	return cmd
}
