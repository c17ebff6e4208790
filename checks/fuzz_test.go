package checks

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// FuzzDecodeFacts feeds arbitrary bytes to the facts decoder: it must never panic,
// its errors are one line naming the file, and whatever it accepts round-trips.
func FuzzDecodeFacts(f *testing.F) {
	demo, err := os.ReadFile("../fixtures/demo/facts.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(demo)
	f.Add([]byte(`{"tool":{"name":"sdescan","version":"1"},"collected_at":"2026-11-20T09:00:00Z","runs":[],"resources":[]}`))
	f.Add([]byte(`{"resources":[{"id":"a","type":"aws.s3.bucket","attributes":{"x":1e400}}]}`))
	f.Add([]byte(`{"resources":[{"id":"a"},{"id":"a"}]}`))
	f.Add([]byte("[]"))
	f.Add([]byte("{"))
	f.Fuzz(func(t *testing.T, data []byte) {
		facts, err := DecodeFacts(bytes.NewReader(data), "fuzz.json")
		if err != nil {
			msg := err.Error()
			if strings.Contains(msg, "\n") || !strings.HasPrefix(msg, "fuzz.json") {
				t.Fatalf("error is not one line naming the file: %q", msg)
			}
			return
		}
		var buf bytes.Buffer
		if err := WriteJSON(&buf, facts); err != nil {
			t.Fatalf("accepted facts do not encode: %v", err)
		}
		again, err := DecodeFacts(bytes.NewReader(buf.Bytes()), "again.json")
		if err != nil {
			t.Fatalf("accepted facts do not decode again: %v", err)
		}
		var buf2 bytes.Buffer
		if err := WriteJSON(&buf2, again); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(buf.Bytes(), buf2.Bytes()) {
			t.Fatalf("round trip is not stable")
		}
	})
}
