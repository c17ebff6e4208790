package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/sdescan/sdescan/reports"
	"github.com/sdescan/sdescan/reports/pack"
)

// reportOptions are the flags of report.
type reportOptions struct {
	format   string
	output   string
	noVerify bool
	previous string
}

func newReportCmd(g *globalOptions) *cobra.Command {
	o := &reportOptions{}
	cmd := &cobra.Command{
		Use:   "report PACK -f FORMAT [-o FILE]",
		Short: "Render a report from an evidence pack",
		Long: `report renders a report from an evidence pack (a zip file or a directory), from the
pack's assessment.json, the metadata of its packed checks and its facts, without
re-running anything: the same pack always gives the same report.

Every file of the pack is first checked against the digests and sizes of its
manifest; a pack that does not match is refused (exit 1, each problem on its own line
on stderr) unless --no-verify is given. The signature is not checked, nor that the
findings follow from the facts: ` + "`sdescan verify`" + ` does that.

Formats: ` + reports.FormatList() + ` (docs/reports.md).`,
		Example: `  sdescan report pack.zip -f sarif -o results.sarif
  sdescan report pack.zip -f md >> "$GITHUB_STEP_SUMMARY"
  sdescan report pack/ -f oscal -o assessment-results.json
  sdescan report pack.zip -f html -o board.html --previous last-quarter.zip`,
		Args: positional(1, 1, "PACK (an evidence pack: a .zip file or a directory)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return reportRun(cmd.Context(), g, o, args[0])
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.format, "format", "f", "table", "report `FORMAT`: "+reports.FormatList())
	f.StringVarP(&o.output, "output", "o", "", "write the report to `FILE` instead of stdout")
	f.BoolVar(&o.noVerify, "no-verify", false, "render even when the pack's files do not match its manifest")
	f.StringVar(&o.previous, "previous", "", "an earlier evidence `PACK` or assessment JSON: add the trend to the report")
	return cmd
}

func reportRun(ctx context.Context, g *globalOptions, o *reportOptions, packName string) error {
	if !contains(reports.Formats, o.format) {
		return inputError(fmt.Errorf("--format %q: want %s", o.format, reports.FormatList()))
	}
	prev, err := readPrevious(g, o.previous)
	if err != nil {
		return err
	}
	pi, err := pack.ReadReportInput(packName)
	if err != nil {
		return inputError(err)
	}
	pi.Previous = prev
	if len(pi.Problems) > 0 {
		if !o.noVerify {
			for _, p := range pi.Problems {
				fmt.Fprintf(g.stderr, "%s\n", p)
			}
			return &exitError{code: ExitGateFailed, err: fmt.Errorf("%s: the pack does not match its manifest (%d problem(s)): not reporting from it (--no-verify to report anyway)", packName, len(pi.Problems))}
		}
		fmt.Fprintf(g.stderr, "warning: %s does not match its manifest (%d problem(s)); reporting anyway (--no-verify)\n", packName, len(pi.Problems))
	}
	pi.Input.Width = g.width()
	render := func(w io.Writer) error { return reports.Write(w, o.format, pi.Input) }
	if o.output != "" {
		return inputError(writeFileCtx(ctx, o.output, render))
	}
	bw := bufio.NewWriterSize(g.stdout, 1<<16)
	if err := render(bw); err != nil {
		return err
	}
	return bw.Flush()
}
