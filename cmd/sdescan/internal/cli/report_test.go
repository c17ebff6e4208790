package cli

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/sdescan/sdescan/reports"
)

type cliResult struct {
	code           int
	stdout, stderr string
}

func runCLI(t *testing.T, args ...string) cliResult {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(context.Background(), args, &out, &errb)
	return cliResult{code, out.String(), errb.String()}
}

// tamperZip copies a pack with one entry's content changed, as a forger who
// cannot rewrite the manifest would leave it.
func tamperZip(t *testing.T, from, to, name string, change func([]byte) []byte) {
	t.Helper()
	zr, err := zip.OpenReader(from)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	found := false
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if f.Name == name {
			data, found = change(data), true
		}
		w, err := zw.Create(f.Name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if !found {
		t.Fatalf("%s: no %s", from, name)
	}
	if err := os.WriteFile(to, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestReportFlagsAndCommand writes every machine format in one scan with
// --report, then renders the same formats from the scan's evidence pack with
// `sdescan report`, and proves they are the same bytes; a tampered pack is
// refused unless --no-verify, and unknown formats are usage errors.
func TestReportFlagsAndCommand(t *testing.T) {
	dir := t.TempDir()
	at := func(name string) string { return filepath.Join(dir, name) }
	formats := []string{"json", "md", "sarif", "junit", "oscal", "table"}

	args := []string{"scan", "--demo", "--pack", at("pack.zip"), "--format", "json", "--output", at("stdout.json")}
	for _, f := range formats {
		args = append(args, "--report", f+"="+at("scan."+f))
	}
	if r := runCLI(t, args...); r.code != 0 {
		t.Fatalf("scan --report: %+v", r)
	}
	read := func(name string) []byte {
		b, err := os.ReadFile(at(name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	if !bytes.Equal(read("stdout.json"), read("scan.json")) {
		t.Fatal("--report json=FILE differs from --format json")
	}

	for _, f := range formats {
		r := runCLI(t, "report", at("pack.zip"), "-f", f)
		if r.code != 0 || r.stderr != "" {
			t.Fatalf("report -f %s: code %d, stderr %q", f, r.code, r.stderr)
		}
		got, want := []byte(r.stdout), read("scan."+f)
		if f == "oscal" {
			// From a pack, OSCAL also cites the pack's files: compare the rest.
			got, want = withoutBackMatter(t, got), withoutBackMatter(t, want)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("report -f %s from the pack differs from scan --report %s", f, f)
		}
	}
	var suites struct {
		XMLName xml.Name `xml:"testsuites"`
		Tests   int      `xml:"tests,attr"`
	}
	if err := xml.Unmarshal(read("scan.junit"), &suites); err != nil || suites.Tests == 0 {
		t.Fatalf("junit: %v %+v", err, suites)
	}

	// -o writes the file; a directory pack reports too.
	if r := runCLI(t, "report", at("pack.zip"), "-f", "sarif", "-o", at("from-pack.sarif")); r.code != 0 || r.stdout != "" {
		t.Fatalf("report -o: %+v", r)
	}
	if !bytes.Equal(read("from-pack.sarif"), read("scan.sarif")) {
		t.Fatal("report -o differs")
	}
	if r := runCLI(t, "scan", "--demo", "--pack-dir", at("packdir"), "--output", os.DevNull); r.code != 0 {
		t.Fatalf("scan --pack-dir: %+v", r)
	}
	if r := runCLI(t, "report", at("packdir"), "-f", "junit"); r.code != 0 || r.stdout != string(read("scan.junit")) {
		t.Fatalf("report from a directory pack: code %d, stderr %q", r.code, r.stderr)
	}

	// A tampered pack is refused, each problem on its own line, unless --no-verify.
	tamperZip(t, at("pack.zip"), at("tampered.zip"), "assessment.json", func(b []byte) []byte {
		// The overall rating, whatever it is (the first "rag"), turned green,
		// the file's length kept (indentation given up for a longer word), so
		// that only its digest tells.
		loc := regexp.MustCompile(` *"rag": "(red|amber)"`).FindIndex(b)
		if loc == nil {
			t.Fatal("no red or amber rating to tamper with")
		}
		found := string(b[loc[0]:loc[1]])
		rating := strings.TrimLeft(found, " ")
		indent := len(found) - len(rating)
		green := `"rag": "green"`
		replaced := strings.Repeat(" ", indent-(len(green)-len(rating))) + green
		return append(append(append([]byte{}, b[:loc[0]]...), replaced...), b[loc[1]:]...)
	})
	r := runCLI(t, "report", at("tampered.zip"), "-f", "md")
	if r.code != 1 || r.stdout != "" || !strings.HasPrefix(r.stderr, "assessment.json: sha256 ") ||
		!strings.Contains(r.stderr, "sdescan: "+at("tampered.zip")+": the pack does not match its manifest (1 problem(s))") {
		t.Fatalf("tampered pack: %+v", r)
	}
	r = runCLI(t, "report", at("tampered.zip"), "-f", "md", "--no-verify")
	if r.code != 0 || !strings.Contains(r.stdout, "(GREEN)") || !strings.Contains(r.stderr, "warning: ") {
		t.Fatalf("tampered pack, --no-verify: %+v", r)
	}

	for _, tt := range []struct {
		args   []string
		stderr string
	}{
		{[]string{"report", at("pack.zip"), "-f", "pdf"}, `sdescan: --format "pdf": want ` + reports.FormatList() + "\n"},
		{[]string{"report", at("nope.zip"), "-f", "md"}, "sdescan: " + at("nope.zip") + ": no such file or directory\n"},
		{[]string{"report", at("scan.json"), "-f", "md"}, "sdescan: " + at("scan.json") + ": not a readable zip file: zip: not a valid zip file\n"},
		{[]string{"scan", "--demo", "--format", "pdf"}, `sdescan: --format "pdf": want ` + reports.FormatList() + "\n"},
		{[]string{"scan", "--demo", "--report", "pdf=x.pdf"}, `sdescan: --report "pdf=x.pdf": unknown format "pdf" (want ` + reports.FormatList() + ")\n"},
		{[]string{"scan", "--demo", "--report", "sarif"}, `sdescan: --report "sarif": want FORMAT=FILE, e.g. sarif=results.sarif` + "\n"},
		{[]string{"scan", "--demo", "--report", "sarif=a", "--report", "junit=a"}, `sdescan: --report "junit=a": a is written twice` + "\n"},
	} {
		r := runCLI(t, tt.args...)
		if r.code != 2 || r.stderr != tt.stderr {
			t.Errorf("%v: code %d, stderr %q; want 2, %q", tt.args, r.code, r.stderr, tt.stderr)
		}
	}
	if _, err := os.Stat("x.pdf"); err == nil {
		t.Fatal("an unknown --report format wrote its file")
	}
}

// withoutBackMatter drops what only a pack adds to OSCAL: the back-matter, the
// import-ap that points into it and the observations' relevant evidence.
func withoutBackMatter(t *testing.T, doc []byte) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(doc, &m); err != nil {
		t.Fatal(err)
	}
	ar := m["assessment-results"].(map[string]any)
	delete(ar, "back-matter")
	delete(ar, "import-ap")
	for _, res := range ar["results"].([]any) {
		for _, o := range res.(map[string]any)["observations"].([]any) {
			delete(o.(map[string]any), "relevant-evidence")
		}
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
