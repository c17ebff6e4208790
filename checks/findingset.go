package checks

import (
	"bufio"
	"container/heap"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"slices"
	"strings"
	"sync"
)

// FindingSet holds the findings of one evaluation, in CompareFindings order
// once finished, without holding them all in memory: as they are added, each
// run of findings past the set's memory budget is sorted and spilled to a
// temporary file, and All merges the runs back in order. A set under its
// budget never touches the disk. Findings of the same check and resource
// (recorded results may repeat a pair) are ordered by the rest of their
// content (compareWhole), so the order never depends on the order of adding.
//
// Add may be called from several goroutines; Finish once, after the last Add;
// All, Len and Err after Finish; Close once, when done (it removes the file).
type FindingSet struct {
	mu       sync.Mutex // guards the fields up to err
	budget   int        // bytes held before a run spills; <= 0: never spills
	buf      []Finding
	bufBytes int
	n        int
	finished bool
	err      error // the first write or read error

	spillMu  sync.Mutex // guards the file and its runs while they are written
	file     *os.File
	w        *bufio.Writer
	off      int64
	runs     []spillRun
	unlinked bool // the file is already gone from its directory
}

type spillRun struct {
	off, size int64
	n         int
}

// DefaultSpillBudget is the memory a streamed evaluation's findings may take
// before they are spilled to a temporary file (about 150,000 findings).
const DefaultSpillBudget = 32 << 20

// NewFindingSet returns an empty set that spills past budget bytes of
// findings (an estimate of their memory); budget <= 0 never spills.
func NewFindingSet(budget int) *FindingSet {
	return &FindingSet{budget: budget}
}

// FindingSetOf returns a finished set holding list, which must be in the
// set's order (sorted by a set, or without two findings of one check and
// resource); the set does not copy it.
func FindingSetOf(list []Finding) *FindingSet {
	return &FindingSet{buf: list, n: len(list), finished: true}
}

// findingBytes estimates the memory one finding takes.
func findingBytes(f *Finding) int {
	n := 144 + len(f.ResourceID)
	for _, m := range f.Messages {
		n += 16 + len(m)
	}
	return n
}

// Add adds findings to the set, spilling a run when the budget is passed.
func (s *FindingSet) Add(list []Finding) error {
	s.mu.Lock()
	if s.finished {
		s.mu.Unlock()
		return errors.New("findings: added after Finish")
	}
	if s.err != nil {
		s.mu.Unlock()
		return s.err
	}
	s.buf = append(s.buf, list...)
	s.n += len(list)
	var chunk []Finding
	if s.budget > 0 {
		for i := range list {
			s.bufBytes += findingBytes(&list[i])
		}
		if s.bufBytes >= s.budget {
			// The run is sorted and written outside the lock: the other
			// workers go on adding (and evaluating) meanwhile.
			chunk = s.buf
			s.buf = make([]Finding, 0, cap(chunk))
			s.bufBytes = 0
		}
	}
	s.mu.Unlock()
	if chunk == nil {
		return nil
	}
	if err := s.spill(chunk); err != nil {
		s.fail(err)
		return err
	}
	return nil
}

// compareWhole orders findings as CompareFindings does, then by the rest of
// their content: a total order, so an unstable sort gives one result.
func compareWhole(a, b Finding) int {
	if c := CompareFindings(a, b); c != 0 {
		return c
	}
	for _, p := range [...][2]string{{a.ResourceType, b.ResourceType}, {string(a.Status), string(b.Status)}, {string(a.Severity), string(b.Severity)}, {a.Classification, b.Classification}} {
		if c := strings.Compare(p[0], p[1]); c != 0 {
			return c
		}
	}
	if c := slices.Compare(a.Messages, b.Messages); c != 0 {
		return c
	}
	switch {
	case a.Messages == nil && b.Messages != nil:
		return -1
	case a.Messages != nil && b.Messages == nil:
		return 1
	}
	return 0
}

// spill sorts a run of findings and writes it to the file. Runs are written
// one at a time, in any order: the merge orders findings by their whole
// content, so the order of runs never shows.
func (s *FindingSet) spill(run []Finding) error {
	slices.SortFunc(run, compareWhole)
	s.spillMu.Lock()
	defer s.spillMu.Unlock()
	if s.file == nil {
		f, err := os.CreateTemp("", "sdescan-findings-*")
		if err != nil {
			return fmt.Errorf("findings: temporary file: %w", err)
		}
		// Unlinked at once where the system allows it, so that nothing is left
		// behind even if the process dies; elsewhere Close removes it.
		s.unlinked = os.Remove(f.Name()) == nil
		s.file = f
		s.w = bufio.NewWriterSize(f, 256<<10)
	}
	start := s.off
	var scratch []byte
	for i := range run {
		scratch = appendFinding(scratch[:0], &run[i])
		if _, err := s.w.Write(scratch); err != nil {
			return fmt.Errorf("findings: %s: %w", s.file.Name(), err)
		}
		s.off += int64(len(scratch))
	}
	if err := s.w.Flush(); err != nil {
		return fmt.Errorf("findings: %s: %w", s.file.Name(), err)
	}
	s.runs = append(s.runs, spillRun{off: start, size: s.off - start, n: len(run)})
	return nil
}

// Finish sorts what the set holds in memory; no Add may follow.
func (s *FindingSet) Finish() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.finished {
		return s.err
	}
	s.finished = true
	if s.err == nil {
		slices.SortFunc(s.buf, compareWhole)
	}
	return s.err
}

// Len is the number of findings added.
func (s *FindingSet) Len() int { return s.n }

// Spilled reports whether some findings are on disk.
func (s *FindingSet) Spilled() bool { return len(s.runs) > 0 }

// Err is the first error writing or reading the spilled findings: All stops
// at a read error, so callers check Err after a pass.
func (s *FindingSet) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

func (s *FindingSet) fail(err error) {
	s.mu.Lock()
	if s.err == nil {
		s.err = err
	}
	s.mu.Unlock()
}

// All yields the findings in CompareFindings order; it may be ranged over any
// number of times, one at a time. A read error stops it (Err says which).
func (s *FindingSet) All() iter.Seq[Finding] {
	return func(yield func(Finding) bool) {
		if !s.finished {
			s.fail(errors.New("findings: read before Finish"))
			return
		}
		if len(s.runs) == 0 {
			for _, f := range s.buf {
				if !yield(f) {
					return
				}
			}
			return
		}
		s.merge(yield)
	}
}

// Collect returns every finding in order, in memory.
func (s *FindingSet) Collect() ([]Finding, error) {
	if len(s.runs) == 0 && s.finished {
		return s.buf, s.err
	}
	out := make([]Finding, 0, s.n)
	for f := range s.All() {
		out = append(out, f)
	}
	return out, s.Err()
}

// Close releases the temporary file.
func (s *FindingSet) Close() error {
	s.spillMu.Lock()
	defer s.spillMu.Unlock()
	if s.file == nil {
		return nil
	}
	name := s.file.Name()
	err := s.file.Close()
	s.file = nil
	if !s.unlinked {
		if rerr := os.Remove(name); rerr != nil && err == nil {
			err = rerr
		}
	}
	return err
}

// cursor is one run being merged: spilled (r) or the in-memory buffer (mem).
type cursor struct {
	r    *bufio.Reader
	left int
	mem  []Finding
	cur  Finding
	rank int // the run's place: ties (identical findings) go to the earlier run
}

func (c *cursor) next(d *decoder) (bool, error) {
	if c.r == nil {
		if len(c.mem) == 0 {
			return false, nil
		}
		c.cur, c.mem = c.mem[0], c.mem[1:]
		return true, nil
	}
	if c.left == 0 {
		return false, nil
	}
	c.left--
	return true, d.finding(c.r, &c.cur)
}

type cursorHeap []*cursor

func (h cursorHeap) Len() int { return len(h) }
func (h cursorHeap) Less(i, j int) bool {
	if c := compareWhole(h[i].cur, h[j].cur); c != 0 {
		return c < 0
	}
	return h[i].rank < h[j].rank
}
func (h cursorHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *cursorHeap) Push(x any)   { *h = append(*h, x.(*cursor)) }
func (h *cursorHeap) Pop() any {
	old := *h
	c := old[len(old)-1]
	*h = old[:len(old)-1]
	return c
}

// merge yields the runs and the buffer merged in order.
func (s *FindingSet) merge(yield func(Finding) bool) {
	d := &decoder{names: map[string]string{}}
	h := make(cursorHeap, 0, len(s.runs)+1)
	start := func(c *cursor) bool {
		ok, err := c.next(d)
		if err != nil {
			s.fail(fmt.Errorf("findings: %s: %w", s.file.Name(), err))
			return false
		}
		if ok {
			h = append(h, c)
		}
		return true
	}
	for i, r := range s.runs {
		c := &cursor{r: bufio.NewReaderSize(io.NewSectionReader(s.file, r.off, r.size), 64<<10), left: r.n, rank: i}
		if !start(c) {
			return
		}
	}
	if !start(&cursor{mem: s.buf, rank: len(s.runs)}) {
		return
	}
	heap.Init(&h)
	for len(h) > 0 {
		c := h[0]
		if !yield(c.cur) {
			return
		}
		ok, err := c.next(d)
		if err != nil {
			s.fail(fmt.Errorf("findings: %s: %w", s.file.Name(), err))
			return
		}
		if ok {
			heap.Fix(&h, 0)
		} else {
			heap.Pop(&h)
		}
	}
}

// A spilled finding: its strings, each a uvarint length and the bytes, in the
// order check, resource, type, status, severity, classification; then the
// number of messages plus one (0: nil) and the messages.
func appendFinding(b []byte, f *Finding) []byte {
	for _, s := range [...]string{f.CheckID, f.ResourceID, f.ResourceType, string(f.Status), string(f.Severity), f.Classification} {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	if f.Messages == nil {
		return binary.AppendUvarint(b, 0)
	}
	b = binary.AppendUvarint(b, uint64(len(f.Messages))+1)
	for _, m := range f.Messages {
		b = binary.AppendUvarint(b, uint64(len(m)))
		b = append(b, m...)
	}
	return b
}

// decoder reads spilled findings, sharing the strings that repeat (check IDs,
// types, statuses, severities, classifications).
type decoder struct {
	scratch []byte
	names   map[string]string
}

// maxSpilledString bounds one string read back: the file is ours, but a
// corrupted one must give an error, not an allocation of its garbage.
const maxSpilledString = 64 << 20

func (d *decoder) bytes(r *bufio.Reader) ([]byte, error) {
	n, err := binary.ReadUvarint(r)
	if err != nil {
		return nil, err
	}
	if n > maxSpilledString {
		return nil, fmt.Errorf("corrupt spilled finding (string of %d bytes)", n)
	}
	if cap(d.scratch) < int(n) {
		d.scratch = make([]byte, n)
	}
	d.scratch = d.scratch[:n]
	_, err = io.ReadFull(r, d.scratch)
	return d.scratch, err
}

func (d *decoder) str(r *bufio.Reader) (string, error) {
	b, err := d.bytes(r)
	return string(b), err
}

func (d *decoder) name(r *bufio.Reader) (string, error) {
	b, err := d.bytes(r)
	if err != nil {
		return "", err
	}
	if s, ok := d.names[string(b)]; ok {
		return s, nil
	}
	s := string(b)
	if len(d.names) < 1<<16 {
		d.names[s] = s
	}
	return s, nil
}

func (d *decoder) finding(r *bufio.Reader, f *Finding) error {
	var err error
	*f = Finding{}
	if f.CheckID, err = d.name(r); err != nil {
		return err
	}
	if f.ResourceID, err = d.str(r); err != nil {
		return err
	}
	if f.ResourceType, err = d.name(r); err != nil {
		return err
	}
	var s string
	if s, err = d.name(r); err != nil {
		return err
	}
	f.Status = Status(s)
	if s, err = d.name(r); err != nil {
		return err
	}
	f.Severity = Severity(s)
	if f.Classification, err = d.name(r); err != nil {
		return err
	}
	n, err := binary.ReadUvarint(r)
	if err != nil {
		return err
	}
	if n == 0 {
		return nil
	}
	if n-1 > maxSpilledString {
		return fmt.Errorf("corrupt spilled finding (%d messages)", n-1)
	}
	f.Messages = make([]string, n-1)
	for i := range f.Messages {
		if f.Messages[i], err = d.str(r); err != nil {
			return err
		}
	}
	return nil
}
