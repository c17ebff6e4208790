// Package cli holds sdescan's commands: flags, configuration, and exit codes.
// The work itself is done by the checks, controls and reports packages.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sdescan/sdescan/reports/texttable"
)

// Version is set at build time by the Makefile (-ldflags -X).
var Version = "0.1.0-dev"

// Exit codes, as docs and CI pipelines rely on them.
const (
	ExitOK         = 0 // assessed; no gate failed
	ExitGateFailed = 1 // a failing, unwaived finding at or above --fail-on
	ExitInput      = 2 // usage error or input that cannot be read or is malformed
	ExitIncomplete = 3 // nothing assessed, or --strict and a collector run did not complete
	// ExitInterrupted (130, interrupt.go): stopped by Ctrl-C.
)

// exitError carries an exit code with its one-line message.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// inputError marks a usage or input problem (exit 2).
func inputError(err error) error {
	if err == nil {
		return nil
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return err
	}
	return &exitError{code: ExitInput, err: err}
}

// Main runs sdescan with args and returns the process exit code.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	// Results and messages carry text from facts, files and packs: both
	// streams go through a writer that escapes control characters.
	out, errOut := newTerminalWriter(stdout), newTerminalWriter(stderr)
	defer errOut.Flush()
	root := newRoot(out, errOut)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if ferr := out.Flush(); err == nil {
		err = ferr
	}
	if err == nil {
		return ExitOK
	}
	if interrupted(ctx, err) {
		// Ctrl-C: whatever the interrupted step said, one line; nothing was
		// written (outputs are renamed into place only when whole).
		fmt.Fprintln(errOut, "sdescan: interrupted")
		return ExitInterrupted
	}
	code := ExitInput
	var ee *exitError
	if errors.As(err, &ee) {
		code = ee.code
	}
	if msg := oneLine(err.Error()); msg != "" {
		fmt.Fprintf(errOut, "sdescan: %s\n", msg)
	}
	return code
}

func oneLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}

type globalOptions struct {
	verbose bool
	wide    bool
	stdout  io.Writer
	stderr  io.Writer
}

// width is the width table output is fitted to: the terminal's, else COLUMNS,
// else 100; 0 (no limit) with --wide.
func (g *globalOptions) width() int { return texttable.Width(g.stdout, g.wide) }

func (g *globalOptions) logger() *slog.Logger {
	level := slog.LevelWarn
	if g.verbose {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(g.stderr, &slog.HandlerOptions{Level: level}))
}

// Command is sdescan's command tree, output discarded, for the tools that
// document it (the man pages: cmd/sdescan/internal/mangen).
func Command() *cobra.Command { return newRoot(io.Discard, io.Discard) }

func newRoot(stdout, stderr io.Writer) *cobra.Command {
	g := &globalOptions{stdout: stdout, stderr: stderr}
	root := &cobra.Command{
		Use:   "sdescan",
		Short: "Assess an NHS secure data environment against accreditation frameworks",
		Long: `sdescan assesses a secure data environment (SDE / trusted research environment)
against NHS England's SDE policy guidelines, the Data Security and Protection Toolkit,
the Five Safes, Cyber Essentials and SATRE, and says how far it is from accreditation.

It reads; it never changes what it scans. A collector error, an access denied or a
missing attestation is reported as not assessed, never as met.

Exit codes: 0 ok, 1 gate failed (--fail-on) or, for verify and report, an invalid pack,
2 usage or input error, 3 nothing assessed (every collector run failed) or, with
--strict, scan incomplete (collector errors), 130 interrupted (Ctrl-C).`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       Version,
		PersistentPreRun: func(cmd *cobra.Command, _ []string) {
			slog.SetDefault(g.logger())
		},
	}
	commandGroup(root)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		// "sdescan scna --demo": the flag is unknown because the command is.
		if c.HasSubCommands() && c.Flags().NArg() > 0 {
			if aerr := c.Args(c, c.Flags().Args()); aerr != nil {
				return aerr
			}
		}
		return inputError(err)
	})
	root.PersistentFlags().BoolVarP(&g.verbose, "verbose", "v", false, "log progress and details to stderr")
	root.PersistentFlags().BoolVar(&g.wide, "wide", false, "table output at full width, not fitted to the terminal (its width, else COLUMNS, else 100)")
	root.AddCommand(
		newScanCmd(g),
		newEvaluateCmd(g),
		newCollectCmd(g),
		newControlsCmd(g),
		newInitCmd(g),
		newVersionCmd(g),
		newIAMPolicyCmd(g),
		newOpennessCmd(g),
		newPackCmd(g),
		newBackupCmd(g),
		newKeygenCmd(g),
		newVerifyCmd(g),
		newReportCmd(g),
		newIACCmd(g),
		newImageCmd(g),
		newDiffCmd(g),
	)
	return root
}
