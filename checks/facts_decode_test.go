//go:build goexperiment.jsonv2

package checks_test

import (
	"bytes"
	"io"
	"reflect"
	"testing"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/checks/internal/factstest"
)

// TestDecodeFactsParallelMatchesSerial: a large facts document decoded with its
// resources split between the cores (decodeFactsParallel) is the document
// decoded in one pass; a document with an error anywhere is refused with the
// one-pass decoder's message (line number included).
func TestDecodeFactsParallelMatchesSerial(t *testing.T) {
	facts := factstest.Synthetic(t, 5000)
	var buf bytes.Buffer
	if err := checks.WriteJSON(&buf, facts); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	if len(data) < checks.ParallelDecodeSize {
		t.Fatalf("%d bytes: too small to take the parallel path", len(data))
	}
	par, ok := checks.DecodeFactsParallel(data)
	if !ok {
		t.Fatal("the parallel decoder refused a valid document")
	}
	var one checks.Facts
	if err := checks.DecodeJSONStrict(data, &one); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(*par, one) {
		t.Fatal("the parallel and one-pass decoders disagree")
	}

	// Accepted by both, the same way: a name twice in a resource (the last one
	// wins) and "resources" twice (the last list wins).
	for _, doc := range [][]byte{
		bytes.Replace(data, []byte(`"type": `), []byte(`"type": "aws.other", "type": `), 1),
		bytes.Replace(data, []byte(`"resources": [`), []byte(`"resources": [], "resources": [`), 1),
	} {
		got, err := checks.DecodeFactsBytes(doc, "facts.json")
		var want checks.Facts
		if err2 := checks.DecodeJSONStrict(doc, &want); err != nil || err2 != nil {
			t.Fatalf("refused: %v, %v", err, err2)
		}
		want.Normalize()
		if !reflect.DeepEqual(*got, want) {
			t.Error("a document with a repeated name decodes differently")
		}
	}

	for _, tc := range []struct{ name, from, to string }{
		{"unknown resource field", `"type": `, `"colour": "red", "type": `},
		{"wrong type in a resource", `"source": "aws"`, `"source": 7`},
		{"unknown top-level field", `"runs": `, `"extra": 1, "runs": `},
		{"syntax error", `"attributes": {`, `"attributes": {,`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Spoil the 3,000th resource (or the top level).
			at := 0
			for range 3000 {
				at += bytes.Index(data[at:], []byte(`"id":`)) + 1
			}
			if tc.name == "unknown top-level field" {
				at = 0
			}
			i := bytes.Index(data[at:], []byte(tc.from))
			if i < 0 {
				t.Fatalf("no %q in the document", tc.from)
			}
			bad := append(append(append([]byte{}, data[:at+i]...), tc.to...), data[at+i+len(tc.from):]...)
			_, err := checks.DecodeFactsBytes(bad, "facts.json")
			var serial checks.Facts
			want := checks.DecodeJSONStrict(bad, &serial)
			if err == nil || want == nil {
				t.Fatalf("accepted: parallel %v, one pass %v", err, want)
			}
			if err.Error() != "facts.json: "+want.Error() {
				t.Errorf("error %q, the one-pass decoder says %q", err, want)
			}
		})
	}
}

// TestWriteFactsJSONMatches: WriteJSON of facts, which encodes the resources in
// parallel chunks, writes the bytes of encoding the whole document at once.
func TestWriteFactsJSONMatches(t *testing.T) {
	f := factstest.Synthetic(t, 5003)
	f.Resources[7].Attributes = map[string]any{"html": "<a href='x'>&</a>", "uni": "é\u2028\u2029\x01", "n": 1e21, "empty": map[string]any{}, "list": []any{}}
	f.Resources[8].Tags = map[string]string{"z": "1", "a": "<>"}
	var whole, chunked bytes.Buffer
	for _, w := range []struct {
		write func(io.Writer, any) error
		buf   *bytes.Buffer
	}{{checks.WriteJSONWhole, &whole}, {checks.WriteJSON, &chunked}} {
		if err := w.write(w.buf, f); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(whole.Bytes(), chunked.Bytes()) {
		t.Fatalf("chunked facts JSON differs from the whole document's (%d vs %d bytes)", chunked.Len(), whole.Len())
	}
}
