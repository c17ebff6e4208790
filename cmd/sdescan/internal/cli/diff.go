package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sdescan/sdescan/controls"
	"github.com/sdescan/sdescan/reports"
	"github.com/sdescan/sdescan/reports/pack"
)

// diffOptions are the flags of diff.
type diffOptions struct {
	format      string
	output      string
	failOnWorse bool
	noVerify    bool
}

func newDiffCmd(g *globalOptions) *cobra.Command {
	o := &diffOptions{}
	cmd := &cobra.Command{
		Use:   "diff OLD NEW",
		Short: "Compare two assessments: score, requirements, findings, lapsed evidence",
		Long: `diff compares two assessments of the same estate, each an evidence pack (zip file or
directory) or an assessment JSON file (--format json, --output-dir):

  - the risk score and RAG, overall and per framework;
  - requirements whose status improved or worsened, with old → new;
  - new failing findings and resolved ones (fail → pass) by check and resource; a
    failing finding that is not a pass in NEW (gone, or not assessable) is listed
    apart and never counted as resolved;
  - attestations valid in OLD and waivers in force in OLD that had lapsed by NEW's as_of;
  - checks NEW could not fully assess that OLD could.

A pack is read with the hardened reader of verify and every file is checked against its
manifest; a pack that does not match is refused (exit 2) unless --no-verify is given.

Exit codes: 0 compared; 1 with --fail-on-worse, the score dropped or a requirement
worsened; 2 usage error or an input that cannot be read.`,
		Example: `  sdescan diff last-month.zip pack.zip
  sdescan diff old/assessment.json new/assessment.json --format md >> "$GITHUB_STEP_SUMMARY"
  sdescan diff baseline.zip pack.zip --fail-on-worse`,
		Args: positional(2, 2, "OLD NEW (two assessments, each an evidence pack or an assessment.json file)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return diffRun(cmd.Context(), g, o, args[0], args[1])
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.format, "format", "f", "table", "output `FORMAT`: "+strings.Join(reports.DiffFormats, ", "))
	f.StringVarP(&o.output, "output", "o", "", "write the comparison to `FILE` instead of stdout")
	f.BoolVar(&o.failOnWorse, "fail-on-worse", false, "exit 1 when the risk score dropped or any requirement worsened")
	f.BoolVar(&o.noVerify, "no-verify", false, "compare packs even when their files do not match their manifests")
	return cmd
}

// readAssessmentArg reads an assessment to compare or to trend against (diff,
// --previous): a pack that does not match its manifest is an input error unless
// noVerify, and then a warning.
func readAssessmentArg(g *globalOptions, name, flag string, noVerify bool) (*controls.Assessment, error) {
	src, err := pack.ReadAssessment(name)
	if err != nil {
		return nil, inputError(fmt.Errorf("%s%w", flag, err))
	}
	if n := len(src.Problems); n > 0 {
		if !noVerify {
			return nil, inputError(fmt.Errorf("%s%s: the pack does not match its manifest (%d problem(s), first: %s): not using it", flag, name, n, src.Problems[0]))
		}
		fmt.Fprintf(g.stderr, "warning: %s does not match its manifest (%d problem(s)); using it anyway (--no-verify)\n", name, n)
	}
	return src.Assessment, nil
}

func diffRun(ctx context.Context, g *globalOptions, o *diffOptions, oldName, newName string) error {
	if !contains(reports.DiffFormats, o.format) {
		return inputError(fmt.Errorf("--format %q: want %s", o.format, strings.Join(reports.DiffFormats, ", ")))
	}
	oldA, err := readAssessmentArg(g, oldName, "", o.noVerify)
	if err != nil {
		return err
	}
	newA, err := readAssessmentArg(g, newName, "", o.noVerify)
	if err != nil {
		return err
	}
	d := reports.Compare(oldA, newA, oldName, newName)
	render := func(w io.Writer) error { return reports.WriteDiff(w, o.format, d, g.width()) }
	if o.output != "" {
		if err := writeFileCtx(ctx, o.output, render); err != nil {
			return inputError(err)
		}
	} else {
		bw := bufio.NewWriterSize(g.stdout, 1<<16)
		if err := render(bw); err != nil {
			return err
		}
		if err := bw.Flush(); err != nil {
			return err
		}
	}
	if o.failOnWorse && d.Worse {
		return &exitError{code: ExitGateFailed, err: fmt.Errorf("worse: risk score %.1f → %.1f, %d requirement(s) worsened", d.Old.Score, d.New.Score, countWorsened(d))}
	}
	return nil
}

func countWorsened(d *reports.Diff) int {
	n := 0
	for _, r := range d.Requirements {
		if r.Change == reports.ChangeWorsened {
			n++
		}
	}
	return n
}

// readPrevious reads --previous (nil when not given): a pack must match its manifest.
func readPrevious(g *globalOptions, name string) (*controls.Assessment, error) {
	if name == "" {
		return nil, nil
	}
	return readAssessmentArg(g, name, "--previous ", false)
}
