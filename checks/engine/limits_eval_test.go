package engine

import (
	"context"
	"errors"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/sdescan/sdescan/checks"
)

// loopingDeny is a deny rule that runs for minutes with either evaluator (10^8
// iterations) and denies nothing.
const loopingDeny = `deny contains "never" if {
	count([1 |
		some i in numbers.range(1, 10000)
		some j in numbers.range(1, 10000)
		i * j == -1
	]) > 0
}`

// TestEvalTimeLimit: a check that loops for minutes ends, on every resource,
// as an error finding naming the time limit, soon after the limit; the other
// checks of the same resources and of other types are evaluated as usual;
// after maxTrips resources the looping check is not evaluated again. Both with
// the plan runner and with OPA's evaluator alone.
func TestEvalTimeLimit(t *testing.T) {
	src := checks.PolicySource{Name: "pol", FS: fstest.MapFS{
		"slow.rego":  {Data: []byte(customCheck("SLOW-1", "t.slow", loopingDeny))},
		"plain.rego": {Data: []byte(customCheck("SLOW-2", "t.slow", `deny contains "off" if input.resource.attributes.on == false`))},
		"fast.rego":  {Data: []byte(customCheck("FAST-1", "t.fast", `deny contains "off" if input.resource.attributes.on == false`))},
	}}
	facts := &checks.Facts{Resources: []checks.Resource{
		{ID: "f/1", Type: "t.fast", Attributes: map[string]any{"on": false}},
		{ID: "s/1", Type: "t.slow", Attributes: map[string]any{"on": true}},
		{ID: "s/2", Type: "t.slow", Attributes: map[string]any{"on": false}},
		{ID: "s/3", Type: "t.slow", Attributes: map[string]any{"on": true}},
		{ID: "s/4", Type: "t.slow", Attributes: map[string]any{"on": true}},
	}}
	facts.Normalize()
	const limit = 2 * time.Second
	for _, topdownOnly := range []bool{false, true} {
		e, err := New(src)
		if err != nil {
			t.Fatal(err)
		}
		e.topdownOnly = topdownOnly
		e.Limits = EvalLimits{Timeout: limit}
		start := time.Now()
		got, err := e.Evaluate(context.Background(), facts, Params{AsOf: asOf})
		took := time.Since(start)
		if err != nil {
			t.Fatal(err)
		}
		// Each of the first maxTrips resources: all checks at once, then the
		// looping one alone (the first resource), or alone only: ≤ 2 limits each.
		if took > 2*maxTrips*limit+20*time.Second {
			t.Errorf("topdownOnly %v: took %s", topdownOnly, took)
		}
		status := map[string]checks.Status{}
		var timedOut, retired int
		for _, f := range got {
			k := f.CheckID + " " + f.ResourceID
			status[k] = f.Status
			if f.CheckID != "SLOW-1" {
				continue
			}
			switch {
			case len(f.Messages) == 1 && f.Messages[0] == "evaluation exceeded the 2s time limit":
				timedOut++
			case len(f.Messages) == 1 && strings.HasPrefix(f.Messages[0], "not evaluated: the check exceeded an evaluation limit on 3 other resources"):
				retired++
			default:
				t.Errorf("topdownOnly %v: %s: %q", topdownOnly, k, f.Messages)
			}
		}
		want := map[string]checks.Status{
			"FAST-1 f/1": checks.Fail,
			"SLOW-1 s/1": checks.Error, "SLOW-1 s/2": checks.Error, "SLOW-1 s/3": checks.Error, "SLOW-1 s/4": checks.Error,
			"SLOW-2 s/1": checks.Pass, "SLOW-2 s/2": checks.Fail, "SLOW-2 s/3": checks.Pass, "SLOW-2 s/4": checks.Pass,
		}
		for k, w := range want {
			if status[k] != w {
				t.Errorf("topdownOnly %v: %s: %s, want %s", topdownOnly, k, status[k], w)
			}
		}
		if len(got) != len(want) || timedOut != maxTrips || retired != 1 {
			t.Errorf("topdownOnly %v: %d findings, %d timed out, %d not evaluated", topdownOnly, len(got), timedOut, retired)
		}
		t.Logf("topdownOnly %v: %s", topdownOnly, took)
	}
}

// TestEvalMemoryLimit: a check that builds an ever larger value ends as an
// error finding naming the memory limit, and the process stays well under
// 1 GiB; the other checks are evaluated as usual.
func TestEvalMemoryLimit(t *testing.T) {
	for _, tc := range []struct {
		name, rule string
	}{
		// One built-in call making an array of 10^9 numbers (tens of GiB).
		{"range", `deny contains "never" if count(numbers.range(1, 1000000000)) == 0`},
		// A comprehension of 10^10 pairs.
		{"comprehension", `deny contains "never" if {
	pairs := [[i, j] |
		some i in numbers.range(1, 100000)
		some j in numbers.range(1, 100000)
	]
	count(pairs) == 0
}`},
		// Strings concatenated into one of tens of GiB.
		{"concat", `deny contains "never" if {
	s := concat(",", [sprintf("item %d of a long list", [i]) | some i in numbers.range(1, 2000000000)])
	count(s) == 0
}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := checks.PolicySource{Name: "pol", FS: fstest.MapFS{
				"big.rego":   {Data: []byte(customCheck("BIG-1", "t.big", tc.rule))},
				"plain.rego": {Data: []byte(customCheck("BIG-2", "t.big", `deny contains "off" if input.resource.attributes.on == false`))},
				"other.rego": {Data: []byte(customCheck("OTHER-1", "t.other", `deny contains "off" if input.resource.attributes.on == false`))},
			}}
			facts := &checks.Facts{Resources: []checks.Resource{
				{ID: "b/1", Type: "t.big", Attributes: map[string]any{"on": false}},
				{ID: "o/1", Type: "t.other", Attributes: map[string]any{"on": true}},
			}}
			facts.Normalize()
			e, err := New(src)
			if err != nil {
				t.Fatal(err)
			}
			// The time limit is far off: the memory limit must stop it.
			e.Limits = EvalLimits{Timeout: 5 * time.Minute, MaxMemory: 256 << 20}
			runtime.GC()
			peak := watchMemory(t)
			start := time.Now()
			got, err := e.Evaluate(context.Background(), facts, Params{AsOf: asOf})
			took := time.Since(start)
			mem := peak()
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s, peak %d MiB", took, mem>>20)
			if mem >= 1<<30 {
				t.Errorf("the process held %d MiB", mem>>20)
			}
			want := map[string]checks.Status{"BIG-1 b/1": checks.Error, "BIG-2 b/1": checks.Fail, "OTHER-1 o/1": checks.Pass}
			for _, f := range got {
				k := f.CheckID + " " + f.ResourceID
				if f.Status != want[k] {
					t.Errorf("%s: %s %q, want %s", k, f.Status, f.Messages, want[k])
				}
				if k == "BIG-1 b/1" && (len(f.Messages) != 1 || f.Messages[0] != "evaluation exceeded the 256 MiB memory limit") {
					t.Errorf("%s: %q", k, f.Messages)
				}
			}
			if len(got) != len(want) {
				t.Errorf("%+v", got)
			}
		})
	}
}

// watchMemory samples the memory the Go runtime holds from the OS (mapped,
// not released) every millisecond until the returned function is called,
// which returns the most it saw.
func watchMemory(t *testing.T) func() uint64 {
	t.Helper()
	samples := []metrics.Sample{{Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"}}
	var mu sync.Mutex
	var most uint64
	quit, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(samples)
			held := samples[0].Value.Uint64() - samples[1].Value.Uint64()
			mu.Lock()
			most = max(most, held)
			mu.Unlock()
			select {
			case <-quit:
				return
			case <-tick.C:
			}
		}
	}()
	return func() uint64 {
		close(quit)
		<-done
		mu.Lock()
		defer mu.Unlock()
		return most
	}
}

// TestEvaluateCancelled: cancelling the run's context stops a check that
// loops, well before its time limit, and Evaluate returns the context's error.
func TestEvaluateCancelled(t *testing.T) {
	src := checks.PolicySource{Name: "pol", FS: fstest.MapFS{
		"slow.rego": {Data: []byte(customCheck("SLOW-1", "t.slow", loopingDeny))},
	}}
	facts := &checks.Facts{Resources: []checks.Resource{{ID: "s/1", Type: "t.slow"}, {ID: "s/2", Type: "t.slow"}}}
	facts.Normalize()
	for _, topdownOnly := range []bool{false, true} {
		e, err := New(src)
		if err != nil {
			t.Fatal(err)
		}
		e.topdownOnly = topdownOnly
		e.Limits = EvalLimits{Timeout: 10 * time.Minute}
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		start := time.Now()
		_, err = e.Evaluate(ctx, facts, Params{AsOf: asOf})
		took := time.Since(start)
		cancel()
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("topdownOnly %v: %v", topdownOnly, err)
		}
		if took > 20*time.Second {
			t.Errorf("topdownOnly %v: took %s", topdownOnly, took)
		}
	}
}

// TestEvaluateLargeFacts: the memory limit is on what evaluation adds, so a
// process already holding more than the limit (a large estate's facts) is
// evaluated as usual.
func TestEvaluateLargeFacts(t *testing.T) {
	e := testEngine(t)
	e.Limits = EvalLimits{MaxMemory: 64 << 20}
	ballast := make([]byte, 128<<20)
	for i := range ballast {
		ballast[i] = byte(i)
	}
	facts := &checks.Facts{Resources: []checks.Resource{{ID: "b/ok", Type: "test.bucket", Attributes: map[string]any{"versioning": true}}}}
	facts.Normalize()
	got, err := e.Evaluate(context.Background(), facts, Params{AsOf: asOf})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) == 0 {
		t.Fatal("no findings")
	}
	for _, f := range got {
		if f.Status == checks.Error && strings.Contains(strings.Join(f.Messages, " "), "exceeded") {
			t.Errorf("%s on %s: %v", f.CheckID, f.ResourceID, f.Messages)
		}
	}
	runtime.KeepAlive(ballast)
}

// TestEvalLimitsDefaults: zero limits are the documented defaults; a negative
// timeout is none.
func TestEvalLimitsDefaults(t *testing.T) {
	var l EvalLimits
	if l.timeout() != 10*time.Second || l.maxMemory() != 2<<30 {
		t.Errorf("defaults %s, %d", l.timeout(), l.maxMemory())
	}
	if (EvalLimits{Timeout: -1}).timeout() != 0 {
		t.Error("a negative timeout is a limit")
	}
	for n, want := range map[uint64]string{2 << 30: "2 GiB", 256 << 20: "256 MiB", 1000: "1000 bytes"} {
		if got := formatBytes(n); got != want {
			t.Errorf("%d: %s, want %s", n, got, want)
		}
	}
}

// TestWatchdogAlone: while a worker evaluates alone, no other evaluation is
// in progress, however the others begin and end around it.
func TestWatchdogAlone(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	wd := startWatchdog(ctx, EvalLimits{Timeout: time.Minute}, 4, 1, 1)
	defer wd.stopWatching()
	var active atomic.Int32
	var violations, alone atomic.Int32
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i, g := range wd.guards {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				if i == 0 && n%50 == 0 {
					wd.beginAlone(g)
					if active.Load() != 0 {
						violations.Add(1)
					}
					alone.Add(1)
					time.Sleep(100 * time.Microsecond)
					if active.Load() != 0 {
						violations.Add(1)
					}
					wd.endAlone(g)
					continue
				}
				wd.begin(g)
				active.Add(1)
				runtime.Gosched()
				active.Add(-1)
				g.end()
			}
		}()
	}
	time.Sleep(500 * time.Millisecond)
	close(stop)
	wg.Wait()
	if violations.Load() != 0 || alone.Load() == 0 {
		t.Errorf("%d evaluations alone, %d saw others in progress", alone.Load(), violations.Load())
	}
}
