package texttable

import (
	"strings"
	"testing"
)

func TestWrap(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		width      int
		want       []string
	}{
		{"fits", "a short line", 20, []string{"a short line"}},
		{"words", "the quick brown fox jumps", 10, []string{"the quick", "brown fox", "jumps"}},
		{"long word broken", "arn:aws:iam::111111111111:role/x", 10, []string{"arn:aws:ia", "m::1111111", "11111:role", "/x"}},
		{"own breaks kept", "one\ntwo three", 5, []string{"one", "two", "three"}},
		{"no limit", "a very long line indeed", 0, []string{"a very long line indeed"}},
		{"empty", "", 5, []string{""}},
		{"wide runes", "日本語のテキスト", 6, []string{"日本語", "のテキ", "スト"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Wrap(tc.text, tc.width)
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("Wrap(%q, %d) = %q, want %q", tc.text, tc.width, got, tc.want)
			}
		})
	}
}

func TestRenderFits(t *testing.T) {
	tb := New(Column{Header: "Check"}, Column{Header: "Title", Wrap: true}, Column{Header: "Not assessed"})
	tb.Row("AWS-IAM-007", "No IAM policy grants administrator access or an escalation path, inline, attached or inherited from a group", "12")
	tb.Row("AZ-NET-001", "NSGs allow no inbound RDP or SSH from the internet", "0")
	for _, width := range []int{40, 60, 80, 100} {
		var b strings.Builder
		if err := tb.Render(&b, width); err != nil {
			t.Fatal(err)
		}
		for _, l := range strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n") {
			if w := measure.StringWidth(l); w > width {
				t.Errorf("width %d: line %d wide: %q", width, w, l)
			}
		}
		if !strings.Contains(b.String(), "AWS-IAM-007") || !strings.Contains(b.String(), "AZ-NET-001") {
			t.Errorf("width %d: an ID was cut:\n%s", width, b.String())
		}
	}
	var wide strings.Builder
	if err := tb.Render(&wide, 0); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(wide.String(), "inline, attached or inherited from a group") {
		t.Errorf("width 0 wrapped a cell:\n%s", wide.String())
	}
}

func TestRenderGolden(t *testing.T) {
	tb := New(Column{Header: "ID"}, Column{Header: "Title", Wrap: true})
	tb.Row("A-1", "one two three four")
	var b strings.Builder
	if err := tb.Render(&b, 20); err != nil {
		t.Fatal(err)
	}
	want := "" +
		"┌─────┬────────────┐\n" +
		"│ ID  │   Title    │\n" +
		"├─────┼────────────┤\n" +
		"│ A-1 │ one two    │\n" +
		"│     │ three four │\n" +
		"└─────┴────────────┘\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

func TestFill(t *testing.T) {
	got := Fill("AWS-RDS-001, AWS-RDS-002, AWS-RDS-003, BKP-001", 24, "  - ", "    ")
	want := "  - AWS-RDS-001,\n    AWS-RDS-002,\n    AWS-RDS-003, BKP-001\n"
	if got != want {
		t.Errorf("Fill = %q, want %q", got, want)
	}
	if got := Fill("short", 0, "- ", "  "); got != "- short\n" {
		t.Errorf("Fill(width 0) = %q", got)
	}
}

func TestWidth(t *testing.T) {
	var b strings.Builder
	t.Setenv("COLUMNS", "")
	if got := Width(&b, false); got != DefaultWidth {
		t.Errorf("no terminal, no COLUMNS: %d", got)
	}
	t.Setenv("COLUMNS", "132")
	if got := Width(&b, false); got != 132 {
		t.Errorf("COLUMNS=132: %d", got)
	}
	t.Setenv("COLUMNS", "wide")
	if got := Width(&b, false); got != DefaultWidth {
		t.Errorf("COLUMNS=wide: %d", got)
	}
	if got := Width(&b, true); got != 0 {
		t.Errorf("--wide: %d", got)
	}
}

func TestRenderPlain(t *testing.T) {
	tb := New(Column{Header: "SEVERITY"}, Column{Header: "CHECK"}, Column{Header: "FINDING", Wrap: true}).Plain()
	tb.Row("HIGH", "IAC-S3-001", "bucket policy export has no statement denying requests without TLS")
	var b strings.Builder
	if err := tb.Render(&b, 50); err != nil {
		t.Fatal(err)
	}
	want := "" +
		"SEVERITY  CHECK       FINDING\n" +
		"HIGH      IAC-S3-001  bucket policy export has no\n" +
		"                      statement denying requests\n" +
		"                      without TLS\n"
	if b.String() != want {
		t.Errorf("got\n%q\nwant\n%q", b.String(), want)
	}
}

// A table that cannot fit without breaking words is written as records.
func TestRenderRecords(t *testing.T) {
	tb := New(Column{Header: "Data store", Wrap: true}, Column{Header: "Class"}, Column{Header: "Status", Wrap: true})
	tb.Row("sde-prod-identifiable-linkage", "identifiable", "met")
	tb.Row("stlegacyshare", "identifiable", "not met")
	var b strings.Builder
	if err := tb.Render(&b, 30); err != nil {
		t.Fatal(err)
	}
	want := "" +
		"sde-prod-identifiable-linkage\n" +
		"  class: identifiable; status:\n" +
		"  met\n" +
		"\n" +
		"stlegacyshare\n" +
		"  class: identifiable; status:\n" +
		"  not met\n"
	if b.String() != want {
		t.Errorf("got\n%q\nwant\n%q", b.String(), want)
	}
}

// Prose never breaks a word: a URL longer than the width stays whole.
func TestFillKeepsLongWords(t *testing.T) {
	url := "https://www.gov.uk/government/publications/secure-data-environment-policy-guidelines"
	got := Fill("source "+url, 40, "", "  ")
	if got != "source\n  "+url+"\n" {
		t.Errorf("Fill = %q", got)
	}
}
