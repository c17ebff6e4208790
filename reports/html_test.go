package reports

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/controls"
)

// The project's golden convention: go test ./reports -run HTML -update rewrites
// reports/testdata/board-demo.html (and docs/img/board-demo.png).
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite the golden files in testdata/")
	}
}

func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

const (
	chromiumPath = "/usr/bin/chromium"
	axePath      = "../tools/npm/node_modules/axe-core/axe.min.js"
)

// demoAssessment is the demo assessment decoded from its JSON (data), as a
// pack holds it, and the pack that would cite it.
func demoAssessment(t *testing.T) (*controls.Assessment, []byte, *PackSource) {
	t.Helper()
	a, data, _, _ := demoRun(t, time.Time{}, nil)
	return a, data, demoPack()
}

func renderHTML(t *testing.T, in HTMLInput) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := HTML(&b, in); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestHTMLDeterministicGolden renders the demo twice (byte-identical) and
// compares it with the golden file.
func TestHTMLDeterministicGolden(t *testing.T) {
	a, _, m := demoAssessment(t)
	one := renderHTML(t, HTMLInput{Assessment: a, Pack: m})
	a2, _, m2 := demoAssessment(t)
	two := renderHTML(t, HTMLInput{Assessment: a2, Pack: m2})
	if !bytes.Equal(one, two) {
		t.Fatal("two renders of the same assessment differ")
	}
	golden := filepath.Join("testdata", "board-demo.html")
	if updating() {
		if err := os.WriteFile(golden, one, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./reports -run HTML -update to create it)", err)
	}
	if !bytes.Equal(one, want) {
		t.Errorf("output differs from %s (run go test ./reports -run HTML -update if the change is intended)", golden)
	}
}

// TestHTMLSelfContained: nothing in the page can make a request.
func TestHTMLSelfContained(t *testing.T) {
	a, _, m := demoAssessment(t)
	page := string(renderHTML(t, HTMLInput{Assessment: a, Pack: m}))
	for _, re := range []*regexp.Regexp{
		regexp.MustCompile(`(?i)\s(src|srcset|poster|data|action|formaction)\s*=`),
		regexp.MustCompile(`(?i)\shref\s*=\s*"[^#]`),
		regexp.MustCompile(`(?i)<(script|link|iframe|img|object|embed|base|meta http-equiv)\b`),
		regexp.MustCompile(`(?i)url\(|@import`),
	} {
		if loc := re.FindStringIndex(page); loc != nil {
			t.Errorf("page may load something: %q", page[max(0, loc[0]-40):min(len(page), loc[1]+60)])
		}
	}
	for _, want := range []string{`<html lang="en-GB">`, "@page { size: A4;", `role="img"`, "<title id=", "Assessor detail",
		"attestations/1/attestations.yaml", "waivers/1/waivers.yaml", "attestations/1/evidence/pentest-summary-2026.md",
		"df3971385b496873d9c1ee18b306eeea991b98dbf6954946d136de08e0b500e9", "Priya Shah, SIRO delegate"} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
}

// TestHTMLTrendAndBackup covers the parts the demo alone does not: the trend in
// each direction, and an assessment with nothing on backups.
func TestHTMLTrendAndBackup(t *testing.T) {
	a, data, _ := demoAssessment(t)
	now := a.Risk.Score
	below := math.Round((now-3.2)*10) / 10
	for prev, want := range map[float64]string{below: `data-direction="up"`, now: `data-direction="same"`, now + 6.5: `data-direction="down"`} {
		var p controls.Assessment
		if err := json.Unmarshal(data, &p); err != nil {
			t.Fatal(err)
		}
		p.Risk.Score = prev
		page := string(renderHTML(t, HTMLInput{Assessment: a, Previous: &p}))
		if !strings.Contains(page, want) || !strings.Contains(page, `data-previous="`+score1(prev)+`"`) {
			t.Errorf("previous %.1f: want %s and the previous score in the page", prev, want)
		}
	}
	if page := string(renderHTML(t, HTMLInput{Assessment: a, Previous: func() *controls.Assessment {
		var p controls.Assessment
		_ = json.Unmarshal(data, &p)
		p.Risk.Score = below
		return &p
	}()})); !strings.Contains(page, "Up by 3.2 since the previous assessment ("+score1(below)) {
		t.Errorf("trend text: want \"Up by 3.2 since the previous assessment (%s\"", score1(below))
	}
	var only controls.Assessment
	if err := json.Unmarshal(data, &only); err != nil {
		t.Fatal(err)
	}
	only.Frameworks = only.Frameworks[:1] // sde-2022: no requirement about backups
	page := string(renderHTML(t, HTMLInput{Assessment: &only}))
	if !strings.Contains(page, "Backup review was not part of this assessment") {
		t.Error("an assessment without backup requirements must say backup review was not part of it")
	}
	if page := string(renderHTML(t, HTMLInput{Assessment: a})); !strings.Contains(page, "backup checks fail") {
		t.Error("the demo assessment must report its backup checks")
	}
}

// chromiumContext starts headless Chromium, or fails saying what to install.
func chromiumContext(t *testing.T) context.Context {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if p, lerr := exec.LookPath("chromium"); lerr == nil {
			return startChromium(t, p)
		}
		t.Fatalf("Chromium is needed for this test and was not found at %s: install it (apt-get install chromium)", chromiumPath)
	}
	return startChromium(t, chromiumPath)
}

func startChromium(t *testing.T, exe string) context.Context {
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.Headless,
		chromedp.DisableGPU, chromedp.WindowSize(1100, 1400))
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox)
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	tctx, cancelT := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() { cancelT(); cancel(); cancelA() })
	return tctx
}

func readAxe(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(axePath)
	if err != nil {
		t.Fatalf("axe-core is needed for this test: %v (run make tools)", err)
	}
	return string(b)
}

type frameFigures struct {
	ID          string `json:"id"`
	Total       string `json:"total"`
	Met         string `json:"met"`
	Partial     string `json:"partial"`
	NotMet      string `json:"notMet"`
	NotAssessed string `json:"notAssessed"`
	Waived      string `json:"waived"`
	Score       string `json:"score"`
	RAG         string `json:"rag"`
	Text        string `json:"text"`
}

type pageFigures struct {
	Score          string         `json:"score"`
	ScoreText      string         `json:"scoreText"`
	RAG            string         `json:"rag"`
	RAGText        string         `json:"ragText"`
	FailedWeight   string         `json:"failed"`
	AssessedWeight string         `json:"assessed"`
	Critical       string         `json:"critical"`
	NotAssessed    string         `json:"notAssessed"`
	Frames         []frameFigures `json:"frames"`
	Risks          []string       `json:"risks"`
}

const figuresJS = `(() => {
  const q = (id) => document.getElementById(id);
  return {
    score: q('overall-score').dataset.score, scoreText: q('overall-score').textContent,
    rag: q('overall-rag').dataset.rag, ragText: q('overall-rag').textContent,
    failed: q('failed-weight').textContent, assessed: q('assessed-weight').textContent,
    critical: q('critical-failures').textContent, notAssessed: q('not-assessed').textContent,
    frames: [...document.querySelectorAll('tr.frame')].map(tr => {
      const c = (k) => tr.querySelector('.' + k).textContent;
      return {id: tr.dataset.framework, total: c('c-total'), met: c('c-met'), partial: c('c-partial'), notMet: c('c-notmet'),
        notAssessed: c('c-notassessed'), waived: c('c-waived'), score: c('c-score'), rag: tr.dataset.rag, text: tr.textContent};
    }),
    risks: [...document.querySelectorAll('ol.risks > li')].map(li => li.dataset.check),
  };
})()`

type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target []any `json:"target"`
	} `json:"nodes"`
}

// TestHTMLInChromium loads the demo page in headless Chromium: no console
// error, no request but the page itself, the figures of assessment.json in the
// DOM, no serious or critical axe-core violation, and an A4 print that works.
// It writes out/board.png for people to look at.
func TestHTMLInChromium(t *testing.T) {
	axe := readAxe(t)
	ctx := chromiumContext(t)
	a, _, m := demoAssessment(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "board.html")
	if err := os.WriteFile(file, renderHTML(t, HTMLInput{Assessment: a, Pack: m}), 0o644); err != nil {
		t.Fatal(err)
	}
	pageURL := "file://" + filepath.ToSlash(file)

	var mu sync.Mutex
	var requests, consoleErrors []string
	if err := chromedp.Listen(ctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch e := ev.(type) {
		case *network.EventRequestWillBeSent:
			requests = append(requests, e.Request.URL)
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError || e.Type == runtime.ConsoleAPICalledTypeAssert {
				var parts []string
				for _, a := range e.Args {
					parts = append(parts, string(a.Value))
				}
				consoleErrors = append(consoleErrors, "console."+string(e.Type)+": "+strings.Join(parts, " "))
			}
		case *runtime.EventExceptionThrown:
			consoleErrors = append(consoleErrors, "exception: "+e.ExceptionDetails.Text)
		case *log.EventEntryAdded:
			if e.Entry.Level == log.EntryLevelError {
				consoleErrors = append(consoleErrors, "log: "+e.Entry.Text+" "+e.Entry.URL)
			}
		}
	}); err != nil {
		t.Fatalf("starting Chromium: %v (install it: apt-get install chromium)", err)
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1000, 1400), chromedp.Navigate(pageURL)); err != nil {
		t.Fatal(err)
	}

	// The figures in the DOM are those of assessment.json.
	got, err := chromedp.Run(ctx, chromedp.Evaluate[pageFigures](figuresJS))
	if err != nil {
		t.Fatal(err)
	}
	eq := func(what, got, want string) {
		t.Helper()
		if got != want {
			t.Errorf("%s: page shows %q, assessment.json has %q", what, got, want)
		}
	}
	r := a.Risk
	eq("score", got.Score, strconv.FormatFloat(r.Score, 'f', 1, 64))
	eq("score text", got.ScoreText, strconv.FormatFloat(r.Score, 'f', 1, 64))
	eq("rag", got.RAG, r.RAG)
	eq("rag word", got.RAGText, strings.ToUpper(r.RAG))
	eq("failed weight", got.FailedWeight, strconv.Itoa(r.FailedWeight))
	eq("assessed weight", got.AssessedWeight, strconv.Itoa(r.AssessedWeight))
	eq("critical failures", got.Critical, strconv.Itoa(r.CriticalFailures))
	eq("not assessed", got.NotAssessed, strconv.Itoa(r.NotAssessed))
	if len(got.Frames) != len(a.Frameworks) {
		t.Fatalf("page shows %d frameworks, assessment.json has %d", len(got.Frames), len(a.Frameworks))
	}
	for i, f := range a.Frameworks {
		g := got.Frames[i]
		c := f.Counts
		eq(f.ID+" id", g.ID, f.ID)
		eq(f.ID+" total", g.Total, strconv.Itoa(len(f.Requirements)))
		eq(f.ID+" met", g.Met, strconv.Itoa(c.Met))
		eq(f.ID+" partial", g.Partial, strconv.Itoa(c.Partial))
		eq(f.ID+" not met", g.NotMet, strconv.Itoa(c.NotMet))
		eq(f.ID+" not assessed", g.NotAssessed, strconv.Itoa(c.NotAssessed))
		eq(f.ID+" waived", g.Waived, strconv.Itoa(c.Waived))
		eq(f.ID+" score", g.Score, strconv.FormatFloat(f.Score, 'f', 1, 64))
		eq(f.ID+" rag", g.RAG, f.RAG)
		text := strings.Join(strings.Fields(g.Text), " ")
		if want := fmt.Sprintf("%.1f%% met", f.PercentMet); !strings.Contains(text, want) {
			t.Errorf("%s: the visible text lacks %q:\n%s", f.ID, want, text)
		}
		if !strings.Contains(text, strings.ToUpper(f.RAG)+" "+strconv.FormatFloat(f.Score, 'f', 1, 64)) {
			t.Errorf("%s: the RAG word and score are not shown as text", f.ID)
		}
	}
	if len(got.Risks) != TopRisks {
		t.Errorf("page lists %d risks, want %d", len(got.Risks), TopRisks)
	}

	// A screenshot of the board part for people to look at.
	png, err := chromedp.Run(ctx, chromedp.Screenshot(chromedp.ID("board")))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll("../out", 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile("../out/board.png", png, 0o644); err != nil {
		t.Fatal(err)
	}
	if updating() {
		// The docs' screenshot: the top of the board, small.
		top, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatal(err)
		}
		if len(top) > 300<<10 {
			t.Errorf("docs screenshot is %d bytes, want < 300 KB", len(top))
		}
		if err := os.WriteFile("../docs/img/board-demo.png", top, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	// axe-core inside the page: no serious or critical violation.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](axe)); err != nil {
		t.Fatalf("loading axe-core: %v", err)
	}
	violations, err := chromedp.Run(ctx, chromedp.Evaluate[[]axeViolation](
		`axe.run(document, {resultTypes: ['violations']}).then(r => r.violations)`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("axe.run: %v", err)
	}
	for _, v := range violations {
		msg := fmt.Sprintf("axe %s (%s): %s, %d node(s)", v.ID, v.Impact, v.Help, len(v.Nodes))
		if len(v.Nodes) > 0 {
			msg += fmt.Sprintf(", first %v", v.Nodes[0].Target)
		}
		if v.Impact == "serious" || v.Impact == "critical" {
			t.Error(msg)
		} else {
			t.Log(msg)
		}
	}

	// Print on A4: the whole page, then the board part alone in at most 3 pages.
	pdf, err := chromedp.Run(ctx, chromedp.PrintToPDF(chromedp.PDFPaper(chromedp.PaperA4), chromedp.PDFPreferCSSPageSize()))
	if err != nil {
		t.Fatalf("printing to PDF: %v", err)
	}
	if n := pdfPages(pdf); n < 1 {
		t.Errorf("the A4 print has %d pages", n)
	} else {
		t.Logf("A4 print of the whole report: %d pages", n)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](`document.getElementById('assessor').remove()`)); err != nil {
		t.Fatal(err)
	}
	pdf, err = chromedp.Run(ctx, chromedp.PrintToPDF(chromedp.PDFPaper(chromedp.PaperA4), chromedp.PDFPreferCSSPageSize()))
	if err != nil {
		t.Fatalf("printing the board part to PDF: %v", err)
	}
	// A board member's part: the overview, the five risks, backups, what could not
	// be assessed and what expires; the evidence is in the assessor section.
	if n := pdfPages(pdf); n < 1 || n > 4 {
		t.Errorf("the board part prints on %d A4 pages, want 1 to 4", n)
	} else {
		t.Logf("A4 print of the board part: %d pages", n)
	}

	mu.Lock()
	defer mu.Unlock()
	for _, u := range requests {
		if u != pageURL {
			t.Errorf("the page made a request other than itself: %s", u)
		}
	}
	if len(requests) == 0 {
		t.Error("saw no request at all: the network listener did not work")
	}
	for _, e := range consoleErrors {
		t.Errorf("console error: %s", e)
	}
}

var pdfPageRE = regexp.MustCompile(`/Type\s*/Page[^s]`)

// pdfPages counts the page objects of a PDF.
func pdfPages(pdf []byte) int { return len(pdfPageRE.FindAll(pdf, -1)) }

// TestHTMLAssessorListsAtMostMaxFindings: a check with more results than the page
// lists shows its failures first and says, by status, how many it leaves out; the
// counts above the table stay exact.
func TestHTMLAssessorListsAtMostMaxFindings(t *testing.T) {
	a, _, m := demoAssessment(t)
	var check string
	for _, f := range a.Findings {
		if f.Status == checks.Fail && f.Waiver == nil {
			check = f.CheckID
			break
		}
	}
	if check == "" {
		t.Fatal("the demo has no unwaived failure")
	}
	var base controls.Finding
	others := a.Findings[:0:0]
	for _, f := range a.Findings {
		if f.CheckID == check {
			base = f
			continue
		}
		others = append(others, f)
	}
	const fails, passes = 150, 170
	for i := range fails + passes {
		f := base
		f.ResourceID = fmt.Sprintf("r-%04d", i)
		f.Status, f.Messages = checks.Fail, []string{fmt.Sprintf("bad %d", i)}
		if i >= fails {
			f.Status, f.Messages = checks.Pass, nil
		}
		others = append(others, f)
	}
	a.Findings = others
	page := string(renderHTML(t, HTMLInput{Assessment: a, Pack: m}))
	start := strings.Index(page, `<h4 id="`+anchor("chk-", check)+`">`)
	if start < 0 {
		t.Fatalf("no section for %s", check)
	}
	section := page[start:]
	section = section[:strings.Index(section[1:], "<h")+1]
	if got := strings.Count(section, "<tr><td class=\"st st-"); got != assessorMaxFindings {
		t.Errorf("%s lists %d results, want %d", check, got, assessorMaxFindings)
	}
	if got := strings.Count(section, `<td class="st st-fail">fail</td>`); got != fails {
		t.Errorf("%s lists %d failures, want all %d first", check, got, fails)
	}
	want := fmt.Sprintf("%d more results (%d pass) are not listed here", fails+passes-assessorMaxFindings, fails+passes-assessorMaxFindings)
	if !strings.Contains(section, want) {
		t.Errorf("section lacks %q:\n%s", want, section[max(0, len(section)-600):])
	}
}
