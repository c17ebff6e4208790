package cli

import (
	"strings"
	"testing"
)

func TestParseSize(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want uint64
		ok   bool
	}{
		{"2GiB", 2 << 30, true},
		{"512MiB", 512 << 20, true},
		{"512 mib", 512 << 20, true},
		{"1GB", 1e9, true},
		{"1048576", 1 << 20, true},
		{"", 0, false},
		{"GiB", 0, false},
		{"-1GiB", 0, false},
		{"1.5GiB", 0, false},
		{"2PiB", 0, false},
		{"99999999999999999999", 0, false},
		{"9999999999TiB", 0, false},
	} {
		got, err := parseSize(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("parseSize(%q) = %d, %v; want %d (ok %v)", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

// Every command that evaluates checks takes the same evaluation limits, and
// refuses a bad one before doing any work.
func TestEvalFlagsEveryCommand(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"evaluate", "facts.json"},
		{"scan", "--demo"},
		{"pack", "facts.json", "-o", "p.zip"},
		{"backup", "--demo"},
		{"verify", "p.zip"},
		{"iac", dir},
		{"image", "app.tar"},
		{"openness", dir},
	} {
		for _, bad := range [][]string{{"--eval-timeout", "0s"}, {"--eval-max-memory", "1MiB"}} {
			r := runCLI(t, append(append([]string{}, args...), bad...)...)
			if r.code != ExitInput || !strings.Contains(r.stderr, bad[0]) {
				t.Errorf("%v %v: exit %d, stderr %q; want exit 2 naming %s", args, bad, r.code, r.stderr, bad[0])
			}
		}
	}
}
