package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/sdescan/sdescan/collectors/trivy"
)

// iacBenchTree is the fixture tree both tools scan.
const iacBenchTree = "../../fixtures/iac"

// trivyFinding is one failure of one of Trivy's checks, as both tools report it.
type trivyFinding struct {
	ID         string
	Path       string
	Start, End int
	Message    string
}

func (f trivyFinding) String() string {
	return fmt.Sprintf("%s %s:%d-%d %s", f.ID, f.Path, f.Start, f.End, f.Message)
}

// trivyBinary is Trivy's CLI built from the module version sdescan links
// (`make bench` builds it as bin/trivy and names it in SDESCAN_TRIVY).
func trivyBinary(b *testing.B) string {
	b.Helper()
	p := os.Getenv("SDESCAN_TRIVY")
	if p == "" {
		b.Fatal("SDESCAN_TRIVY is not set: it names Trivy's CLI built from the pinned module (make bench builds bin/trivy)")
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := os.Stat(abs); err != nil {
		b.Fatalf("SDESCAN_TRIVY: %v", err)
	}
	return abs
}

// trivyArgs runs `trivy config` offline, as docs/performance.md records it.
func trivyArgs(cacheDir, out string) []string {
	return []string{"config", "--skip-check-update", "--skip-version-check", "--disable-telemetry", "--quiet",
		"--cache-dir", cacheDir, "--format", "json", "--output", out, iacBenchTree}
}

// trivyCLIFindings runs Trivy's CLI once and returns its failures.
func trivyCLIFindings(b *testing.B, bin, cacheDir string) []trivyFinding {
	b.Helper()
	out := filepath.Join(b.TempDir(), "trivy.json")
	cmd := exec.Command(bin, trivyArgs(cacheDir, out)...)
	if msg, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("trivy config: %v\n%s", err, msg)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		b.Fatal(err)
	}
	var rep struct {
		Results []struct {
			Target            string
			Misconfigurations []struct {
				ID, Status, Message string
				CauseMetadata       struct{ StartLine, EndLine int }
			}
		}
	}
	if err := json.Unmarshal(data, &rep); err != nil {
		b.Fatalf("trivy.json: %v", err)
	}
	var list []trivyFinding
	for _, r := range rep.Results {
		for _, m := range r.Misconfigurations {
			if m.Status != "FAIL" {
				continue
			}
			list = append(list, trivyFinding{ID: m.ID, Path: filepath.ToSlash(r.Target), Start: m.CauseMetadata.StartLine, End: m.CauseMetadata.EndLine, Message: m.Message})
		}
	}
	return sortFindings(list)
}

// sdescanTrivyFindings scans the tree with the scanner `sdescan iac` runs and
// returns the failures of Trivy's checks it kept.
func sdescanTrivyFindings(b *testing.B) []trivyFinding {
	b.Helper()
	res, err := trivy.New().Scan(context.Background(), iacBenchTree, trivy.Options{})
	if err != nil {
		b.Fatal(err)
	}
	var list []trivyFinding
	for _, m := range res.Misconfigurations {
		list = append(list, trivyFinding{ID: m.CheckID, Path: m.Path, Start: m.StartLine, End: m.EndLine, Message: m.Message})
	}
	return sortFindings(list)
}

func sortFindings(list []trivyFinding) []trivyFinding {
	sort.Slice(list, func(i, j int) bool { return list[i].String() < list[j].String() })
	return list
}

// BenchmarkIACvsTrivy times `sdescan iac` against `trivy config` (Trivy's own CLI,
// built from the same pinned module) on fixtures/iac, after proving that both
// report exactly the same failures of Trivy's checks (ID, file, lines, message).
// It reports both wall times per run and sdescan's as a multiple of Trivy's
// (target ≤ 1.2).
func BenchmarkIACvsTrivy(b *testing.B) {
	bin := trivyBinary(b)
	cacheDir := b.TempDir()
	want := trivyCLIFindings(b, bin, cacheDir)
	got := sdescanTrivyFindings(b)
	if len(want) == 0 {
		b.Fatal("trivy config found nothing in the fixture tree: the comparison would prove nothing")
	}
	if diff := diffFindings(want, got); diff != "" {
		b.Fatalf("sdescan and trivy config disagree on Trivy's findings:\n%s", diff)
	}
	b.Logf("identical Trivy findings: %d", len(want))

	// The two tools run alternately, so that load from elsewhere on the machine
	// falls on both alike.
	sdescanCmd := func() *exec.Cmd {
		return exec.Command(binary, "iac", iacBenchTree, "--format", "json", "--output", os.DevNull)
	}
	trivyCmd := func() *exec.Cmd { return exec.Command(bin, trivyArgs(cacheDir, os.DevNull)...) }
	var s, t time.Duration
	n := 0
	for b.Loop() {
		s += timeRun(b, sdescanCmd())
		t += timeRun(b, trivyCmd())
		n++
	}
	b.ReportMetric(s.Seconds()/float64(n), "sdescan-s/op")
	b.ReportMetric(t.Seconds()/float64(n), "trivy-s/op")
	b.ReportMetric(s.Seconds()/t.Seconds(), "sdescan/trivy")
}

// timeRun runs a command to completion and returns its wall time.
func timeRun(b *testing.B, cmd *exec.Cmd) time.Duration {
	b.Helper()
	start := time.Now()
	if msg, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("%s: %v\n%s", strings.Join(cmd.Args, " "), err, msg)
	}
	return time.Since(start)
}

func diffFindings(want, got []trivyFinding) string {
	count := map[string]int{}
	for _, f := range want {
		count[f.String()]++
	}
	for _, f := range got {
		count[f.String()]--
	}
	var lines []string
	for k, n := range count {
		switch {
		case n > 0:
			lines = append(lines, fmt.Sprintf("only trivy (%d): %s", n, k))
		case n < 0:
			lines = append(lines, fmt.Sprintf("only sdescan (%d): %s", -n, k))
		}
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}
