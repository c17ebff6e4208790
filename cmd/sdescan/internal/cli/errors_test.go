package cli

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestArgumentErrors: a wrong number of positional arguments is one line, exit
// 2, naming what the command wants; an unknown command or subcommand names the
// nearest ones; a command group given no command prints its help.
func TestArgumentErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stderr string // the whole of stderr
		stdout string // a substring of stdout
	}{
		{name: "verify without a pack", args: []string{"verify"}, code: ExitInput,
			stderr: "sdescan: verify: want PACK (an evidence pack: a .zip file or a directory), got none\n"},
		{name: "verify with two", args: []string{"verify", "a.zip", "b.zip"}, code: ExitInput,
			stderr: "sdescan: verify: want PACK (an evidence pack: a .zip file or a directory), got 2 arguments\n"},
		{name: "report without a pack", args: []string{"report", "-f", "md"}, code: ExitInput,
			stderr: "sdescan: report: want PACK (an evidence pack: a .zip file or a directory), got none\n"},
		{name: "diff with one", args: []string{"diff", "old.zip"}, code: ExitInput,
			stderr: "sdescan: diff: want OLD NEW (two assessments, each an evidence pack or an assessment.json file), got 1 argument\n"},
		{name: "pack without facts", args: []string{"pack", "-o", "p.zip"}, code: ExitInput,
			stderr: "sdescan: pack: want FACTS.json (a facts file from scan --save-facts or collect), got none\n"},
		{name: "evaluate without facts", args: []string{"evaluate"}, code: ExitInput,
			stderr: "sdescan: evaluate: want FACTS.json (a facts file from scan --save-facts or collect; several with --merge), got none\n"},
		{name: "evaluate two without --merge", args: []string{"evaluate", "a.json", "b.json"}, code: ExitInput,
			stderr: "sdescan: 2 facts files given: use --merge to join shards\n"},
		{name: "backup with two", args: []string{"backup", "a.json", "b.json"}, code: ExitInput,
			stderr: "sdescan: backup: want at most one FACTS.json (a facts file from scan --save-facts or collect), got 2 arguments\n"},
		{name: "controls show without a framework", args: []string{"controls", "show"}, code: ExitInput,
			stderr: "sdescan: controls show: want FRAMEWORK (a framework ID from sdescan controls list), got none\n"},
		{name: "iac without a path", args: []string{"iac"}, code: ExitInput,
			stderr: "sdescan: iac: want PATH... (one or more directories of infrastructure code), got none\n"},
		{name: "image without a reference", args: []string{"image"}, code: ExitInput,
			stderr: "sdescan: image: want REF... (a docker save tarball, an OCI layout, a root file system or a registry reference), got none\n"},
		{name: "version with an argument", args: []string{"version", "now"}, code: ExitInput,
			stderr: "sdescan: version: takes no arguments, got \"now\" (see sdescan version --help)\n"},
		{name: "scan with an argument", args: []string{"scan", "demo"}, code: ExitInput,
			stderr: "sdescan: scan: takes no arguments, got \"demo\" (see sdescan scan --help)\n"},
		{name: "misspelt command", args: []string{"scna", "--demo"}, code: ExitInput,
			stderr: "sdescan: unknown command \"scna\" (did you mean scan?)\n"},
		{name: "misspelt group", args: []string{"contrl", "list"}, code: ExitInput,
			stderr: "sdescan: unknown command \"contrl\" (did you mean controls?)\n"},
		{name: "misspelt subcommand", args: []string{"controls", "lst"}, code: ExitInput,
			stderr: "sdescan: controls: unknown command \"lst\" (did you mean list?)\n"},
		{name: "nothing near", args: []string{"frobnicate"}, code: ExitInput,
			stderr: "sdescan: unknown command \"frobnicate\" (see sdescan --help)\n"},
		{name: "group alone prints its help", args: []string{"controls"}, code: ExitOK, stdout: "sdescan controls [command]"},
		{name: "root alone prints its help", args: nil, code: ExitOK, stdout: "Available Commands:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runCLI(t, tc.args...)
			if r.code != tc.code || r.stderr != tc.stderr || !strings.Contains(r.stdout, tc.stdout) {
				t.Errorf("exit %d, stderr %q, stdout %.200q\nwant exit %d, stderr %q, stdout containing %q", r.code, r.stderr, r.stdout, tc.code, tc.stderr, tc.stdout)
			}
		})
	}
}

// TestInterrupted: a run whose context is cancelled (Ctrl-C) exits 130 with
// the one line "sdescan: interrupted", and leaves no output file: neither the
// report, nor assessment.json, nor saved facts, nor a temporary file.
func TestInterrupted(t *testing.T) {
	// collect --aws against a closed loopback port, so nothing leaves the machine.
	unreachableAWS(t)
	root := filepath.Join("..", "..", "..", "..")
	facts := filepath.Join(root, "fixtures", "demo", "facts.json")
	good := filepath.Join(root, "fixtures", "iac", "terraform", "good")
	for _, tc := range []struct {
		name string
		args func(dir string) []string
	}{
		{"scan", func(d string) []string {
			return []string{"scan", "--demo", "-o", filepath.Join(d, "r.txt"), "--output-dir", filepath.Join(d, "out"), "--save-facts", filepath.Join(d, "facts.json"), "--pack", filepath.Join(d, "pack.zip")}
		}},
		{"evaluate", func(d string) []string {
			return []string{"evaluate", facts, "-f", "json", "-o", filepath.Join(d, "a.json"), "--report", "sarif=" + filepath.Join(d, "r.sarif")}
		}},
		{"collect", func(d string) []string {
			return []string{"collect", "--aws", "--region", "eu-west-2", "-o", filepath.Join(d, "facts.json")}
		}},
		{"backup", func(d string) []string { return []string{"backup", "--demo", "-o", filepath.Join(d, "b.txt")} }},
		{"iac", func(d string) []string { return []string{"iac", good, "-o", filepath.Join(d, "i.txt")} }},
		{"openness", func(d string) []string {
			return []string{"openness", root, "-o", filepath.Join(d, "o.txt"), "--save-facts", filepath.Join(d, "facts.json")}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			var out, errb bytes.Buffer
			code := Main(ctx, tc.args(dir), &out, &errb)
			if code != ExitInterrupted || errb.String() != "sdescan: interrupted\n" {
				t.Errorf("exit %d, stderr %q; want %d, %q", code, errb.String(), ExitInterrupted, "sdescan: interrupted\n")
			}
			assertEmptyDir(t, dir)
		})
	}
}

// TestWriteFileCtx: a write that Ctrl-C interrupts half way stops, and its
// temporary file is removed instead of renamed into place; one not
// interrupted is renamed whole.
func TestWriteFileCtx(t *testing.T) {
	chunk := bytes.Repeat([]byte("x"), 1<<16)
	for _, tc := range []struct {
		name     string
		cancelAt int // cancel before writing this chunk; -1 never
		wantErr  bool
	}{
		{"cancelled before", 0, true},
		{"cancelled half way", 5, true},
		{"cancelled after the last chunk", 10, true},
		{"not cancelled", -1, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			file := filepath.Join(dir, "report.json")
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tc.cancelAt == 0 {
				cancel()
			}
			err := writeFileCtx(ctx, file, func(w io.Writer) error {
				for i := range 10 {
					if i == tc.cancelAt {
						cancel()
					}
					if _, err := w.Write(chunk); err != nil {
						return err
					}
				}
				if tc.cancelAt == 10 {
					cancel()
				}
				return nil
			})
			if !tc.wantErr {
				if err != nil {
					t.Fatal(err)
				}
				if st, err := os.Stat(file); err != nil || st.Size() != 10<<16 {
					t.Fatalf("stat %v, %v; want the whole file", st, err)
				}
				return
			}
			if !errors.Is(err, context.Canceled) {
				t.Errorf("error %v; want context.Canceled", err)
			}
			assertEmptyDir(t, dir)
		})
	}
}

// assertEmptyDir fails unless dir holds nothing (no file, temporary or not).
func assertEmptyDir(t *testing.T, dir string) {
	t.Helper()
	var left []string
	filepath.WalkDir(dir, func(p string, _ os.DirEntry, err error) error {
		if p != dir {
			left = append(left, p)
		}
		return err
	})
	if len(left) > 0 {
		t.Errorf("left behind: %v", left)
	}
}
