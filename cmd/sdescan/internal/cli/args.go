package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// Positional arguments. Every command declares what it takes with one of the
// helpers below, so a wrong count is an input error (exit 2) that names what
// was expected, e.g. "diff: want OLD NEW (two assessments: ...), got 1 argument".

// noArgs is for a command that takes no positional argument.
func noArgs() cobra.PositionalArgs { return positional(0, 0, "") }

// positional accepts from min to max arguments (max < 0: no upper bound);
// want names them and says what they are.
func positional(min, max int, want string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		n := len(args)
		if n >= min && (max < 0 || n <= max) {
			return nil
		}
		name := commandName(cmd)
		if max == 0 {
			return inputError(fmt.Errorf("%s: takes no arguments, got %q (see sdescan %s --help)", name, args[0], name))
		}
		return inputError(fmt.Errorf("%s: want %s, got %s", name, want, countArgs(n)))
	}
}

// commandGroup makes cmd (the root, or a command such as controls that only
// holds others) print its help when given no command, and refuse an unknown
// one with the nearest names: "unknown command "scna" (did you mean scan?)".
// Cobra builds such suggestions only for the root, on lines Main does not
// print (an error is one line), and a group without Args accepted any word.
func commandGroup(cmd *cobra.Command) {
	cmd.SuggestionsMinimumDistance = 2
	cmd.Args = func(c *cobra.Command, args []string) error {
		if len(args) == 0 {
			return nil
		}
		msg := fmt.Sprintf("unknown command %q", args[0])
		if c.HasParent() {
			msg = commandName(c) + ": " + msg
		}
		if s := c.SuggestionsFor(args[0]); len(s) > 0 {
			msg += " (did you mean " + strings.Join(s, " or ") + "?)"
		} else {
			msg += " (see " + c.CommandPath() + " --help)"
		}
		return inputError(errors.New(msg))
	}
	cmd.RunE = func(c *cobra.Command, _ []string) error { return c.Help() }
}

// commandName is cmd's path without the program name: "verify", "controls show".
func commandName(cmd *cobra.Command) string {
	return strings.TrimPrefix(cmd.CommandPath(), cmd.Root().Name()+" ")
}

func countArgs(n int) string {
	switch n {
	case 0:
		return "none"
	case 1:
		return "1 argument"
	}
	return fmt.Sprintf("%d arguments", n)
}
