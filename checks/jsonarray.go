package checks

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"iter"
	"runtime"
	"sync"
)

// jsonArrayChunk is how many elements WriteJSONArray encodes as one piece.
const jsonArrayChunk = 2048

// WriteJSONArray writes what WriteJSON writes for a slice of the elements items
// yields, as the value of a member of a top-level object ("[", each element on
// lines indented two levels, "]"), without holding them: runs of elements are
// encoded on all cores as they come and written in order. It is how a document
// too large to hold (an assessment's findings) is written as it is read.
func WriteJSONArray[T any](w io.Writer, items iter.Seq[T]) error {
	type piece struct {
		elems []T
		out   bytes.Buffer
		err   error
		done  chan struct{}
	}
	workers := max(1, runtime.GOMAXPROCS(0))
	todo := make(chan *piece, workers)
	order := make(chan *piece, 2*workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for p := range todo {
				p.err = encodeIndented(&p.out, p.elems, "  ")
				p.elems = nil
				close(p.done)
			}
		})
	}
	// The writer writes the pieces in order as each is encoded.
	bw := bufio.NewWriterSize(w, 1<<16)
	var werr error
	written := make(chan struct{})
	go func() {
		defer close(written)
		first := true
		for p := range order {
			<-p.done
			if werr != nil {
				continue
			}
			if werr = p.err; werr != nil {
				continue
			}
			b, ok := bytes.CutPrefix(p.out.Bytes(), []byte("[\n    "))
			if b, ok = bytes.CutSuffix(b, []byte("\n  ]")); !ok {
				werr = errors.New("internal: unexpected encoding of an array")
				continue
			}
			if first {
				bw.WriteString("[\n    ")
				first = false
			} else {
				bw.WriteString(",\n    ")
			}
			bw.Write(b)
		}
		if werr != nil {
			return
		}
		if first {
			bw.WriteString("[]")
		} else {
			bw.WriteString("\n  ]")
		}
		werr = bw.Flush()
	}()
	send := func(elems []T) {
		p := &piece{elems: elems, done: make(chan struct{})}
		order <- p
		todo <- p
	}
	chunk := make([]T, 0, jsonArrayChunk)
	for v := range items {
		chunk = append(chunk, v)
		if len(chunk) == jsonArrayChunk {
			send(chunk)
			chunk = make([]T, 0, jsonArrayChunk)
		}
	}
	if len(chunk) > 0 {
		send(chunk)
	}
	close(todo)
	close(order)
	wg.Wait()
	<-written
	return werr
}
