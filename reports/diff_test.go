package reports

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/controls"
)

// Resources of the demo estate the diff tests change.
const (
	rdsMetadata = "aws://111111111111/eu-west-2/rds/db-instance/sde-metadata" // public: fails AWS-RDS-002
	rdsLinkage  = "aws://111111111111/eu-west-2/rds/db-instance/sde-linkage-1"
	ddbSession  = "aws://111111111111/eu-west-2/dynamodb/table/sde-session-cache" // fails AWS-DDB-001
)

// demoVariant is a change to the demo estate: the facts are edited in Go, then
// run through the runner (evaluation, roll-up), and the assessment is decoded
// from its JSON.
type demoVariant struct {
	asOf      time.Time
	fixRDS    bool // sde-metadata no longer public: AWS-RDS-002 resolved
	breakRDS  bool // sde-linkage-1 made public: a new AWS-RDS-002 failure
	hideDDB   bool // DynamoDB tables of account 1111 not collected (access denied)
	dropRDSMd bool // sde-metadata deleted
}

func demoAssessmentOf(t *testing.T, v demoVariant) *controls.Assessment {
	t.Helper()
	a, _, _, _ := demoRun(t, v.asOf, func(facts *checks.Facts) {
		var kept []checks.Resource
		for _, r := range facts.Resources {
			switch {
			case v.fixRDS && r.ID == rdsMetadata:
				r.Attributes["publicly_accessible"] = false
			case v.breakRDS && r.ID == rdsLinkage:
				r.Attributes["publicly_accessible"] = true
			}
			if v.hideDDB && r.Type == "aws.dynamodb.table" && r.Scope.Account == "111111111111" {
				continue
			}
			if v.dropRDSMd && r.ID == rdsMetadata {
				continue
			}
			kept = append(kept, r)
		}
		facts.Resources = kept
		if v.hideDDB {
			for i := range facts.Runs {
				if facts.Runs[i].Scope == "111111111111" {
					facts.Runs[i].Errors = append(facts.Runs[i].Errors, checks.CollectError{
						Collector: "aws", Account: "111111111111", Region: "eu-west-2", Service: "dynamodb", API: "ListTables",
						ResourceTypes: []string{"aws.dynamodb.table"}, Message: "AccessDenied: not authorized to perform: dynamodb:ListTables",
					})
				}
			}
		}
	})
	return a
}

func findingKeys(list []FindingChange) []string {
	out := []string{}
	for _, f := range list {
		out = append(out, f.CheckID+" "+f.ResourceID+" "+f.Old+"→"+f.New)
	}
	return out
}

func evidenceKeys(list []EvidenceChange) []string {
	out := []string{}
	for _, e := range list {
		out = append(out, e.Kind+" "+e.ID+" "+e.Old+"→"+e.New)
	}
	return out
}

func TestDiff(t *testing.T) {
	yes, no := true, false
	later := time.Date(2027, 6, 15, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name     string
		old, new demoVariant
		worse    *bool // nil: not checked
		scoreUp  int   // sign of the score change: -1, 0, +1
		newF     []string
		resolved []string
		gone     []string
		expired  []string // nil: not checked
		notAss   []string
		req      map[string]string // "framework id" -> change; must be listed
		notes    bool
	}{
		{name: "same assessment", worse: &no, newF: []string{}, resolved: []string{}, gone: []string{}, expired: []string{}, notAss: []string{}},
		{name: "public database fixed", new: demoVariant{fixRDS: true}, worse: &no, scoreUp: +1,
			newF: []string{}, resolved: []string{"AWS-RDS-002 " + rdsMetadata + " fail→pass"}, gone: []string{}, expired: []string{}, notAss: []string{}},
		{name: "public database fixed, read backwards", old: demoVariant{fixRDS: true}, worse: &yes, scoreUp: -1,
			newF: []string{"AWS-RDS-002 " + rdsMetadata + " pass→fail"}, resolved: []string{}, gone: []string{}, expired: []string{}, notAss: []string{}},
		{name: "one fixed, another broken", new: demoVariant{fixRDS: true, breakRDS: true},
			newF: []string{"AWS-RDS-002 " + rdsLinkage + " pass→fail"}, resolved: []string{"AWS-RDS-002 " + rdsMetadata + " fail→pass"}, gone: []string{}, notAss: []string{}},
		{name: "evidence lapses with time", new: demoVariant{asOf: later}, worse: &yes, scoreUp: -1,
			expired: []string{
				"attestation cyber-essentials-certificate valid→expired",
				"attestation output-checking valid→expired",
				"attestation pentest valid→expired",
				"attestation restore-test valid→expired",
				"attestation staff-training valid→expired",
				"waiver W-001 active→expired",
			},
			notAss: []string{},
			req:    map[string]string{"dspt-caf A2.b": ChangeWorsened, "dspt-ndg 3": ChangeWorsened}},
		{name: "time runs backwards", old: demoVariant{asOf: later}, worse: &no, scoreUp: +1, notes: true, expired: []string{}, notAss: []string{}},
		{name: "collection hole is not a fix", new: demoVariant{hideDDB: true},
			newF: []string{}, resolved: []string{}, gone: []string{"AWS-DDB-001 " + ddbSession + " fail→"}, expired: []string{},
			notAss: []string{"AWS-DDB-001"}},
		{name: "deleted resource is gone, not resolved", new: demoVariant{dropRDSMd: true},
			resolved: []string{}, newF: []string{}, expired: []string{}, notAss: []string{},
			gone: []string{
				"AWS-RDS-001 " + rdsMetadata + " fail→", "AWS-RDS-002 " + rdsMetadata + " fail→", "AWS-RDS-003 " + rdsMetadata + " fail→",
				"BKP-001 " + rdsMetadata + " fail→", "BKP-004 " + rdsMetadata + " fail→", "BKP-006 " + rdsMetadata + " fail→",
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			oldA, newA := demoAssessmentOf(t, tt.old), demoAssessmentOf(t, tt.new)
			d := Compare(oldA, newA, "old.zip", "new.zip")
			if tt.worse != nil && d.Worse != *tt.worse {
				t.Errorf("worse = %v, want %v (score %v → %v, requirements %v)", d.Worse, *tt.worse, d.Old.Score, d.New.Score, d.Requirements)
			}
			switch {
			case tt.scoreUp > 0 && !(d.ScoreChange > 0), tt.scoreUp < 0 && !(d.ScoreChange < 0), tt.scoreUp == 0 && tt.name == "same assessment" && d.ScoreChange != 0:
				t.Errorf("score change %v, want sign %d", d.ScoreChange, tt.scoreUp)
			}
			if d.ScoreChange != round1(newA.Risk.Score-oldA.Risk.Score) || d.Old.Score != oldA.Risk.Score || d.New.RAG != newA.Risk.RAG {
				t.Errorf("scores: %+v %+v %v", d.Old, d.New, d.ScoreChange)
			}
			eq := func(what string, got, want []string) {
				t.Helper()
				if want != nil && strings.Join(got, "\n") != strings.Join(want, "\n") {
					t.Errorf("%s:\n got %q\nwant %q", what, got, want)
				}
			}
			eq("new findings", findingKeys(d.NewFindings), tt.newF)
			eq("resolved findings", findingKeys(d.ResolvedFindings), tt.resolved)
			eq("gone findings", findingKeys(d.GoneFindings), tt.gone)
			eq("expired", evidenceKeys(d.Expired), tt.expired)
			var na []string
			for _, c := range d.NewlyNotAssessed {
				na = append(na, c.ID)
			}
			if tt.notAss != nil && strings.Join(na, ",") != strings.Join(tt.notAss, ",") {
				t.Errorf("newly not assessed %q, want %q", na, tt.notAss)
			}
			for k, want := range tt.req {
				found := false
				for _, r := range d.Requirements {
					if r.Framework+" "+r.ID == k {
						found = true
						if r.Change != want {
							t.Errorf("%s: %s (%s → %s), want %s", k, r.Change, r.Old, r.New, want)
						}
					}
				}
				if !found {
					t.Errorf("%s: no requirement change listed; got %+v", k, d.Requirements)
				}
			}
			if (len(d.Notes) > 0) != tt.notes {
				t.Errorf("notes %q", d.Notes)
			}
			if tt.name == "same assessment" && (len(d.Requirements) > 0 || d.ScoreChange != 0) {
				t.Errorf("a diff of an assessment with itself lists changes: %+v", d)
			}
			// Every requirement change agrees with the ranking; worse follows from them.
			worse := d.New.Score < d.Old.Score
			for _, r := range d.Requirements {
				or, nr := requirementRank[r.Old], requirementRank[r.New]
				switch r.Change {
				case ChangeImproved:
					if nr <= or {
						t.Errorf("%+v: not an improvement", r)
					}
				case ChangeWorsened:
					worse = true
					if nr >= or {
						t.Errorf("%+v: not worse", r)
					}
				}
			}
			if worse != d.Worse {
				t.Errorf("worse %v does not follow from the score and requirements", d.Worse)
			}
			// Rendering is deterministic and every format renders.
			for _, f := range DiffFormats {
				var a, b bytes.Buffer
				if err := WriteDiff(&a, f, d, 100); err != nil {
					t.Fatal(err)
				}
				if err := WriteDiff(&b, f, Compare(oldA, newA, "old.zip", "new.zip"), 100); err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(a.Bytes(), b.Bytes()) {
					t.Errorf("%s: two renders differ", f)
				}
			}
		})
	}
}

// TestDiffGolden renders one rich comparison (a fix, a new failure, a
// collection hole and seven months of lapsed evidence) in every format.
func TestDiffGolden(t *testing.T) {
	oldA := demoAssessmentOf(t, demoVariant{})
	newA := demoAssessmentOf(t, demoVariant{asOf: time.Date(2027, 6, 15, 0, 0, 0, 0, time.UTC), fixRDS: true, breakRDS: true, hideDDB: true})
	d := Compare(oldA, newA, "out/2026-11/pack.zip", "out/2027-06/pack.zip")
	for _, f := range []struct{ format, file string }{{"table", "diff-demo.txt"}, {"json", "diff-demo.json"}, {"md", "diff-demo.md"}} {
		var b bytes.Buffer
		if err := WriteDiff(&b, f.format, d, 100); err != nil {
			t.Fatal(err)
		}
		golden(t, f.file, b.Bytes())
	}
	// The JSON has every list, never null.
	var m map[string]any
	var b bytes.Buffer
	if err := WriteDiff(&b, "json", Compare(oldA, oldA, "a", "a"), 100); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"frameworks", "requirements", "new_findings", "resolved_findings", "gone_findings", "expired", "newly_not_assessed", "notes"} {
		if _, ok := m[k].([]any); !ok {
			t.Errorf("%s: %v, want an array", k, m[k])
		}
	}
}

// TestTrendInReports: --previous adds the trend to the table, the job summary,
// the board page and the JSON, and leaves them as they were without it.
func TestTrendInReports(t *testing.T) {
	in := demoInput(t)
	prev := demoAssessmentOf(t, demoVariant{fixRDS: true}) // a better earlier state
	withPrev := in
	withPrev.Previous = prev
	d := round1(in.Assessment.Risk.Score - prev.Risk.Score)
	want := map[string]string{
		"table": "Trend: down ",
		"md":    "Trend: down ",
		"json":  `"previous": {`,
		"html":  "Down",
	}
	if d >= 0 {
		t.Fatalf("the fixed estate should score higher: %v", d)
	}
	for format, w := range want {
		plain, trend := string(render(t, format, in)), string(render(t, format, withPrev))
		if strings.Contains(plain, w) || !strings.Contains(trend, w) {
			t.Errorf("%s: trend %q: without previous %v, with %v", format, w, strings.Contains(plain, w), strings.Contains(trend, w))
		}
	}
	md := string(render(t, "md", withPrev))
	line := "Trend: down " + strings.TrimPrefix(signed(d), "-") + " since " + prev.AsOf
	if !strings.Contains(md, line) {
		t.Errorf("md: no %q in\n%s", line, md[:400])
	}
}

// TestDiffMeasures: diff judges each measure on its own and never calls the
// whole comparison better or worse, so a higher score beside new failing
// findings says both, in the table and in the Markdown; every line fits 100
// columns.
func TestDiffMeasures(t *testing.T) {
	up, down := 80.0, 70.0
	failing := []FindingChange{{CheckID: "AWS-S3-001", ResourceID: "aws://1/eu-west-2/s3/bucket/a", Severity: checks.High, Old: "pass", New: "fail"},
		{CheckID: "AWS-S3-002", ResourceID: "aws://1/eu-west-2/s3/bucket/b", Severity: checks.High, New: "fail"},
		{CheckID: "AWS-S3-003", ResourceID: "aws://1/eu-west-2/s3/bucket/c", Severity: checks.Low, Old: "pass", New: "fail"}}
	for _, tc := range []struct {
		name          string
		d             Diff
		better, worse []string
	}{
		{name: "higher score, new failures", d: Diff{ScoreChange: 2.3, NewFindings: failing},
			better: []string{"risk score +2.3"}, worse: []string{"3 new failing findings"}},
		{name: "lower score, findings resolved", d: Diff{ScoreChange: -0.4, ResolvedFindings: failing[:1]},
			better: []string{"1 finding resolved"}, worse: []string{"risk score -0.4"}},
		{name: "frameworks and requirements apart", d: Diff{
			Frameworks: []FrameworkChange{{ID: "a", OldScore: &down, NewScore: &up, ScoreChange: 10}, {ID: "b", OldScore: &up, NewScore: &down, ScoreChange: -10},
				{ID: "c", OldScore: &up, NewScore: &down, ScoreChange: -10}, {ID: "d", NewScore: &up}},
			Requirements: []RequirementChange{{Change: ChangeImproved}, {Change: ChangeWorsened}, {Change: ChangeChanged}},
			Expired:      []EvidenceChange{{Kind: "waiver", ID: "w"}}, NewlyNotAssessed: []CheckChange{{ID: "X"}, {ID: "Y"}}},
			better: []string{"1 framework score up", "1 requirement improved"},
			worse:  []string{"2 framework scores down", "1 requirement worsened", "1 attestation or waiver lapsed", "2 checks newly not fully assessed"}},
		{name: "nothing moved", d: Diff{Requirements: []RequirementChange{{Change: ChangeChanged}}, GoneFindings: failing}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			better, worse := tc.d.Measures()
			if strings.Join(better, "|") != strings.Join(tc.better, "|") || strings.Join(worse, "|") != strings.Join(tc.worse, "|") {
				t.Errorf("better %q, worse %q; want %q, %q", better, worse, tc.better, tc.worse)
			}
			for _, format := range []string{"table", "md"} {
				var b bytes.Buffer
				if err := WriteDiff(&b, format, &tc.d, 100); err != nil {
					t.Fatal(err)
				}
				text := b.String()
				head, _, _ := strings.Cut(text, "\n\n") // the headline, before the sections
				if format == "md" {
					head, _, _ = strings.Cut(text, "\n### ")
				}
				// "better" and "worse" appear only as the labels of the two lists.
				for _, line := range strings.Split(head, "\n") {
					l := strings.ToLower(strings.NewReplacer("**", "", "- ", "").Replace(line))
					if (strings.Contains(l, "better") && !strings.HasPrefix(l, "better: ") && !strings.HasPrefix(l, "no measure")) ||
						(strings.Contains(l, "worse") && !strings.HasPrefix(l, "worse: ") && !strings.HasPrefix(l, "no measure")) {
						t.Errorf("%s: %q judges more than one measure", format, line)
					}
				}
				want := []string{"No measure got better or worse."}
				if len(tc.better)+len(tc.worse) > 0 {
					want = []string{"Better", "Worse"}
					want = append(append(want, tc.better...), tc.worse...)
				}
				flat := strings.Join(strings.Fields(head), " ")
				for _, w := range want {
					if !strings.Contains(flat, w) {
						t.Errorf("%s: no %q in\n%s", format, w, head)
					}
				}
				if format == "table" {
					for _, line := range strings.Split(text, "\n") {
						if n := len([]rune(line)); n > 100 {
							t.Errorf("table: %d columns: %q", n, line)
						}
					}
				}
			}
		})
	}
}
