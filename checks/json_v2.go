//go:build goexperiment.jsonv2

package checks

import (
	"bufio"
	"bytes"
	"encoding/json"
	"encoding/json/jsontext"
	jsonv2 "encoding/json/v2"
	"errors"
	"io"
	"runtime"
	"sync"
	"sync/atomic"
)

// writeJSON streams v as indented JSON with encoding/json's (v1) semantics: the
// v2 encoder writes as it goes instead of building the whole document and then
// re-indenting it, which halves the time and memory of a large assessment.
func writeJSON(w io.Writer, v any) error {
	if err := jsonv2.MarshalWrite(w, v, json.DefaultOptionsV1(), jsontext.WithIndent("  "), jsontext.EscapeForHTML(false)); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// encodeIndented appends v to b as writeJSON writes it, every line after the
// first prefixed by prefix, without a trailing newline.
func encodeIndented(b *bytes.Buffer, v any, prefix string) error {
	return jsonv2.MarshalWrite(b, v, json.DefaultOptionsV1(), jsontext.WithIndentPrefix(prefix), jsontext.WithIndent("  "), jsontext.EscapeForHTML(false))
}

// writeFactsJSON writes what writeJSON writes for f, encoding the resources on
// all cores: each chunk of resources is encoded as the elements of the
// "resources" array are (indented by two levels), and the chunks are joined
// into the rest of the document. A large facts file is mostly its resources.
func writeFactsJSON(w io.Writer, f *Facts) error {
	const minChunk = 1000
	workers := runtime.GOMAXPROCS(0)
	n := len(f.Resources)
	if workers < 2 || n < 2*minChunk {
		return writeJSON(w, f)
	}
	head := *f
	head.Resources = []Resource{}
	var hb bytes.Buffer
	if err := writeJSON(&hb, &head); err != nil {
		return err
	}
	// Resources is the last field, so the document ends with its (here empty) array.
	const emptyTail = "\"resources\": []\n}\n"
	if !bytes.HasSuffix(hb.Bytes(), []byte(emptyTail)) {
		return writeJSON(w, f)
	}
	chunks := min(workers*4, n/minChunk)
	out := make([]bytes.Buffer, chunks)
	errs := make([]error, chunks)
	parallel(chunks, func(c int) {
		// The chunk as an array one level down: "[\n    {…},\n    {…}\n  ]".
		part := f.Resources[c*n/chunks : (c+1)*n/chunks]
		opts := []jsonv2.Options{json.DefaultOptionsV1(), jsontext.WithIndentPrefix("  "), jsontext.WithIndent("  "), jsontext.EscapeForHTML(false)}
		// Sized from a sample of the chunk (+12 %): a doubling buffer copies
		// and first touches fresh memory at every step.
		const sample = 64
		var sb bytes.Buffer
		if errs[c] = jsonv2.MarshalWrite(&sb, part[:min(sample, len(part))], opts...); errs[c] != nil {
			return
		}
		out[c].Grow(sb.Len() * len(part) / min(sample, len(part)) * 9 / 8)
		errs[c] = jsonv2.MarshalWrite(&out[c], part, opts...)
	})
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	if bb, ok := w.(*bytes.Buffer); ok {
		// One allocation of the document's size, not a doubling series of
		// them (each new block of memory is slow to touch the first time).
		size := hb.Len() + 32
		for c := range out {
			size += out[c].Len() + 8
		}
		bb.Grow(size)
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	bw.Write(hb.Bytes()[:hb.Len()-len(emptyTail)])
	bw.WriteString("\"resources\": [\n    ")
	for c := range out {
		b, ok := bytes.CutPrefix(out[c].Bytes(), []byte("[\n    "))
		if b, ok = bytes.CutSuffix(b, []byte("\n  ]")); !ok {
			return errors.New("internal: unexpected encoding of resources")
		}
		if c > 0 {
			bw.WriteString(",\n    ")
		}
		bw.Write(b)
	}
	bw.WriteString("\n  ]\n}\n")
	return bw.Flush()
}

// parallelDecodeSize is the size from which a facts document's resources are
// decoded on every core.
const parallelDecodeSize = 1 << 20

// decodeFactsParallel decodes a large facts document with its resources split
// between the cores: a syntax pass over the document (jsontext) finds each
// resource's bytes, the other top-level members are decoded strictly as a
// document of their own, and runs of resources strictly, each run as one list. It reports false on any error (or a small document), and
// DecodeFactsBytes then decodes the whole document in one pass, which words the
// error as it always has.
func decodeFactsParallel(data []byte) (*Facts, bool) {
	workers := runtime.GOMAXPROCS(0)
	if len(data) < parallelDecodeSize || workers < 2 {
		return nil, false
	}
	// The syntax pass only finds the resources: duplicate names and invalid
	// UTF-8 are left to the strict decoding of each part, which treats them as
	// the one-pass decoder does (checking names here costs more than decoding).
	dec := jsontext.NewDecoder(bytes.NewReader(data), jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
	if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '{' {
		return nil, false
	}
	rest := []byte{'{'}
	var spans [][2]int // each resource's bytes: data[start:end]
	sawResources := false
	for dec.PeekKind() != '}' {
		tok, err := dec.ReadToken()
		if err != nil {
			return nil, false
		}
		name := tok.String()
		if name != "resources" {
			v, err := dec.ReadValue()
			if err != nil {
				return nil, false
			}
			if len(rest) > 1 {
				rest = append(rest, ',')
			}
			rest, _ = jsontext.AppendQuote(rest, name)
			rest = append(append(rest, ':'), v...)
			continue
		}
		if sawResources {
			return nil, false // "resources" twice: the one-pass decoder decides
		}
		sawResources = true
		if dec.PeekKind() != '[' {
			return nil, false // null, or not a list: the one-pass decoder decides
		}
		if _, err := dec.ReadToken(); err != nil {
			return nil, false
		}
		for dec.PeekKind() != ']' {
			v, err := dec.ReadValue()
			if err != nil {
				return nil, false
			}
			end := int(dec.InputOffset())
			spans = append(spans, [2]int{end - len(v), end})
		}
		if _, err := dec.ReadToken(); err != nil {
			return nil, false
		}
	}
	if _, err := dec.ReadToken(); err != nil || !sawResources {
		return nil, false
	}
	if _, err := dec.ReadToken(); err != io.EOF {
		return nil, false // trailing data
	}
	f := &Facts{}
	if err := DecodeJSONStrict(append(rest, '}'), f); err != nil {
		return nil, false
	}
	// Each worker decodes a run of consecutive resources as one JSON list: the
	// bytes from the first one's start to the last one's end, in brackets.
	f.Resources = make([]Resource, len(spans))
	chunk := max(1, (len(spans)+4*workers-1)/(4*workers))
	var failed atomic.Bool
	parallel((len(spans)+chunk-1)/chunk, func(c int) {
		start, end := c*chunk, min((c+1)*chunk, len(spans))
		if failed.Load() {
			return
		}
		body := data[spans[start][0]:spans[end-1][1]]
		list := make([]byte, 0, len(body)+2)
		list = append(append(append(list, '['), body...), ']')
		var part []Resource
		if err := DecodeJSONStrict(list, &part); err != nil || len(part) != end-start {
			failed.Store(true)
			return
		}
		copy(f.Resources[start:end], part)
	})
	return f, !failed.Load()
}

// parallel calls f(0) … f(n-1) on GOMAXPROCS goroutines and returns when all
// have returned.
func parallel(n int, f func(i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
				f(i)
			}
		}()
	}
	wg.Wait()
}
