package cli

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sdescan/sdescan/checks/engine"
	"github.com/sdescan/sdescan/checks/limits"
	"github.com/sdescan/sdescan/controls/runner"
)

// Every file a user names is bounded (package limits): a device, a FIFO or a
// directory is refused at once, a file past its kind's size limit is refused,
// and YAML whose aliases would expand past the budget is refused before it is
// decoded. Each is bad input: exit 2, one line naming the file. The attack files
// are made here, never committed.

// inputAttacks are the files no command may read whole, or at all.
type inputAttacks struct {
	dir, fifo, laughs, bigAlias string
	// sparse returns a file of size bytes that takes no room on disk.
	sparse func(size int64) string
}

func makeInputAttacks(t *testing.T) inputAttacks {
	t.Helper()
	root := t.TempDir()
	a := inputAttacks{
		dir:      filepath.Join(root, "dir.yaml"),
		fifo:     filepath.Join(root, "fifo.yaml"),
		laughs:   filepath.Join(root, "laughs.yaml"),
		bigAlias: filepath.Join(root, "alias.yaml"),
	}
	if err := os.Mkdir(a.dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(a.fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	// Nine levels of ten aliases (10⁹ nodes expanded); the sixth, on line 6,
	// alone expands past 64 MiB.
	laughs := "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
	prev := "a"
	for i := range 9 {
		name := string(rune('b' + i))
		laughs += name + ": &" + name + " [" + strings.Repeat("*"+prev+", ", 9) + "*" + prev + "]\n"
		prev = name
	}
	// One 256 KiB string aliased 1000 times (250 MiB expanded) on line 3, a
	// file within the 1 MiB of a configuration.
	bigAlias := "id: x\ns: &s " + strings.Repeat("x", 256<<10) + "\nl: [" + strings.Repeat("*s, ", 999) + "*s]\n"
	for file, doc := range map[string]string{a.laughs: laughs, a.bigAlias: bigAlias} {
		if err := os.WriteFile(file, []byte(doc), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	n := 0
	a.sparse = func(size int64) string {
		n++
		file := filepath.Join(root, "large-"+string(rune('a'+n))+".yaml")
		f, err := os.Create(file)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := f.Truncate(size); err != nil {
			t.Fatal(err)
		}
		return file
	}
	return a
}

// runBounded runs sdescan, failing the test if it does not end quickly.
func runBounded(t *testing.T, args ...string) cliResult {
	t.Helper()
	done := make(chan cliResult, 1)
	start := time.Now()
	go func() { done <- runCLI(t, args...) }()
	select {
	case r := <-done:
		if d := time.Since(start); d > 20*time.Second {
			t.Errorf("took %v", d)
		}
		return r
	case <-time.After(60 * time.Second):
		t.Fatalf("sdescan %s did not end: blocked or unbounded", strings.Join(args, " "))
		return cliResult{}
	}
}

func TestInputsBounded(t *testing.T) {
	facts, err := filepath.Abs("../../../../fixtures/demo/facts.json")
	if err != nil {
		t.Fatal(err)
	}
	a := makeInputAttacks(t)
	out := filepath.Join(t.TempDir(), "pack.zip")
	const (
		device  = "not a regular file (a character device)"
		fifo    = "not a regular file (a named pipe)"
		dir     = "not a regular file (a directory)"
		aliases = "YAML aliases expand to more than 64 MiB"
	)
	for _, kind := range []struct {
		name string
		max  int64 // size limit; 0: none (facts)
		yaml bool
		// dirWant is what a directory gives where one is read as a pack.
		dirWant string
		args    func(file string) []string
	}{
		{name: "facts", args: func(f string) []string { return []string{"evaluate", f} }},
		{name: "merged shard", args: func(f string) []string { return []string{"evaluate", "--merge", facts, f} }},
		{name: "facts of pack", args: func(f string) []string { return []string{"pack", f, "-o", out} }},
		{name: "facts of backup", args: func(f string) []string { return []string{"backup", f} }},
		{name: "config", max: limits.Config, yaml: true, args: func(f string) []string { return []string{"evaluate", facts, "--config", f} }},
		{name: "attestations", max: limits.Attestations, yaml: true, args: func(f string) []string { return []string{"evaluate", facts, "--attestations", f} }},
		{name: "waivers", max: limits.Waivers, yaml: true, args: func(f string) []string { return []string{"evaluate", facts, "--waivers", f} }},
		{name: "framework", max: limits.Framework, yaml: true, args: func(f string) []string { return []string{"evaluate", facts, "--framework-file", f} }},
		{name: "signing key", max: limits.Key, args: func(f string) []string { return []string{"pack", facts, "-o", out, "--key", f} }},
		{name: "verifying key", max: limits.Key, args: func(f string) []string { return []string{"verify", "no-such-pack.zip", "--key", f} }},
		{name: "diff", max: limits.Assessment, dirWant: "not an evidence pack", args: func(f string) []string { return []string{"diff", f, facts} }},
		{name: "previous", max: limits.Assessment, dirWant: "not an evidence pack", args: func(f string) []string { return []string{"evaluate", facts, "--previous", f} }},
	} {
		attacks := []struct{ name, file, want string }{
			{"/dev/zero", "/dev/zero", device},
			{"FIFO", a.fifo, fifo},
			{"directory", a.dir, dir},
		}
		if kind.dirWant != "" {
			attacks[2].want = kind.dirWant
		}
		if kind.max > 0 {
			attacks = append(attacks, struct{ name, file, want string }{"too large", a.sparse(kind.max + 1), "larger than the " + limits.Size(kind.max) + " limit"})
		}
		if kind.yaml {
			attacks = append(attacks,
				struct{ name, file, want string }{"billion laughs", a.laughs, a.laughs + ": line 6: " + aliases},
				struct{ name, file, want string }{"one string aliased 1000 times", a.bigAlias, a.bigAlias + ": line 3: " + aliases})
		}
		for _, tc := range attacks {
			t.Run(kind.name+"/"+tc.name, func(t *testing.T) {
				r := runBounded(t, kind.args(tc.file)...)
				msg := strings.TrimSuffix(r.stderr, "\n")
				if r.code != ExitInput || !strings.HasPrefix(msg, "sdescan: ") || strings.Contains(msg, "\n") ||
					!strings.Contains(msg, tc.file+": ") || !strings.Contains(msg, tc.want) {
					t.Errorf("exit %d, stderr %q; want exit 2 and one line naming %s: %s", r.code, r.stderr, tc.file, tc.want)
				}
			})
		}
	}
}

// TestGateInputsBounded: the waivers and baseline of iac and image (loadGate).
func TestGateInputsBounded(t *testing.T) {
	a := makeInputAttacks(t)
	for _, tc := range []struct {
		name     string
		waivers  []string
		baseline string
		want     string
	}{
		{"waivers /dev/zero", []string{"/dev/zero"}, "", "/dev/zero: not a regular file (a character device)"},
		{"waivers FIFO", []string{a.fifo}, "", a.fifo + ": not a regular file (a named pipe)"},
		{"waivers directory", []string{a.dir}, "", a.dir + ": not a regular file (a directory)"},
		{"waivers too large", []string{a.sparse(limits.Waivers + 1)}, "", "larger than the 8 MiB limit"},
		{"waivers billion laughs", []string{a.laughs}, "", a.laughs + ": line 6: YAML aliases expand to more than 64 MiB"},
		{"waivers aliased string", []string{a.bigAlias}, "", a.bigAlias + ": line 3: YAML aliases expand to more than 64 MiB"},
		{"baseline /dev/zero", nil, "/dev/zero", "--baseline /dev/zero: not a regular file (a character device)"},
		{"baseline FIFO", nil, a.fifo, "--baseline " + a.fifo + ": not a regular file (a named pipe)"},
		{"baseline directory", nil, a.dir, "--baseline " + a.dir + ": not a regular file (a directory)"},
		{"baseline too large", nil, a.sparse(limits.Baseline + 1), "larger than the 256 MiB limit"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			done := make(chan error, 1)
			go func() {
				done <- loadGate(tc.waivers, tc.baseline)
			}()
			var err error
			select {
			case err = <-done:
			case <-time.After(30 * time.Second):
				t.Fatal("reading the gate's inputs did not return")
			}
			ee, ok := err.(*exitError)
			if !ok || ee.code != ExitInput || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("got %v, want an input error saying %q", err, tc.want)
			}
		})
	}
	// And through the command, once.
	r := runBounded(t, "iac", t.TempDir(), "--waivers", a.fifo)
	if r.code != ExitInput || r.stderr != "sdescan: "+a.fifo+": not a regular file (a named pipe)\n" {
		t.Errorf("iac --waivers FIFO: exit %d, stderr %q", r.code, r.stderr)
	}
}

// TestIACVariablesBounded: --tf-vars and --helm-values, which Trivy and Helm
// read, are refused before any scan when they are not regular files or are
// past the limit of a variables file.
func TestIACVariablesBounded(t *testing.T) {
	a := makeInputAttacks(t)
	large := a.sparse(limits.Variables + 1)
	for _, flag := range []string{"--tf-vars", "--helm-values"} {
		for _, tc := range []struct{ file, want string }{
			{"/dev/zero", "/dev/zero: not a regular file (a character device)"},
			{a.fifo, a.fifo + ": not a regular file (a named pipe)"},
			{a.dir, a.dir + ": not a regular file (a directory)"},
			{large, large + ": larger than the 8 MiB limit for this kind of file"},
		} {
			r := runBounded(t, "iac", t.TempDir(), flag, tc.file)
			if r.code != ExitInput || r.stderr != "sdescan: "+tc.want+"\n" {
				t.Errorf("iac %s %s: exit %d, stderr %q", flag, tc.file, r.code, r.stderr)
			}
		}
	}
}

// loadGate reads what iac's and image's gate are made of, as they do: the
// waiver files (read, then parsed by the runner) and the baseline.
func loadGate(waivers []string, baseline string) error {
	if _, err := (&gateOptions{Baseline: baseline}).gate(); err != nil {
		return err
	}
	s, err := builtinSetup(runner.Params{}, runner.Gate{}, engine.EvalLimits{}, waivers)
	if err != nil {
		return err
	}
	if _, err := runner.Prepare(s); err != nil {
		return inputError(err)
	}
	return nil
}
