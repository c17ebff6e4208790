package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/fixtures"
)

func newScanCmd(g *globalOptions) *cobra.Command {
	o := &assessOptions{}
	var demo bool
	var saveFacts string
	var iacPaths, images []string
	var vulnDB string
	sources := estateSources()
	cmd := &cobra.Command{
		Use:   "scan",
		Short: "Collect facts from the estate, evaluate the checks and report",
		Long: `scan collects facts from the configured sources, evaluates every check, rolls the
findings up into framework requirements and prints the result.

--aws reads the AWS account of the current credentials (the SDK's default chain:
environment, shared profiles, SSO, instance or task roles; AWS_ENDPOINT_URL is
honoured), read-only: see docs/aws.md for what it collects today.

--demo assesses the bundled demo estate (two AWS accounts, attestations, waivers and a
regional policy framework) with no credentials and no network.

--iac DIR (or iac.paths in sdescan.yaml) adds infrastructure code, checked offline as
` + "`sdescan iac`" + ` checks it (Trivy's checks and sdescan's IAC-… checks), to the same
assessment and evidence pack; --image REF (or images) adds container images, as
` + "`sdescan image`" + ` checks them, with their SBOMs as evidence. Alone, either assesses
just that.`,
		Example: `  sdescan scan --demo
  sdescan scan --demo --format json --output assessment.json
  sdescan scan --demo --report sarif=results.sarif --report junit=report.xml --report md=summary.md
  sdescan scan --aws --region eu-west-2 --fail-on high --save-facts facts.json
  sdescan scan --aws --iac infra/ --pack pack.zip
  sdescan scan --demo --pack pack.zip --key sdescan-signing.key
  sdescan scan --aws --org --role-name SdescanReadOnly --external-id "$EXTERNAL_ID" --region all`,
		Args: noArgs(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			// Refuse an unknown report format before collecting anything.
			if err := o.checkFormats(); err != nil {
				return err
			}
			iac, err := o.iacScope(iacPaths)
			if err != nil {
				return err
			}
			imgs, err := o.imageScope(images, vulnDB)
			if err != nil {
				return err
			}
			// Raw evidence (AWS responses, image SBOMs) goes beside --save-facts,
			// else to a temporary directory that lives as long as the scan.
			asked := askedSources(sources)
			evidence := len(imgs.refs) > 0
			for _, src := range asked {
				evidence = evidence || src.keepsEvidence()
			}
			root := ""
			if evidence {
				if saveFacts != "" {
					root = evidenceRoot(saveFacts)
				} else {
					tmp, err := os.MkdirTemp("", "sdescan-evidence-")
					if err != nil {
						return fmt.Errorf("evidence directory: %w", err)
					}
					defer os.RemoveAll(tmp)
					root = tmp
				}
			}
			var in inputs
			switch {
			case demo && len(asked) > 0:
				return inputError(fmt.Errorf("--demo and --%s are exclusive", asked[0].name))
			case demo:
				var err error
				if in, err = demoInputs(); err != nil {
					return err
				}
			case len(asked) > 0:
				if in, err = collectEstate(cmd.Context(), g, asked, root); err != nil {
					return err
				}
			case len(iac.roots) > 0 || len(imgs.refs) > 0: // code or images alone
			default:
				return inputError(fmt.Errorf("nothing to scan: use %s (your estate), --demo, --iac DIR or --image REF, or `sdescan evaluate FACTS.json`", sourceFlags(sources)))
			}
			if len(iac.roots) > 0 {
				if in, err = o.addIaC(cmd.Context(), g, in, iac); err != nil {
					return err
				}
			}
			if len(imgs.refs) > 0 {
				if in, err = o.addImages(cmd.Context(), g, in, imgs, root); err != nil {
					return err
				}
			}
			if root != "" && in.evidence == nil {
				in.evidence = os.DirFS(root)
			}
			if saveFacts != "" {
				if err := writeFileCtx(cmd.Context(), saveFacts, func(w io.Writer) error { return checks.WriteJSON(w, in.facts) }); err != nil {
					return inputError(err)
				}
			}
			return o.run(cmd.Context(), g, in)
		},
	}
	cmd.Flags().BoolVar(&demo, "demo", false, "assess the bundled demo estate (no credentials, no network)")
	for _, src := range sources {
		src.addFlags(cmd.Flags())
	}
	cmd.Flags().StringVar(&saveFacts, "save-facts", "", "also write the collected facts to `FILE` (for sdescan evaluate)")
	cmd.Flags().StringArrayVar(&images, "image", nil, "also assess the container image `REF`, as sdescan image does (repeatable; adds to images of the config)")
	cmd.Flags().StringVar(&vulnDB, "db", "", "Trivy vulnerability database for --image: the `DIR` holding trivy.db (never downloaded)")
	cmd.Flags().StringArrayVar(&iacPaths, "iac", nil, "also assess the infrastructure code in `DIR`, as sdescan iac does (repeatable; adds to iac.paths of the config)")
	o.addFlags(cmd)
	o.pack.addFlags(cmd)
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
	var merge bool
	cmd := &cobra.Command{
		Use:   "evaluate FACTS.json [--merge SHARD.json...]",
		Short: "Evaluate the checks over saved facts and report",
		Long: `evaluate reads a facts file (docs/facts.md), evaluates every check, rolls the
findings up into framework requirements and prints the result. The assessment time is
when the facts were collected, so the same facts give the same result on any day.

--merge joins facts collected in shards (sdescan collect, one per account or group of
accounts; see docs/scale.md): a resource in two shards must be identical, and two shards
must not have run the same collector over the same scope.`,
		Example: `  sdescan evaluate facts.json --attestations attestations.yaml --waivers waivers.yaml
  sdescan evaluate facts.json --format json --output assessment.json --fail-on high
  sdescan evaluate --merge shard-0.json shard-1.json shard-2.json`,
		Args: func(cmd *cobra.Command, args []string) error {
			if err := positional(1, -1, "FACTS.json (a facts file from scan --save-facts or collect; several with --merge)")(cmd, args); err != nil {
				return err
			}
			if len(args) > 1 && !merge {
				return inputError(fmt.Errorf("%d facts files given: use --merge to join shards", len(args)))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.checkFormats(); err != nil {
				return err
			}
			// One facts file, no pack: streamed, each resource evaluated as it
			// is read (docs/performance.md).
			if len(args) == 1 && !o.pack.enabled() {
				return o.run(cmd.Context(), g, inputs{file: args[0], factsName: args[0]})
			}
			shards := make([]*checks.Facts, len(args))
			for i, file := range args {
				f, err := checks.ReadFactsFile(file)
				if err != nil {
					return inputError(err)
				}
				shards[i] = f
			}
			facts, name := shards[0], args[0]
			if len(shards) > 1 {
				merged, err := checks.Merge(shards, args)
				if err != nil {
					return inputError(err)
				}
				facts, name = merged, strings.Join(args, "+")
			}
			return o.run(cmd.Context(), g, inputs{facts: facts, factsName: name})
		},
	}
	cmd.Flags().BoolVar(&merge, "merge", false, "join several facts files (shards)")
	o.addFlags(cmd)
	return cmd
}

func newCollectCmd(g *globalOptions) *cobra.Command {
	sources := estateSources()
	var output string
	cmd := &cobra.Command{
		Use:   "collect --aws -o FACTS.json",
		Short: "Collect facts only (one shard of a large estate), for evaluate",
		Long: `collect reads the estate, read-only, and writes the facts without evaluating them.
Large estates are collected in shards (for example one per account, in parallel jobs)
and joined with ` + "`sdescan evaluate --merge`" + `: see docs/scale.md.`,
		Example: `  sdescan collect --aws --accounts 111111111111 --region all -o shard-111111111111.json`,
		Args:    noArgs(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if output == "" {
				return inputError(errors.New("collect needs -o FACTS.json"))
			}
			asked := askedSources(sources)
			if len(asked) == 0 && len(sources) == 1 { // the one source, as before there were others
				asked = sources
			}
			if len(asked) == 0 {
				return inputError(fmt.Errorf("nothing to collect: use %s", sourceFlags(sources)))
			}
			in, err := collectEstate(cmd.Context(), g, asked, evidenceRoot(output))
			if err != nil {
				return err
			}
			return inputError(writeFileCtx(cmd.Context(), output, func(w io.Writer) error { return checks.WriteJSON(w, in.facts) }))
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "", "write the facts to `FILE`")
	for _, src := range sources {
		src.addFlags(cmd.Flags())
	}
	return cmd
}

// collectEstate collects from each estate source asked for, in registration
// order, and joins their facts.
func collectEstate(ctx context.Context, g *globalOptions, asked []namedSource, root string) (inputs, error) {
	var all []*checks.Facts
	var names []string
	for _, src := range asked {
		facts, err := src.collect(ctx, g.stderr, root)
		if err != nil {
			return inputs{}, err
		}
		all = append(all, facts)
		names = append(names, src.name+" scan")
	}
	if len(all) == 1 {
		return inputs{facts: all[0], factsName: names[0]}, nil
	}
	merged, err := checks.Merge(all, names)
	if err != nil {
		return inputs{}, err
	}
	merged.Tool = all[0].Tool
	return inputs{facts: merged, factsName: strings.Join(names, " and ")}, nil
}

// askedSources are the sources the flags ask for.
func askedSources(sources []namedSource) []namedSource {
	var out []namedSource
	for _, s := range sources {
		if s.requested() {
			out = append(out, s)
		}
	}
	return out
}

// sourceFlags names the flags that ask for the estate sources ("--aws").
func sourceFlags(sources []namedSource) string {
	var flags []string
	for _, s := range sources {
		flags = append(flags, "--"+s.name)
	}
	return strings.Join(flags, " or ")
}
