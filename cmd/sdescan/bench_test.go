package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
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

// watchHWM waits for a child (wait) and returns its peak resident memory in
// KiB, VmHWM read from /proc every 5 ms until it exits. The child's rusage
// cannot say: it starts in this process's address space (vfork), so its
// ru_maxrss counts this process's peak, and this one has just built the
// estate in memory.
func watchHWM(pid int, wait func() error, b *testing.B) int64 {
	done := make(chan error, 1)
	go func() { done <- wait() }()
	var peak int64
	status := fmt.Sprintf("/proc/%d/status", pid)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case err := <-done:
			if err != nil {
				b.Fatal(err)
			}
			if peak == 0 {
				b.Fatal("no VmHWM read from " + status)
			}
			return peak
		case <-tick.C:
			data, err := os.ReadFile(status)
			if err != nil {
				continue // exited between ticks
			}
			for _, line := range strings.Split(string(data), "\n") {
				if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
					var kb int64
					fmt.Sscanf(strings.TrimSpace(v), "%d", &kb)
					peak = max(peak, kb)
				}
			}
		}
	}
}

// BenchmarkEvaluateCLI runs `sdescan evaluate FACTS.json --format json` end to end
// (decode, evaluate every check, roll up, encode) on the built binary and reports
// the child's peak resident memory.
func BenchmarkEvaluateCLI(b *testing.B) {
	for _, n := range []int{10_000, 100_000, 1_000_000} {
		facts := writeSyntheticFacts(b, n)
		// Collect the estate just written now, not while the child runs on the
		// same two cores.
		runtime.GC()
		b.Run(fmt.Sprintf("resources=%d", n), func(b *testing.B) {
			var peak int64
			for b.Loop() {
				cmd := exec.Command(binary, "evaluate", facts, "--format", "json", "--output", os.DevNull)
				cmd.Stderr = os.Stderr
				if err := cmd.Start(); err != nil {
					b.Fatal(err)
				}
				peak = max(peak, watchHWM(cmd.Process.Pid, cmd.Wait, b))
			}
			b.ReportMetric(float64(peak)/1024, "peak-RSS-MiB")
		})
	}
}
