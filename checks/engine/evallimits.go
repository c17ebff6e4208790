package engine

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"time"
)

// EvalLimits bound the CPU time and the memory that evaluating checks may
// take, so that a check that loops or builds a huge value (a mistaken --policy
// check, or one packed in an evidence pack someone asks you to verify) ends as
// an error finding for that check and resource, never as a pass and never as a
// hang, and the rest of the run goes on.
type EvalLimits struct {
	// Timeout is the longest one check may run on one resource (0:
	// DefaultEvalTimeout; negative: no limit). The checks of a resource are
	// evaluated together first; when that exceeds the limit, each is
	// evaluated alone, with the limit each.
	Timeout time.Duration
	// MaxMemory is the most Go heap, in bytes, evaluating checks may add to
	// what the process holds when the run starts (the facts, mostly), the
	// findings included (0: DefaultMaxMemory). The heap is sampled every few
	// milliseconds; when it is exceeded (after a garbage
	// collection), the evaluations in progress are stopped and each of their
	// checks is evaluated again alone, with no other evaluation of the run in
	// progress: a check that exceeds the limit alone gets the error. One built-in call
	// can overshoot the limit before it is seen (by at most about the size
	// of the value it builds).
	MaxMemory uint64
}

// Defaults of EvalLimits. The slowest shipped check takes well under a
// millisecond per resource, and 100,000 resources are evaluated in under
// 1.2 GiB (docs/performance.md).
const (
	DefaultEvalTimeout        = 10 * time.Second
	DefaultMaxMemory   uint64 = 2 << 30
)

// maxTrips is how many times one check may exceed a limit in a run; after
// that, it is not evaluated again on the run's other resources (an error
// finding each), so a check that loops cannot make a run last
// resources × Timeout.
const maxTrips = 3

func (l EvalLimits) timeout() time.Duration {
	switch {
	case l.Timeout == 0:
		return DefaultEvalTimeout
	case l.Timeout < 0:
		return 0
	}
	return l.Timeout
}

func (l EvalLimits) maxMemory() uint64 {
	if l.MaxMemory == 0 {
		return DefaultMaxMemory
	}
	return l.MaxMemory
}

// Why an evaluation was stopped (the low two bits of evalGuard.state).
const (
	stopNone uint64 = iota
	stopTime
	stopMemory
	stopAbort // the run's context was cancelled

	stopMask    uint64 = 3
	guardActive uint64 = 4 // an evaluation is in progress
)

// evalGuard is one worker's evaluations as the watchdog sees them, and the
// cancellation (topdown.Cancel) OPA's evaluator and the plan runner poll.
// state is seq<<3 | guardActive | stop reason, seq counting the worker's
// evaluations, so a stop meant for one evaluation never reaches the next.
type evalGuard struct {
	state atomic.Uint64
	seq   uint64   // the worker's own
	_     [48]byte // a cache line of its own: workers write their guards at every evaluation
}

func (g *evalGuard) begin() {
	g.seq++
	g.state.Store(g.seq<<3 | guardActive)
}

// end ends the evaluation and returns why it was stopped (stopNone: it was not).
func (g *evalGuard) end() uint64 { return g.state.Swap(g.seq<<3) & stopMask }

// Cancelled reports whether the evaluation in progress is to stop.
func (g *evalGuard) Cancelled() bool { return g.state.Load()&stopMask != 0 }

// Cancel stops the evaluation in progress, as a cancelled run does.
func (g *evalGuard) Cancel() { g.stop(stopAbort) }

// stop stops the evaluation in progress, if any and not already stopped.
func (g *evalGuard) stop(reason uint64) {
	for {
		s := g.state.Load()
		if s&guardActive == 0 || s&stopMask != 0 || g.state.CompareAndSwap(s, s|reason) {
			return
		}
	}
}

// watchdog enforces EvalLimits over the workers of one Evaluate.
type watchdog struct {
	timeout   time.Duration
	maxMemory uint64
	// heapLimit is the heap (heapMetric) beyond which evaluations stop: the
	// heap when the run started and maxMemory.
	heapLimit uint64
	guards    []*evalGuard
	// alone is set while a worker evaluates with no other evaluation running
	// (begin, beginAlone), held by aloneMu.
	alone   atomic.Bool
	aloneMu sync.Mutex
	aborted atomic.Bool
	// trips[ci]: how often check ci exceeded a limit in this run;
	// typeTripped[k]: a check of type k did, so the type's checks are
	// evaluated one by one.
	trips       []atomic.Int32
	typeTripped []atomic.Bool
	quit        chan struct{}
	done        chan struct{}
}

// watchdogTick is how often the watchdog looks at the evaluations and the heap.
const watchdogTick = 5 * time.Millisecond

// heapMetric is the heap the memory limit bounds: live objects and those not
// yet freed.
const heapMetric = "/memory/classes/heap/objects:bytes"

// readHeap returns the heap as heapMetric measures it.
func readHeap() uint64 {
	sample := []metrics.Sample{{Name: heapMetric}}
	metrics.Read(sample)
	if sample[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return sample[0].Value.Uint64()
}

func startWatchdog(ctx context.Context, l EvalLimits, workers, checks, types int) *watchdog {
	w := &watchdog{
		timeout: l.timeout(), maxMemory: l.maxMemory(),
		// The limit is on what evaluation adds to what the process holds
		// when it starts (the facts, mostly, and any garbage not yet
		// collected): a large estate is not refused for its size.
		heapLimit: readHeap() + l.maxMemory(),
		guards:    make([]*evalGuard, workers),
		trips:     make([]atomic.Int32, checks), typeTripped: make([]atomic.Bool, types),
		quit: make(chan struct{}), done: make(chan struct{}),
	}
	for i := range w.guards {
		w.guards[i] = &evalGuard{}
	}
	go w.run(ctx)
	return w
}

func (w *watchdog) stopWatching() {
	close(w.quit)
	<-w.done
}

func (w *watchdog) run(ctx context.Context) {
	defer close(w.done)
	tick := watchdogTick
	if w.timeout > 0 && w.timeout < 10*tick {
		tick = max(w.timeout/10, time.Millisecond)
	}
	ticker := time.NewTicker(tick)
	defer ticker.Stop()
	// seen[i]: the evaluation of worker i seen running (its state without the
	// stop reason) and when it was first seen, at most one tick after it began.
	type seenEval struct {
		id    uint64
		since time.Time
	}
	seen := make([]seenEval, len(w.guards))
	done := ctx.Done()
	for {
		var now time.Time
		select {
		case <-w.quit:
			return
		case <-done:
			w.aborted.Store(true)
			for _, g := range w.guards {
				g.stop(stopAbort)
			}
			done = nil
			continue
		case now = <-ticker.C:
		}
		if w.aborted.Load() {
			for _, g := range w.guards {
				g.stop(stopAbort)
			}
		}
		if w.timeout > 0 {
			for i, g := range w.guards {
				s := g.state.Load()
				if s&guardActive == 0 || s&stopMask != 0 {
					continue
				}
				if id := s >> 2; seen[i].id != id {
					seen[i] = seenEval{id: id, since: now}
				} else if now.Sub(seen[i].since) >= w.timeout {
					g.state.CompareAndSwap(s, s|stopTime)
				}
			}
		}
		if readHeap() > w.heapLimit {
			// Garbage counts until it is collected: stop evaluations only for
			// what a collection leaves.
			runtime.GC()
			if readHeap() > w.heapLimit {
				for _, g := range w.guards {
					g.stop(stopMemory)
				}
			}
		}
	}
}

// begin begins an evaluation of worker g, once no worker evaluates alone.
//
// With beginAlone, it is Dekker's handshake: g announces its evaluation
// (g.begin), then looks for one alone; beginAlone announces it is alone, then
// looks for evaluations in progress. Go's atomics are sequentially
// consistent, so at least one of them sees the other.
func (w *watchdog) begin(g *evalGuard) {
	for {
		g.begin()
		if !w.alone.Load() {
			return
		}
		g.end()
		w.aloneMu.Lock() // held until the one alone ends
		w.aloneMu.Unlock()
	}
}

// beginAlone begins an evaluation of worker g once no other evaluation is in
// progress, and keeps others from beginning until endAlone: a memory stop then
// is this evaluation's own.
func (w *watchdog) beginAlone(g *evalGuard) {
	w.aloneMu.Lock()
	w.alone.Store(true)
	for _, o := range w.guards {
		for o != g && o.state.Load()&guardActive != 0 {
			time.Sleep(time.Millisecond)
		}
	}
	g.begin()
}

// endAlone ends the evaluation beginAlone began and returns why it was
// stopped, as evalGuard.end does.
func (w *watchdog) endAlone(g *evalGuard) uint64 {
	stop := g.end()
	w.alone.Store(false)
	w.aloneMu.Unlock()
	return stop
}

// tripped records that check ci, of the types ks, exceeded a limit (reason)
// and returns the error for its finding.
func (w *watchdog) tripped(ci int, ks []int, reason uint64) error {
	w.trips[ci].Add(1)
	for _, k := range ks {
		w.typeTripped[k].Store(true)
	}
	return &limitError{reason: reason, timeout: w.timeout, maxMemory: w.maxMemory}
}

// retired returns the error for check ci's finding when it is no longer
// evaluated in this run (it exceeded a limit maxTrips times), or nil.
func (w *watchdog) retired(ci int) error {
	if w.trips[ci].Load() < maxTrips {
		return nil
	}
	return &limitError{retired: true, timeout: w.timeout, maxMemory: w.maxMemory}
}

// limitError is an evaluation stopped by EvalLimits.
type limitError struct {
	reason    uint64
	retired   bool
	timeout   time.Duration
	maxMemory uint64
}

func (e *limitError) Error() string {
	switch {
	case e.retired:
		return fmt.Sprintf("not evaluated: the check exceeded an evaluation limit on %d other resources in this run", maxTrips)
	case e.reason == stopMemory:
		return fmt.Sprintf("evaluation exceeded the %s memory limit", formatBytes(e.maxMemory))
	default:
		return fmt.Sprintf("evaluation exceeded the %s time limit", e.timeout)
	}
}

// formatBytes writes a byte count as GiB or MiB when it is a whole number of them.
func formatBytes(n uint64) string {
	switch {
	case n == math.MaxUint64:
		return "unlimited"
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}
