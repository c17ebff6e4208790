package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// writeSyntheticFacts writes a facts file of n resources cloned round-robin from
// the demo estate, each with a unique ID.
func writeSyntheticFacts(b *testing.B, n int) string {
	b.Helper()
	data, err := os.ReadFile("../../fixtures/demo/facts.json")
	if err != nil {
		b.Fatal(err)
	}
	var demo map[string]any
	if err := json.Unmarshal(data, &demo); err != nil {
		b.Fatal(err)
	}
	src := demo["resources"].([]any)
	out := make([]any, n)
	for i := range n {
		r := map[string]any{}
		for k, v := range src[i%len(src)].(map[string]any) {
			r[k] = v
		}
		r["id"] = fmt.Sprintf("%s#%07d", r["id"], i)
		out[i] = r
	}
	demo["resources"] = out
	p := filepath.Join(b.TempDir(), fmt.Sprintf("facts-%d.json", n))
	fh, err := os.Create(p)
	if err != nil {
		b.Fatal(err)
	}
	if err := json.NewEncoder(fh).Encode(demo); err != nil {
		b.Fatal(err)
	}
	if err := fh.Close(); err != nil {
		b.Fatal(err)
	}
	return p
}

// BenchmarkEvaluateCLI runs `sdescan evaluate FACTS.json --format json` end to end
// (decode, evaluate every check, roll up, encode) on the built binary and reports
// the child's peak resident memory.
func BenchmarkEvaluateCLI(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		facts := writeSyntheticFacts(b, n)
		b.Run(fmt.Sprintf("resources=%d", n), func(b *testing.B) {
			var peak int64
			var wall time.Duration
			for b.Loop() {
				cmd := exec.Command(binary, "evaluate", facts, "--format", "json", "--output", os.DevNull)
				cmd.Stderr = os.Stderr
				start := time.Now()
				if err := cmd.Run(); err != nil {
					b.Fatal(err)
				}
				wall += time.Since(start)
				if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok && ru.Maxrss > peak {
					peak = ru.Maxrss // KiB on Linux
				}
			}
			b.ReportMetric(float64(peak)/1024, "peak-RSS-MiB")
		})
	}
}
