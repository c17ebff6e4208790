// Package texttable fits what sdescan prints for people to the terminal: boxed
// tables whose wrapping columns are narrowed (their text wrapped at spaces)
// until the table fits a width, while columns of identifiers and counts are kept
// whole, and prose wrapped with a hanging indent. Width resolves the width to
// fit: the terminal's, else COLUMNS, else DefaultWidth; zero means no limit
// (--wide). Output depends only on the text and the width.
package texttable

import (
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/mattn/go-runewidth"
	"golang.org/x/term"
)

// DefaultWidth is the width fitted when the output is not a terminal and
// COLUMNS is unset or not a number.
const DefaultWidth = 100

// measure measures text as a terminal shows it, the same whatever the locale
// (go-runewidth's default reads LANG, which would make East Asian ambiguous
// characters such as the box lines two columns wide on some machines).
var measure = &runewidth.Condition{EastAsianWidth: false, StrictEmojiNeutral: true}

// A wrapping column is narrowed no further than its longest word (up to
// wordWidth: longer words, such as resource IDs, are broken), so that words stay
// whole; its header's longest word, if wider, wins. A table that still does not
// fit is written as records instead (Render). minWidth is the narrowest a
// wrapping column ever is.
const (
	wordWidth = 24
	minWidth  = 8
)

// Width is the width to fit output written to out: 0 (no limit) when wide;
// a terminal's width when out is one (an *os.File or any writer with an Fd
// method); else COLUMNS when it is a positive
// number; else DefaultWidth.
func Width(out io.Writer, wide bool) int {
	if wide {
		return 0
	}
	// *os.File, or a writer in front of one that tells its descriptor.
	if f, ok := out.(interface{ Fd() uintptr }); ok {
		if fd := int(f.Fd()); fd >= 0 && term.IsTerminal(fd) {
			if w, _, err := term.GetSize(fd); err == nil && w > 0 {
				return w
			}
		}
	}
	if n, err := strconv.Atoi(strings.TrimSpace(os.Getenv("COLUMNS"))); err == nil && n > 0 {
		return n
	}
	return DefaultWidth
}

// Column is one column of a table.
type Column struct {
	Header string
	// Wrap lets the column be narrowed, its cells wrapped at spaces (titles,
	// messages, lists). A column that does not wrap (IDs, scores, counts) keeps
	// its cells whole; only its header may wrap, at spaces.
	Wrap bool
}

// Table is a table to render: columns and rows of cells (a cell may hold
// several lines, separated by "\n").
type Table struct {
	cols  []Column
	rows  [][]string
	plain bool
}

// New starts a table with the columns given.
func New(cols ...Column) *Table { return &Table{cols: cols} }

// Plain makes the table borderless, as command-line tools print findings:
// columns two spaces apart, the header as given, no trailing spaces.
func (t *Table) Plain() *Table {
	t.plain = true
	return t
}

// Row adds a row; missing cells are empty, extra cells are dropped.
func (t *Table) Row(cells ...string) {
	row := make([]string, len(t.cols))
	copy(row, cells)
	t.rows = append(t.rows, row)
}

// Len is the number of rows.
func (t *Table) Len() int { return len(t.rows) }

// Render writes the table fitted to width (0: each column as wide as its
// widest line). A table whose whole columns alone are wider than the width is
// written as narrow as it can be.
func (t *Table) Render(w io.Writer, width int) error {
	n := len(t.cols)
	if n == 0 {
		return nil
	}
	natural := make([]int, n)
	soft := make([]int, n) // words kept whole
	hard := make([]int, n) // words broken
	for i, c := range t.cols {
		natural[i] = linesWidth(c.Header)
		hard[i] = longestWord(c.Header)
		soft[i] = hard[i]
		for _, r := range t.rows {
			natural[i] = max(natural[i], linesWidth(r[i]))
			if c.Wrap {
				soft[i] = max(soft[i], min(longestWord(r[i]), wordWidth))
			} else {
				hard[i] = max(hard[i], linesWidth(r[i]))
				soft[i] = hard[i]
			}
		}
		if c.Wrap {
			hard[i] = max(hard[i], min(minWidth, natural[i]))
			soft[i] = max(soft[i], hard[i])
		}
	}
	widths := append([]int(nil), natural...)
	if width > 0 {
		overhead := 3*n + 1
		if t.plain {
			overhead = 2 * (n - 1)
		}
		if !shrink(widths, soft, width-overhead) {
			return t.records(w, width)
		}
	}
	var b strings.Builder
	rule := func(left, mid, right string) {
		if t.plain {
			return
		}
		b.WriteString(left)
		for i, cw := range widths {
			if i > 0 {
				b.WriteString(mid)
			}
			b.WriteString(strings.Repeat("─", cw+2))
		}
		b.WriteString(right)
		b.WriteByte('\n')
	}
	row := func(cells []string, center bool) {
		lines := make([][]string, n)
		height := 1
		for i, c := range cells {
			lines[i] = Wrap(c, widths[i])
			height = max(height, len(lines[i]))
		}
		for l := 0; l < height; l++ {
			if t.plain {
				var line strings.Builder
				for i := range cells {
					s := ""
					if l < len(lines[i]) {
						s = lines[i][l]
					}
					if i > 0 {
						line.WriteString("  ")
					}
					line.WriteString(s)
					line.WriteString(strings.Repeat(" ", widths[i]-measure.StringWidth(s)))
				}
				b.WriteString(strings.TrimRight(line.String(), " "))
				b.WriteByte('\n')
				continue
			}
			b.WriteString("│")
			for i := range cells {
				s := ""
				if l < len(lines[i]) {
					s = lines[i][l]
				}
				pad := widths[i] - measure.StringWidth(s)
				left := 0
				if center {
					left = pad / 2
				}
				b.WriteString(" ")
				b.WriteString(strings.Repeat(" ", left))
				b.WriteString(s)
				b.WriteString(strings.Repeat(" ", pad-left))
				b.WriteString(" │")
			}
			b.WriteByte('\n')
		}
	}
	rule("┌", "┬", "┐")
	headers := make([]string, n)
	for i, c := range t.cols {
		headers[i] = c.Header
	}
	row(headers, !t.plain)
	rule("├", "┼", "┤")
	for _, r := range t.rows {
		row(r, false)
	}
	rule("└", "┴", "┘")
	_, err := io.WriteString(w, b.String())
	return err
}

// shrink narrows columns, the widest first and one character at a time, until
// their sum fits avail (true) or none is above its least width (false).
func shrink(widths, least []int, avail int) bool {
	total := 0
	for _, w := range widths {
		total += w
	}
	for total > avail {
		widest := -1
		for i, w := range widths {
			if w > least[i] && (widest < 0 || w > widths[widest]) {
				widest = i
			}
		}
		if widest < 0 {
			return false
		}
		widths[widest]--
		total--
	}
	return true
}

// records writes a table too wide for width as one record per row: the row's
// first cell on a line, then its other cells as "header: value" pairs, wrapped
// under it. Nothing is lost and no word is broken but one wider than the width.
func (t *Table) records(w io.Writer, width int) error {
	var b strings.Builder
	for i, r := range t.rows {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(Fill(strings.ReplaceAll(r[0], "\n", " "), width, "", ""))
		var pairs []string
		for j := 1; j < len(t.cols); j++ {
			h := strings.ToLower(strings.ReplaceAll(t.cols[j].Header, "\n", " "))
			pairs = append(pairs, h+": "+strings.ReplaceAll(r[j], "\n", " "))
		}
		if len(pairs) > 0 {
			b.WriteString(Fill(strings.Join(pairs, "; "), width, "  ", "  "))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Wrap breaks text into lines at most width wide: at its own line breaks, then
// between words (runs of spaces collapse where a line breaks); a word wider
// than width is broken. width 0 keeps each line whole.
func Wrap(text string, width int) []string { return wrap(text, width, true) }

// wrap is Wrap; with breakLong false a word wider than width is kept whole on
// a line of its own (prose: a URL stays one piece to copy).
func wrap(text string, width int, breakLong bool) []string {
	var out []string
	for _, para := range strings.Split(text, "\n") {
		if width <= 0 || measure.StringWidth(para) <= width {
			out = append(out, para)
			continue
		}
		line, lw := "", 0
		for _, word := range strings.Fields(para) {
			ww := measure.StringWidth(word)
			if lw > 0 && lw+1+ww <= width {
				line += " " + word
				lw += 1 + ww
				continue
			}
			if lw > 0 {
				out = append(out, line)
				line, lw = "", 0
			}
			for breakLong && ww > width {
				head := measure.Truncate(word, width, "")
				if head == "" { // a character wider than the width
					head = string([]rune(word)[:1])
				}
				out = append(out, head)
				word = word[len(head):]
				ww = measure.StringWidth(word)
			}
			line, lw = word, ww
		}
		if lw > 0 || len(out) == 0 {
			out = append(out, line)
		}
	}
	return out
}

// Fill wraps prose to width: the first line starts with first, the others with
// indent (a hanging indent); width 0 keeps it on one line. A word wider than
// the width (a URL, an ARN) is never broken: it runs past the width on a line
// of its own. The result ends in a newline.
func Fill(text string, width int, first, indent string) string {
	avail := 0
	if width > 0 {
		avail = max(width-max(measure.StringWidth(first), measure.StringWidth(indent)), minWidth)
	}
	var b strings.Builder
	for i, l := range wrap(text, avail, false) {
		if i == 0 {
			b.WriteString(first)
		} else {
			b.WriteString(indent)
		}
		b.WriteString(l)
		b.WriteByte('\n')
	}
	return b.String()
}

// linesWidth is the width of the widest line of s.
func linesWidth(s string) int {
	w := 0
	for _, l := range strings.Split(s, "\n") {
		w = max(w, measure.StringWidth(l))
	}
	return w
}

// longestWord is the width of the widest word of s.
func longestWord(s string) int {
	w := 0
	for _, f := range strings.Fields(s) {
		w = max(w, measure.StringWidth(f))
	}
	return w
}
