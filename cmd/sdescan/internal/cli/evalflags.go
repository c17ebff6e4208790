package cli

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/sdescan/sdescan/checks/engine"
)

// evalLimitFlags are the bounds on evaluating checks (engine.EvalLimits), for
// every command that evaluates: the assessing commands and verify.
type evalLimitFlags struct {
	timeout   time.Duration
	maxMemory string
}

func (e *evalLimitFlags) add(f *pflag.FlagSet) {
	f.DurationVar(&e.timeout, "eval-timeout", engine.DefaultEvalTimeout, "longest one check may take on one resource (`DURATION`); beyond it the check's result is an error, never a pass")
	f.StringVar(&e.maxMemory, "eval-max-memory", "2GiB", "most heap evaluating checks may add to the facts (`SIZE`: 512MiB, 4GiB); a check that exceeds it alone gets an error, never a pass")
}

// limits checks the flags and returns them as the engine takes them; flags a
// command does not declare leave the engine's defaults.
func (e *evalLimitFlags) limits() (engine.EvalLimits, error) {
	if *e == (evalLimitFlags{}) {
		return engine.EvalLimits{}, nil
	}
	if e.timeout <= 0 {
		return engine.EvalLimits{}, fmt.Errorf("--eval-timeout %s: want a positive duration", e.timeout)
	}
	n, err := parseSize(e.maxMemory)
	if err != nil || n < 64<<20 {
		return engine.EvalLimits{}, fmt.Errorf("--eval-max-memory %q: want a size of at least 64MiB, such as 512MiB or 4GiB", e.maxMemory)
	}
	return engine.EvalLimits{Timeout: e.timeout, MaxMemory: n}, nil
}

// parseSize reads a byte size: a whole number with an optional unit (B, KiB,
// MiB, GiB, TiB, or KB, MB, GB, TB as powers of 1000).
func parseSize(s string) (uint64, error) {
	s = strings.TrimSpace(s)
	i := strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' })
	num, unit := s, ""
	if i >= 0 {
		num, unit = s[:i], strings.TrimSpace(s[i:])
	}
	n, err := strconv.ParseUint(num, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a size", s)
	}
	mult := map[string]uint64{"": 1, "b": 1, "kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30, "tib": 1 << 40,
		"kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12}[strings.ToLower(unit)]
	if mult == 0 || n > (1<<63)/mult {
		return 0, fmt.Errorf("%q is not a size", s)
	}
	return n * mult, nil
}
