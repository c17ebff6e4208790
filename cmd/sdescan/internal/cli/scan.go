package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"

	"github.com/spf13/cobra"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/fixtures"
)

func newScanCmd(g *globalOptions) *cobra.Command {
	o := &assessOptions{}
	var demo bool
	cmd := &cobra.Command{
		Use:   "scan",
		Short: "Collect facts from the estate, evaluate the checks and report",
		Long: `scan collects facts from the configured sources, evaluates every check, rolls the
findings up into framework requirements and prints the result.

--demo assesses the bundled demo estate (two AWS accounts, attestations, waivers and a
regional policy framework) with no credentials and no network.`,
		Example: `  sdescan scan --demo
  sdescan scan --demo --format json --output assessment.json
  sdescan scan --demo --fail-on high`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !demo {
				return inputError(errors.New("no collector is configured in this build yet: use `sdescan scan --demo`, or `sdescan evaluate FACTS.json` on collected facts"))
			}
			in, err := demoInputs()
			if err != nil {
				return err
			}
			return o.run(cmd.Context(), g, in)
		},
	}
	cmd.Flags().BoolVar(&demo, "demo", false, "assess the bundled demo estate (no credentials, no network)")
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
