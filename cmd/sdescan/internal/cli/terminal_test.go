package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"testing"
)

func TestTerminalWriter(t *testing.T) {
	for _, tc := range []struct {
		name   string
		writes []string
		want   string
	}{
		{"plain text passes", []string{"a\tb\nc │ d é\n"}, "a\tb\nc │ d é\n"},
		{"escape sequence", []string{"bucket\x1b]0;pwned\x07\x1b[2J\n"}, `bucket\u001b]0;pwned\u0007\u001b[2J` + "\n"},
		{"carriage return and backspace", []string{"ok\rFAIL\b\n"}, `ok\u000dFAIL\u0008` + "\n"},
		{"DEL", []string{"a\x7fb"}, `a\u007fb`},
		{"C1 CSI", []string{"a\u009b2Jb"}, `a\u009b2Jb`},
		{"C1 split across writes", []string{"a\xc2", "\x9b2J"}, `a\u009b2J`},
		{"0xC2 ending a write, then text", []string{"a\xc2", "\xa9b"}, "a©b"},
		{"empty write keeps a held byte", []string{"a\xc2", "", "\x9b"}, `a\u009b`},
		{"held byte at the end is written", []string{"a\xc2"}, "a\xc2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			w := newTerminalWriter(&b)
			for _, s := range tc.writes {
				n, err := w.Write([]byte(s))
				if err != nil || n != len(s) {
					t.Fatalf("Write(%q) = %d, %v", s, n, err)
				}
			}
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
			if b.String() != tc.want {
				t.Errorf("got %q, want %q", b.String(), tc.want)
			}
		})
	}
}

// JSON written through the terminal writer decodes to the same values.
func TestTerminalWriterKeepsJSON(t *testing.T) {
	in := map[string]string{"id": "aws://1/eu-west-2/s3/bucket/x\u009b\u0085\x7f"}
	raw, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	w := newTerminalWriter(&b)
	if _, err := w.Write(raw); err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(b.Bytes(), raw) {
		t.Fatal("control characters passed unchanged")
	}
	var out map[string]string
	if err := json.Unmarshal(b.Bytes(), &out); err != nil || out["id"] != in["id"] {
		t.Fatalf("decoded %q, %v; want %q", out["id"], err, in["id"])
	}
}

// A file name holding an escape sequence reaches standard error escaped.
func TestMainEscapesMessages(t *testing.T) {
	var out, errb bytes.Buffer
	name := filepath.Join(t.TempDir(), "facts\x1b]0;pwned\x07.json")
	code := Main(context.Background(), []string{"evaluate", name}, &out, &errb)
	if code != ExitInput {
		t.Fatalf("exit %d, want %d; stderr %q", code, ExitInput, errb.String())
	}
	if bytes.ContainsAny(errb.Bytes(), "\x1b\x07") || !bytes.Contains(errb.Bytes(), []byte(`facts\u001b]0;pwned\u0007.json`)) {
		t.Fatalf("stderr %q: want the name with its control characters escaped", errb.String())
	}
}
