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
	var wg sync.WaitGroup
	var next atomic.Int64
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := int(next.Add(1)) - 1; c < chunks; c = int(next.Add(1)) - 1 {
				// The chunk as an array one level down: "[\n    {…},\n    {…}\n  ]".
				part := f.Resources[c*n/chunks : (c+1)*n/chunks]
				if err := jsonv2.MarshalWrite(&out[c], part, json.DefaultOptionsV1(), jsontext.WithIndentPrefix("  "), jsontext.WithIndent("  "), jsontext.EscapeForHTML(false)); err != nil {
					errs[c] = err
					return
				}
			}
		}()
	}
	wg.Wait()
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
