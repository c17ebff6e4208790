package controls_test

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/controls"
)

// scoringDoc holds the worked example this test reproduces number for number.
const scoringDoc = "../docs/scoring.md"

// docTables reads every table that follows a "<!-- scoring-example: NAME -->"
// marker in the document: NAME -> rows, each row a map from column header to cell
// (backticks and surrounding space removed).
func docTables(t *testing.T) map[string][]map[string]string {
	t.Helper()
	fh, err := os.Open(scoringDoc)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	tables := map[string][]map[string]string{}
	var name string
	var header []string
	split := func(line string) []string {
		line = strings.TrimSpace(line)
		line = strings.TrimSuffix(strings.TrimPrefix(line, "|"), "|")
		cells := strings.Split(line, "|")
		for i, c := range cells {
			cells[i] = strings.TrimSpace(strings.ReplaceAll(c, "`", ""))
		}
		return cells
	}
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(line, "<!-- scoring-example:"); ok {
			name, header = strings.TrimSpace(strings.TrimSuffix(rest, "-->")), nil
			if _, dup := tables[name]; dup {
				t.Fatalf("%s: marker %q appears twice", scoringDoc, name)
			}
			tables[name] = nil
			continue
		}
		if name == "" {
			continue
		}
		if !strings.HasPrefix(line, "|") {
			if header != nil { // the table has ended
				name, header = "", nil
			}
			continue
		}
		cells := split(line)
		switch {
		case header == nil:
			header = cells
		case strings.Trim(strings.Join(cells, ""), "-: ") == "": // the separator row
		default:
			if len(cells) != len(header) {
				t.Fatalf("%s: table %s: row %q has %d cells, header %d", scoringDoc, name, line, len(cells), len(header))
			}
			row := map[string]string{}
			for i, h := range header {
				row[h] = cells[i]
			}
			tables[name] = append(tables[name], row)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"settings", "checks", "collection", "waivers", "attestations", "findings", "risk", "what-if", "requirements", "framework"} {
		if len(tables[want]) == 0 {
			t.Fatalf("%s: no rows in the table marked scoring-example: %s", scoringDoc, want)
		}
	}
	return tables
}

// keyValue turns a two-column Figure/Setting | Value table into a map.
func keyValue(rows []map[string]string, key string) map[string]string {
	m := map[string]string{}
	for _, r := range rows {
		m[r[key]] = r["Value"]
	}
	return m
}

// dash reads "—" as empty.
func dash(s string) string {
	if s == "—" || s == "-" {
		return ""
	}
	return s
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	if dash(s) == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatalf("%s: %q is not a whole number", scoringDoc, s)
	}
	return n
}

func atof(t *testing.T, s string) float64 {
	t.Helper()
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("%s: %q is not a number", scoringDoc, s)
	}
	return f
}

func list(s string) []string {
	if dash(s) == "" {
		return nil
	}
	var out []string
	for _, x := range strings.Split(s, ",") {
		out = append(out, strings.TrimSpace(x))
	}
	return out
}

// example is the worked example, rebuilt from the document's tables.
type example struct {
	asOf     time.Time
	checks   []*checks.Check
	facts    *checks.Facts
	findings []checks.Finding
	waivers  string // waivers file
	atts     string // attestations file
	cat      *controls.Catalogue
}

func buildExample(t *testing.T, tables map[string][]map[string]string) *example {
	t.Helper()
	settings := keyValue(tables["settings"], "Setting")
	asOf, err := time.Parse(time.RFC3339, settings["assessment time"])
	if err != nil {
		t.Fatalf("%s: assessment time: %v", scoringDoc, err)
	}
	prefix := settings["resource prefix"]
	ex := &example{asOf: asOf}

	byID := map[string]*checks.Check{}
	var ids []string
	for _, r := range tables["checks"] {
		sev, err := checks.ParseSeverity(r["Severity"])
		if err != nil {
			t.Fatal(err)
		}
		c := &checks.Check{ID: r["Check"], Title: r["Title"], Severity: sev, ResourceTypes: []string{r["Resource type"]}}
		ex.checks = append(ex.checks, c)
		byID[c.ID] = c
		ids = append(ids, c.ID)
	}
	// The example's checks are real builtin checks, with their real severity and type.
	eng := builtinEngine(t)
	for _, c := range ex.checks {
		real, ok := eng.Check(c.ID)
		if !ok || real.Severity != c.Severity || strings.Join(real.ResourceTypes, ",") != c.ResourceTypes[0] || real.Title != c.Title {
			t.Errorf("%s: check %s does not match the builtin check %+v", scoringDoc, c.ID, real)
		}
	}

	ex.facts = &checks.Facts{CollectedAt: asOf}
	for _, r := range tables["collection"] {
		run := checks.CollectorRun{Collector: r["Collector"], Scope: r["Scope"], Status: r["Run status"], Ended: asOf}
		if types := list(r["Error hides"]); types != nil {
			run.Errors = []checks.CollectError{{Collector: r["Collector"], Account: r["Scope"], ResourceTypes: types, Message: r["Message"]}}
		}
		ex.facts.Runs = append(ex.facts.Runs, run)
	}

	for _, r := range tables["findings"] {
		c := byID[r["Check"]]
		if c == nil {
			t.Fatalf("%s: finding %s cites check %s, not in the checks table", scoringDoc, r["#"], r["Check"])
		}
		class := dash(r["Classification"])
		ex.findings = append(ex.findings, checks.Finding{
			CheckID: c.ID, ResourceID: prefix + r["Resource"], ResourceType: c.ResourceTypes[0],
			Status: checks.Status(r["Result"]), Severity: c.Severity, Classification: class,
		})
	}

	var w strings.Builder
	w.WriteString("waivers:\n")
	for _, r := range tables["waivers"] {
		w.WriteString("  - id: " + strconv.Quote(r["ID"]) + "\n    check: " + r["Check"] + "\n    resource: " + strconv.Quote(r["Resource pattern"]) +
			"\n    approver: " + strconv.Quote(r["Approver"]) + "\n    expires: " + r["Expires"] + "\n    reason: " + strconv.Quote(r["Reason"]) + "\n")
	}
	ex.waivers = w.String()

	var a strings.Builder
	a.WriteString("attestations:\n")
	for _, r := range tables["attestations"] {
		a.WriteString("  - id: " + r["Kind"] + "\n    attested_by: Example Assessor\n    date: " + r["Attested on"] + "\n    statement: As in the worked example of docs/scoring.md.\n")
	}
	ex.atts = a.String()

	var fw strings.Builder
	fw.WriteString("id: example\ntitle: Worked example\nversion: \"1\"\nsource: docs/scoring.md\npublisher: sdescan\nlicence: n/a\nvocabulary: sde\nrequirements:\n")
	for _, r := range tables["requirements"] {
		fw.WriteString("  - id: " + strconv.Quote(r["Requirement"]) + "\n    title: " + strconv.Quote(r["Title"]) + "\n")
		if cs := list(r["Checks"]); cs != nil {
			fw.WriteString("    checks: [" + strings.Join(cs, ", ") + "]\n")
		}
		if as := list(r["Attestations"]); as != nil {
			fw.WriteString("    attestations: [" + strings.Join(as, ", ") + "]\n")
		}
	}
	ex.cat = mustCatalogue(t, setResolver(ids...), map[string]string{"example.yaml": fw.String()})
	return ex
}

// assess runs the real roll-up over the example, with the waivers file body given.
func (ex *example) assess(t *testing.T, waivers string, findings []checks.Finding) *controls.Assessment {
	t.Helper()
	ws, err := controls.ParseWaivers([]byte(waivers), "waivers.yaml", nil)
	if err != nil {
		t.Fatalf("waivers from %s: %v", scoringDoc, err)
	}
	as, err := controls.ParseAttestations([]byte(ex.atts), "attestations.yaml", ex.cat.Kinds)
	if err != nil {
		t.Fatalf("attestations from %s: %v", scoringDoc, err)
	}
	return controls.Assess(controls.Input{Covering: testCovering,
		Facts: ex.facts, Findings: findings, Checks: ex.checks, Catalogue: ex.cat,
		Attestations: as, Waivers: ws, AsOf: ex.asOf,
	})
}

// TestScoringWorkedExample reproduces the worked example of docs/scoring.md.
func TestScoringWorkedExample(t *testing.T) {
	tables := docTables(t)
	ex := buildExample(t, tables)
	a := ex.assess(t, ex.waivers, ex.findings)

	// Each finding's weight and its contribution to the three sums.
	for i, r := range tables["findings"] {
		f := a.Findings[i]
		weight := r["Weight"]
		if j := strings.LastIndex(weight, "="); j >= 0 {
			weight = strings.TrimSpace(weight[j+1:])
		}
		w := controls.FindingWeight(f.Finding)
		if w != atoi(t, weight) {
			t.Errorf("finding %s: weight %d, the document says %s", r["#"], w, r["Weight"])
		}
		assessed, failed, waived := w, 0, 0
		if f.Status == checks.Fail {
			if f.Waiver != nil {
				waived = w
			} else {
				failed = w
			}
		}
		if assessed != atoi(t, r["Assessed"]) || failed != atoi(t, r["Failed"]) || waived != atoi(t, r["Waived"]) {
			t.Errorf("finding %s: assessed/failed/waived %d/%d/%d, the document says %s/%s/%s",
				r["#"], assessed, failed, waived, r["Assessed"], r["Failed"], r["Waived"])
		}
		wantWaiver := dash(r["Waiver"])
		if got := ""; f.Waiver != nil {
			got = f.Waiver.ID
			if got != wantWaiver {
				t.Errorf("finding %s: waiver %s, the document says %q", r["#"], got, wantWaiver)
			}
		} else if wantWaiver != "" {
			t.Errorf("finding %s: not waived, the document says %s", r["#"], wantWaiver)
		}
	}

	// The risk figures.
	risk := keyValue(tables["risk"], "Figure")
	got := map[string]string{
		"assessed_weight":     strconv.Itoa(a.Risk.AssessedWeight),
		"failed_weight":       strconv.Itoa(a.Risk.FailedWeight),
		"waived_weight":       strconv.Itoa(a.Risk.WaivedWeight),
		"critical_failures":   strconv.Itoa(a.Risk.CriticalFailures),
		"score":               strconv.FormatFloat(a.Risk.Score, 'f', 1, 64),
		"rag":                 a.Risk.RAG,
		"not_assessed":        strconv.Itoa(a.Risk.NotAssessed),
		"not_assessed_checks": strings.Join(a.Risk.NotAssessedChecks, ", "),
	}
	for k, v := range got {
		if risk[k] != v {
			t.Errorf("risk %s = %s, the document says %q", k, v, risk[k])
		}
	}
	if len(risk) != len(got) {
		t.Errorf("the risk table has %d figures, the test knows %d", len(risk), len(got))
	}

	// Attestations as the document states them.
	byKind := map[string]controls.AttestationResult{}
	for _, r := range a.Attestations {
		byKind[r.ID] = r
	}
	for _, r := range tables["attestations"] {
		k := ex.cat.Kinds[r["Kind"]]
		res := byKind[r["Kind"]]
		if k == nil || k.MaxAgeDays == nil || strconv.Itoa(*k.MaxAgeDays) != r["Max age (days)"] {
			t.Errorf("attestation %s: max age in the catalogue differs from the document's %s", r["Kind"], r["Max age (days)"])
		}
		if res.Expires != r["Expires"] || res.Status != r["Status at the assessment time"] {
			t.Errorf("attestation %s: %s, expires %s; the document says %s, expires %s", r["Kind"], res.Status, res.Expires, r["Status at the assessment time"], r["Expires"])
		}
	}

	// Requirement statuses.
	for _, r := range tables["requirements"] {
		got := requirement(t, a, "example", r["Requirement"])
		if got.Status != r["Status"] {
			t.Errorf("requirement %s: %s, the document says %s (reasons %q)", r["Requirement"], got.Status, r["Status"], got.Reasons)
		}
	}

	// Framework figures.
	fw := frameworkResult(t, a, "example")
	figs := keyValue(tables["framework"], "Figure")
	gotFw := map[string]string{
		"score":        strconv.FormatFloat(fw.Score, 'f', 1, 64),
		"rag":          fw.RAG,
		"percent_met":  strconv.FormatFloat(fw.PercentMet, 'f', 1, 64),
		"met":          strconv.Itoa(fw.Counts.Met),
		"not_met":      strconv.Itoa(fw.Counts.NotMet),
		"partial":      strconv.Itoa(fw.Counts.Partial),
		"not_assessed": strconv.Itoa(fw.Counts.NotAssessed),
		"waived":       strconv.Itoa(fw.Counts.Waived),
		"automated":    strconv.Itoa(fw.Coverage.Automated),
		"attested":     strconv.Itoa(fw.Coverage.Attested),
		"none":         strconv.Itoa(fw.Coverage.None),
		"status":       fw.Status,
	}
	for k, v := range gotFw {
		if figs[k] != v {
			t.Errorf("framework %s = %s, the document says %q", k, v, figs[k])
		}
	}
	if len(figs) != len(gotFw) {
		t.Errorf("the framework table has %d figures, the test knows %d", len(figs), len(gotFw))
	}

	// The score is the published formula, by hand.
	if s, rag := controls.ScoreRAG(atoi(t, risk["assessed_weight"]), atoi(t, risk["failed_weight"]), atoi(t, risk["critical_failures"])); s != atof(t, risk["score"]) || rag != risk["rag"] {
		t.Errorf("ScoreRAG over the document's weights gives %v %s", s, rag)
	}
}

// TestScoringWhatIf checks the document's sensitivity table: each change is
// applied to the example and the roll-up rerun.
func TestScoringWhatIf(t *testing.T) {
	tables := docTables(t)
	ex := buildExample(t, tables)
	for _, r := range tables["what-if"] {
		t.Run(r["Change"], func(t *testing.T) {
			waivers, findings := ex.waivers, append([]checks.Finding(nil), ex.findings...)
			switch {
			case r["Change"] == "as above":
			case strings.HasPrefix(r["Change"], "W-001 expired"):
				// "(it expires YYYY-MM-DD)": the day before the assessment.
				i := strings.Index(r["Change"], "expires ")
				day := strings.TrimSuffix(r["Change"][i+len("expires "):], ")")
				if !strings.Contains(waivers, "expires: 2026-12-31") {
					t.Fatal("the waivers table no longer expires on 2026-12-31")
				}
				waivers = strings.Replace(waivers, "expires: 2026-12-31", "expires: "+day, 1)
			case strings.HasSuffix(r["Change"], " not classified"):
				name := strings.TrimSuffix(r["Change"], " not classified")
				n := 0
				for i := range findings {
					if strings.HasSuffix(findings[i].ResourceID, "/"+name) {
						findings[i].Classification = ""
						n++
					}
				}
				if n == 0 {
					t.Fatalf("no finding on %s", name)
				}
			default:
				t.Fatalf("the test does not know the change %q", r["Change"])
			}
			a := ex.assess(t, waivers, findings)
			if a.Risk.AssessedWeight != atoi(t, r["Assessed"]) || a.Risk.FailedWeight != atoi(t, r["Failed"]) ||
				a.Risk.Score != atof(t, r["Score"]) || a.Risk.RAG != r["RAG"] {
				t.Errorf("assessed %d failed %d score %v %s; the document says %s %s %s %s",
					a.Risk.AssessedWeight, a.Risk.FailedWeight, a.Risk.Score, a.Risk.RAG, r["Assessed"], r["Failed"], r["Score"], r["RAG"])
			}
		})
	}
}
