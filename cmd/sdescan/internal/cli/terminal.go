package cli

import (
	"fmt"
	"io"
)

// terminalWriter is what sdescan writes its results through: text from facts,
// files and packs (resource IDs, file names, messages) can hold control
// characters that a terminal would obey (escape sequences that move the cursor,
// rewrite the screen or set the window title). It replaces every C0 control
// but newline and tab, DEL and every C1 control (U+0080 to U+009F, as UTF-8)
// with its \u00XX escape, which is also how JSON writes it, so JSON output
// still decodes to the same values.
type terminalWriter struct {
	w io.Writer
	// c2 holds back a final 0xC2 byte: it may start a C1 control that the
	// next write completes.
	c2  bool
	buf []byte
}

func newTerminalWriter(w io.Writer) *terminalWriter { return &terminalWriter{w: w} }

// Fd is the descriptor of the file written to, so that table output can be
// fitted to a terminal's width; -1 (no terminal) when it is not a file.
func (t *terminalWriter) Fd() uintptr {
	if f, ok := t.w.(interface{ Fd() uintptr }); ok {
		return f.Fd()
	}
	return ^uintptr(0)
}

func (t *terminalWriter) Write(p []byte) (int, error) {
	n := len(p)
	if n == 0 {
		return 0, nil
	}
	if !t.c2 && clean(p) {
		return t.w.Write(p)
	}
	t.buf = t.buf[:0]
	if t.c2 {
		t.c2 = false
		if len(p) > 0 && p[0] >= 0x80 && p[0] <= 0x9f {
			t.buf = fmt.Appendf(t.buf, `\u%04x`, p[0])
			p = p[1:]
		} else {
			t.buf = append(t.buf, 0xc2)
		}
	}
	for i := 0; i < len(p); i++ {
		b := p[i]
		switch {
		case b == '\n' || b == '\t':
			t.buf = append(t.buf, b)
		case b < 0x20 || b == 0x7f:
			t.buf = fmt.Appendf(t.buf, `\u%04x`, b)
		case b == 0xc2 && i+1 == len(p):
			t.c2 = true
		case b == 0xc2 && p[i+1] >= 0x80 && p[i+1] <= 0x9f:
			t.buf = fmt.Appendf(t.buf, `\u%04x`, p[i+1])
			i++
		default:
			t.buf = append(t.buf, b)
		}
	}
	if _, err := t.w.Write(t.buf); err != nil {
		return 0, err
	}
	return n, nil
}

// clean reports whether p holds nothing the writer replaces or holds back.
func clean(p []byte) bool {
	for _, b := range p {
		if (b < 0x20 && b != '\n' && b != '\t') || b == 0x7f || b == 0xc2 {
			return false
		}
	}
	return true
}

// Flush writes a 0xC2 held back at the end of the output.
func (t *terminalWriter) Flush() error {
	if !t.c2 {
		return nil
	}
	t.c2 = false
	_, err := t.w.Write([]byte{0xc2})
	return err
}
