//go:build goexperiment.jsonv2

package engine

import (
	"bufio"
	"context"
	"encoding/json/jsontext"
	"hash/maphash"
	"io"
	"sync"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/checks/limits"
)

// stream is one streamed read of a facts file.
type stream struct {
	ok       bool
	facts    *checks.Facts
	n        int
	findings *checks.FindingSet

	mu       sync.Mutex
	seed     maphash.Seed
	ids      map[uint64]struct{} // resource IDs seen, hashed
	recorded []checks.Resource
}

// streamFile streams the file; s.ok says it was streamed and valid. An error
// is one that reading the file whole would not change (it cannot be opened,
// the run was cancelled, params refused the header).
func (e *Engine) streamFile(ctx context.Context, path string, params func(*checks.Facts) (Params, error), observe func(*checks.Resource)) (*stream, error) {
	file, err := limits.Open(path)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	s := &stream{seed: maphash.MakeSeed(), ids: map[uint64]struct{}{}}
	dec := jsontext.NewDecoder(bufio.NewReaderSize(file, 1<<20), jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
	if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '{' {
		return s, nil
	}
	rest := []byte{'{'}
	member := func(name string, v []byte) {
		if len(rest) > 1 {
			rest = append(rest, ',')
		}
		rest, _ = jsontext.AppendQuote(rest, name)
		rest = append(append(rest, ':'), v...)
	}
	var sess *evalSession
	abandon := func() {
		if sess != nil {
			sess.abandon()
		}
	}
	for dec.PeekKind() != '}' {
		tok, err := dec.ReadToken()
		if err != nil {
			abandon()
			return s, nil
		}
		name := tok.String()
		if name != "resources" || sess != nil {
			v, err := dec.ReadValue()
			if err != nil {
				abandon()
				return s, nil
			}
			member(name, v)
			continue
		}
		// The header so far gives the parameters; without the collection time
		// before the resources, the file is read whole.
		head := &checks.Facts{}
		if checks.DecodeJSONStrict(append(rest, '}'), head) != nil || head.CollectedAt.IsZero() || dec.PeekKind() != '[' {
			return s, nil
		}
		p, err := params(head)
		if err != nil {
			return nil, err
		}
		if sess, err = e.startEval(ctx, p, e.spillBudget()); err != nil {
			return nil, err
		}
		sess.decode = func(j job) []job { return s.decode(e, j, observe) }
		if !s.read(dec, sess) {
			abandon()
			return s, nil
		}
		member(name, []byte("[]"))
	}
	if _, err := dec.ReadToken(); err != nil || sess == nil {
		abandon()
		return s, nil
	}
	if _, err := dec.ReadToken(); err != io.EOF {
		abandon()
		return s, nil // trailing data
	}
	facts := &checks.Facts{}
	if checks.DecodeJSONStrict(append(rest, '}'), facts) != nil {
		abandon()
		return s, nil
	}
	// Every resource is decoded and validated before the recorded results are
	// added (a worker that failed leaves s.recorded incomplete: not used then).
	findings, err := sess.finishWith(func() []checks.Finding {
		facts.Resources = s.recorded
		facts.Normalize() // resources by ID, as a file read whole
		rec, _ := checks.RecordedFindings(facts)
		return rec
	})
	if err != nil {
		return nil, err
	}
	if sess.failed.Load() || facts.Validate() != nil {
		_ = findings.Close()
		return s, nil
	}
	s.ok, s.facts, s.findings = true, facts, findings
	return s, nil
}

// read reads the resources list, handing runs of resources to the workers;
// false when the list is not well formed.
func (s *stream) read(dec *jsontext.Decoder, sess *evalSession) bool {
	if _, err := dec.ReadToken(); err != nil { // '['
		return false
	}
	chunk := []byte{'['}
	k := 0
	flush := func() bool {
		if k == 0 {
			return true
		}
		ok := sess.submit(job{raw: append(chunk, ']')})
		chunk, k = []byte{'['}, 0
		return ok
	}
	for dec.PeekKind() != ']' {
		v, err := dec.ReadValue()
		if err != nil {
			return false
		}
		if k > 0 {
			chunk = append(chunk, ',')
		}
		chunk = append(chunk, v...)
		k++
		s.n++
		if k == streamChunk && !flush() {
			return false
		}
		if sess.failed.Load() {
			return false
		}
	}
	if !flush() {
		return false
	}
	_, err := dec.ReadToken() // ']'
	return err == nil
}

// decode decodes and validates a run of resources and groups those some check
// reads by type, in the order of their types; nil when the run is not valid.
func (s *stream) decode(e *Engine, j job, observe func(*checks.Resource)) []job {
	var list []checks.Resource
	if checks.DecodeJSONStrict(j.raw, &list) != nil {
		return nil
	}
	var hashes []uint64
	for i := range list {
		r := &list[i]
		if r.ID == "" || r.Type == "" {
			return nil
		}
		hashes = append(hashes, maphash.String(s.seed, r.ID))
	}
	s.mu.Lock()
	for _, h := range hashes {
		if _, dup := s.ids[h]; dup {
			s.mu.Unlock()
			return nil // a duplicate (or, once in 2^64, a collision): read whole, it says which
		}
		s.ids[h] = struct{}{}
	}
	for i := range list {
		if list[i].Type == checks.TypeRecordedResult {
			s.recorded = append(s.recorded, list[i])
		}
	}
	s.mu.Unlock()
	types, byType := e.groupByType(list, observe)
	jobs := make([]job, 0, len(types)+1)
	for _, t := range types {
		jobs = append(jobs, job{typ: t, items: byType[t], seq: j.seq})
	}
	if len(jobs) == 0 {
		jobs = append(jobs, job{seq: j.seq}) // nothing to evaluate; not a failure
	}
	return jobs
}

// streams says whether facts files are streamed in this build.
const streams = true
