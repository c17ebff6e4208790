package controls_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/controls"
)

// The synthetic estate of the roll-up tests: three checks over three resource types.
var (
	checkS3  = &checks.Check{ID: "AWS-S3-001", Title: "Buckets encrypted with KMS", Severity: checks.High, ResourceTypes: []string{"aws.s3.bucket"}}
	checkSM  = &checks.Check{ID: "AWS-SM-001", Title: "Notebooks without root access", Severity: checks.High, ResourceTypes: []string{"aws.sagemaker.notebook_instance"}}
	checkSG  = &checks.Check{ID: "AWS-EC2-001", Title: "No ports open to the world", Severity: checks.Critical, ResourceTypes: []string{"aws.ec2.security_group"}}
	allCheck = []*checks.Check{checkS3, checkSM, checkSG}
	resolver = setResolver("AWS-S3-001", "AWS-SM-001", "AWS-EC2-001")
)

func finding(c *checks.Check, resource string, s checks.Status) checks.Finding {
	f := checks.Finding{CheckID: c.ID, ResourceID: "aws://111111111111/eu-west-2/" + resource, ResourceType: c.ResourceTypes[0], Status: s, Severity: c.Severity}
	if s == checks.Fail {
		f.Messages = []string{c.Title + ": no"}
	}
	return f
}

func run(status string, errs ...checks.CollectError) checks.CollectorRun {
	return checks.CollectorRun{Collector: "aws", Scope: "111111111111", Status: status, Errors: errs}
}

// pentest gives one pentest attestation dated d (365-day kind).
func pentest(t *testing.T, d string) []*controls.Attestation {
	t.Helper()
	list, err := controls.ParseAttestations([]byte("attestations:\n  - id: pentest\n    attested_by: Priya Shah\n    date: "+d+"\n    statement: Independent penetration test of the SDE.\n"), "att.yaml", nil)
	if err != nil {
		t.Fatal(err)
	}
	return list
}

const honestyFramework = `id: honesty
title: Honesty
version: "1"
source: https://example.invalid/honesty
publisher: Test
licence: Test
vocabulary: sde
requirements:
  - id: ONLY-CHECK
    title: Evidenced by one check alone
    checks: [AWS-SM-001]
  - id: CHECK-ATT
    title: A check and an attestation
    checks: [AWS-S3-001]
    attestations: [pentest]
  - id: TWO-CHECKS
    title: Two checks
    checks: [AWS-S3-001, AWS-SM-001]
  - id: ATT-ONLY
    title: An attestation alone
    attestations: [pentest]
  - id: NOTHING
    title: No evidence mapped
`

// TestRollUpHonesty is the acceptance test of "never optimistic": a requirement is
// met only on positive evidence, and every hole shows.
func TestRollUpHonesty(t *testing.T) {
	cat := mustCatalogue(t, resolver, map[string]string{"honesty.yaml": honestyFramework})
	const asOf = "2026-11-20"
	var (
		s3pass = finding(checkS3, "s3/bucket/research-raw", checks.Pass)
		s3fail = finding(checkS3, "s3/bucket/web-logs", checks.Fail)
		smpass = finding(checkSM, "sagemaker/notebook/nb-1", checks.Pass)
		smerr  = finding(checkSM, "sagemaker/notebook/nb-1", checks.Error)
		smHide = checks.CollectError{Collector: "aws", Service: "sagemaker", API: "ListNotebookInstances",
			ResourceTypes: []string{"aws.sagemaker.notebook_instance"}, Message: "AccessDenied"}
	)
	type want map[string]string
	tests := []struct {
		name     string
		facts    *checks.Facts
		findings []checks.Finding
		att      string // pentest date; "" = none supplied
		waivers  string // waivers YAML body; "" = none
		want     want
		hidden   bool // AWS-SM-001 is reported beside the score as not assessed
	}{
		// (a) hidden by collection: not_assessed, never met.
		{name: "run failed hides the only check",
			facts: &checks.Facts{Runs: []checks.CollectorRun{run(checks.RunFailed)}}, att: "2026-06-15",
			want:   want{"ONLY-CHECK": controls.NotAssessed, "TWO-CHECKS": controls.NotAssessed, "CHECK-ATT": controls.Partial, "ATT-ONLY": controls.Met},
			hidden: true},
		{name: "collect error covering its type",
			facts: &checks.Facts{Runs: []checks.CollectorRun{run(checks.RunPartial, smHide)}}, findings: []checks.Finding{s3pass}, att: "2026-06-15",
			want:   want{"ONLY-CHECK": controls.NotAssessed, "TWO-CHECKS": controls.Partial, "CHECK-ATT": controls.Met},
			hidden: true},
		{name: "collect error covering its type by glob",
			facts:    &checks.Facts{Runs: []checks.CollectorRun{run(checks.RunPartial, checks.CollectError{Collector: "aws", ResourceTypes: []string{"aws.sagemaker.*"}, Message: "throttled"})}},
			findings: []checks.Finding{s3pass}, att: "2026-06-15",
			want:   want{"ONLY-CHECK": controls.NotAssessed, "TWO-CHECKS": controls.Partial, "CHECK-ATT": controls.Met},
			hidden: true},
		{name: "collect error without types hides every type of the collector",
			facts:    &checks.Facts{Runs: []checks.CollectorRun{run(checks.RunPartial, checks.CollectError{Collector: "aws", Message: "token expired"})}},
			findings: []checks.Finding{s3pass}, att: "2026-06-15",
			want:   want{"ONLY-CHECK": controls.NotAssessed, "TWO-CHECKS": controls.Partial, "CHECK-ATT": controls.Partial},
			hidden: true},
		{name: "no run covers the type",
			facts:    &checks.Facts{Runs: []checks.CollectorRun{{Collector: "aws", Scope: "111111111111", Status: checks.RunOK, Covers: []string{"aws.s3.*"}}}},
			findings: []checks.Finding{s3pass}, att: "2026-06-15",
			want:   want{"ONLY-CHECK": controls.NotAssessed, "TWO-CHECKS": controls.Partial, "CHECK-ATT": controls.Met},
			hidden: true},
		{name: "no facts at all", facts: nil, att: "2026-06-15",
			want:   want{"ONLY-CHECK": controls.NotAssessed, "TWO-CHECKS": controls.NotAssessed, "CHECK-ATT": controls.Partial},
			hidden: true},
		{name: "empty scope: run ok, no resources",
			facts: &checks.Facts{Runs: []checks.CollectorRun{run(checks.RunOK)}}, att: "2026-06-15",
			want: want{"ONLY-CHECK": controls.NotAssessed, "TWO-CHECKS": controls.NotAssessed, "CHECK-ATT": controls.Partial, "ATT-ONLY": controls.Met}},
		{name: "empty scope without attestations",
			facts: &checks.Facts{Runs: []checks.CollectorRun{run(checks.RunOK)}},
			want:  want{"ONLY-CHECK": controls.NotAssessed, "TWO-CHECKS": controls.NotAssessed, "CHECK-ATT": controls.NotAssessed, "ATT-ONLY": controls.NotAssessed}},
		{name: "evaluation error only",
			facts: &checks.Facts{Runs: []checks.CollectorRun{run(checks.RunOK)}}, findings: []checks.Finding{s3pass, smerr}, att: "2026-06-15",
			want:   want{"ONLY-CHECK": controls.NotAssessed, "TWO-CHECKS": controls.Partial},
			hidden: true},
		{name: "run failed after some resources were seen",
			facts: &checks.Facts{Runs: []checks.CollectorRun{run(checks.RunFailed)}}, findings: []checks.Finding{s3pass, smpass}, att: "2026-06-15",
			want:   want{"ONLY-CHECK": controls.Partial, "TWO-CHECKS": controls.Partial, "CHECK-ATT": controls.Partial},
			hidden: true},
		{name: "one account ok, one failed",
			facts:    &checks.Facts{Runs: []checks.CollectorRun{run(checks.RunOK), {Collector: "aws", Scope: "222222222222", Status: checks.RunFailed}}},
			findings: []checks.Finding{s3pass, smpass}, att: "2026-06-15",
			want:   want{"ONLY-CHECK": controls.Partial, "CHECK-ATT": controls.Partial},
			hidden: true},
		// (b) an expired, missing or invalid attestation caps a requirement at partial.
		{name: "checks pass, attestation expired",
			facts: &checks.Facts{Runs: []checks.CollectorRun{run(checks.RunOK)}}, findings: []checks.Finding{s3pass, smpass}, att: "2025-06-15",
			want: want{"CHECK-ATT": controls.Partial, "ATT-ONLY": controls.NotAssessed, "ONLY-CHECK": controls.Met, "TWO-CHECKS": controls.Met}},
		{name: "checks pass, attestation missing",
			facts: &checks.Facts{Runs: []checks.CollectorRun{run(checks.RunOK)}}, findings: []checks.Finding{s3pass, smpass},
			want: want{"CHECK-ATT": controls.Partial, "ATT-ONLY": controls.NotAssessed}},
		{name: "checks pass, attestation dated in the future",
			facts: &checks.Facts{Runs: []checks.CollectorRun{run(checks.RunOK)}}, findings: []checks.Finding{s3pass, smpass}, att: "2026-12-01",
			want: want{"CHECK-ATT": controls.Partial, "ATT-ONLY": controls.NotAssessed}},
		// (c) an unwaived failure is not_met, whatever else holds.
		{name: "failure unwaived",
			facts: &checks.Facts{Runs: []checks.CollectorRun{run(checks.RunOK)}}, findings: []checks.Finding{s3pass, s3fail, smpass}, att: "2026-06-15",
			want: want{"CHECK-ATT": controls.NotMet, "TWO-CHECKS": controls.NotMet, "ONLY-CHECK": controls.Met, "ATT-ONLY": controls.Met}},
		{name: "failure beside a collection hole",
			facts: &checks.Facts{Runs: []checks.CollectorRun{run(checks.RunPartial, smHide)}}, findings: []checks.Finding{s3fail},
			want:   want{"CHECK-ATT": controls.NotMet, "TWO-CHECKS": controls.NotMet, "ONLY-CHECK": controls.NotAssessed},
			hidden: true},
		{name: "failure with an expired waiver",
			facts: &checks.Facts{Runs: []checks.CollectorRun{run(checks.RunOK)}}, findings: []checks.Finding{s3fail, smpass}, att: "2026-06-15",
			waivers: "  - {check: AWS-S3-001, resource: '*', reason: Accepted for the migration., approver: Sam Jones, expires: 2026-11-19}\n",
			want:    want{"CHECK-ATT": controls.NotMet, "TWO-CHECKS": controls.NotMet}},
		{name: "every failure waived",
			facts: &checks.Facts{Runs: []checks.CollectorRun{run(checks.RunOK)}}, findings: []checks.Finding{s3pass, s3fail, smpass}, att: "2026-06-15",
			waivers: "  - {check: AWS-S3-001, resource: '*/web-logs', reason: Accepted for the migration., approver: Sam Jones, expires: 2026-12-31}\n",
			want:    want{"CHECK-ATT": controls.Waived, "TWO-CHECKS": controls.Waived, "ONLY-CHECK": controls.Met}},
		{name: "waived failure beside a hole is still waived, not met",
			facts: &checks.Facts{Runs: []checks.CollectorRun{run(checks.RunPartial, smHide)}}, findings: []checks.Finding{s3fail},
			waivers: "  - {check: AWS-S3-001, resource: '*', reason: Accepted for the migration., approver: Sam Jones, expires: 2026-12-31}\n",
			want:    want{"TWO-CHECKS": controls.Waived, "CHECK-ATT": controls.Waived},
			hidden:  true},
		// (d) all pass and a valid attestation: met.
		{name: "all pass, attestation valid",
			facts: &checks.Facts{Runs: []checks.CollectorRun{run(checks.RunOK)}}, findings: []checks.Finding{s3pass, smpass}, att: "2026-06-15",
			want: want{"ONLY-CHECK": controls.Met, "CHECK-ATT": controls.Met, "TWO-CHECKS": controls.Met, "ATT-ONLY": controls.Met}},
		{name: "a check with nothing to judge beside a passing one",
			facts: &checks.Facts{Runs: []checks.CollectorRun{run(checks.RunOK)}}, findings: []checks.Finding{s3pass}, att: "2026-06-15",
			want: want{"ONLY-CHECK": controls.NotAssessed, "TWO-CHECKS": controls.Met, "CHECK-ATT": controls.Met}},
		{name: "not applicable findings are not evidence",
			facts: &checks.Facts{Runs: []checks.CollectorRun{run(checks.RunOK)}}, findings: []checks.Finding{finding(checkSM, "sagemaker/notebook/nb-1", checks.NotApplicable)},
			want: want{"ONLY-CHECK": controls.NotAssessed}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := controls.Input{Covering: testCovering, Facts: tc.facts, Findings: tc.findings, Checks: allCheck, Catalogue: cat, AsOf: date(t, asOf)}
			if tc.att != "" {
				in.Attestations = pentest(t, tc.att)
			}
			if tc.waivers != "" {
				ws, err := controls.ParseWaivers([]byte("waivers:\n"+tc.waivers), "waivers.yaml", resolver)
				if err != nil {
					t.Fatal(err)
				}
				in.Waivers = ws
			}
			a := controls.Assess(in)
			// (e) a requirement with neither checks nor attestations is never assessed.
			tc.want["NOTHING"] = controls.NotAssessed
			for id, w := range tc.want {
				r := requirement(t, a, "honesty", id)
				if r.Status != w {
					t.Errorf("%s: %s, want %s (reasons %q)", id, r.Status, w, r.Reasons)
				}
				if r.Status != controls.Met && len(r.Reasons) == 0 {
					t.Errorf("%s: %s without a reason", id, r.Status)
				}
			}
			assertNeverOptimistic(t, a)
			hidden := strings.Contains(strings.Join(a.Risk.NotAssessedChecks, ","), "AWS-SM-001")
			if hidden != tc.hidden {
				t.Errorf("AWS-SM-001 beside the score as not assessed = %v, want %v (%v)", hidden, tc.hidden, a.Risk.NotAssessedChecks)
			}
			if a.Risk.NotAssessed != len(a.Risk.NotAssessedChecks) {
				t.Errorf("risk.not_assessed %d but %d checks listed", a.Risk.NotAssessed, len(a.Risk.NotAssessedChecks))
			}
		})
	}
}

// assertNeverOptimistic checks the invariant behind "met" for every requirement of
// an assessment: positive evidence for each mapped check, valid attestations, no hole.
func assertNeverOptimistic(t *testing.T, a *controls.Assessment) {
	t.Helper()
	byCheck := map[string]controls.CheckResult{}
	for _, c := range a.Checks {
		byCheck[c.ID] = c
	}
	for _, fw := range a.Frameworks {
		for _, r := range fw.Requirements {
			if r.Status != controls.Met {
				continue
			}
			assessed := 0
			for _, c := range r.Checks {
				if c.Status != controls.CheckPass && c.Status != controls.CheckNoResources {
					t.Errorf("%s %s is met with check %s %s", fw.ID, r.ID, c.ID, c.Status)
				}
				assessed += byCheck[c.ID].Pass
			}
			if len(r.Checks) > 0 && assessed == 0 {
				t.Errorf("%s %s is met though no resource was assessed", fw.ID, r.ID)
			}
			for _, at := range r.Attestations {
				if at.Status != controls.AttValid {
					t.Errorf("%s %s is met with attestation %s %s", fw.ID, r.ID, at.ID, at.Status)
				}
			}
			if len(r.Checks) == 0 && len(r.Attestations) == 0 {
				t.Errorf("%s %s is met with no evidence mapped", fw.ID, r.ID)
			}
		}
	}
}

// The check roll-up gives each hole its reason.
func TestCheckRollUpReasons(t *testing.T) {
	cat := mustCatalogue(t, resolver, map[string]string{"honesty.yaml": honestyFramework})
	facts := &checks.Facts{Runs: []checks.CollectorRun{
		run(checks.RunPartial, checks.CollectError{Collector: "aws", Account: "111111111111", Region: "eu-west-2", Service: "sagemaker",
			API: "ListNotebookInstances", ResourceTypes: []string{"aws.sagemaker.notebook_instance"}, Message: "AccessDenied"}),
	}}
	a := controls.Assess(controls.Input{Covering: testCovering, Facts: facts, Checks: allCheck, Catalogue: cat, AsOf: date(t, "2026-11-20")})
	got := map[string]controls.CheckResult{}
	for _, c := range a.Checks {
		got[c.ID] = c
	}
	if c := got["AWS-SM-001"]; c.Status != controls.CheckNotAssessed ||
		strings.Join(c.Reasons, "|") != "collection failed (aws 111111111111 eu-west-2 sagemaker ListNotebookInstances): AccessDenied" {
		t.Errorf("AWS-SM-001: %s %q", c.Status, c.Reasons)
	}
	if c := got["AWS-S3-001"]; c.Status != controls.CheckNoResources || strings.Join(c.Reasons, "|") != "no resource in scope that it applies to" {
		t.Errorf("AWS-S3-001: %s %q", c.Status, c.Reasons)
	}
	r := requirement(t, a, "honesty", "ONLY-CHECK")
	want := []string{
		"AWS-SM-001: collection failed (aws 111111111111 eu-west-2 sagemaker ListNotebookInstances): AccessDenied",
		"no in-scope resource was assessed by its checks",
	}
	if strings.Join(r.Reasons, "|") != strings.Join(want, "|") {
		t.Errorf("reasons %q, want %q", r.Reasons, want)
	}
}

func TestRiskScore(t *testing.T) {
	cat := mustCatalogue(t, resolver, map[string]string{"honesty.yaml": honestyFramework})
	facts := &checks.Facts{Runs: []checks.CollectorRun{run(checks.RunOK)}}
	sensitive := func(f checks.Finding, class string) checks.Finding { f.Classification = class; return f }
	tests := []struct {
		name                   string
		findings               []checks.Finding
		score                  float64
		rag                    string
		assessed, failed, crit int
		frameworkScore         float64
		frameworkRAG           string
	}{
		{name: "nothing assessed scores 0, red", score: 0, rag: "red", frameworkRAG: "red"},
		{name: "all pass", findings: []checks.Finding{finding(checkS3, "b1", checks.Pass), finding(checkSG, "sg1", checks.Pass)},
			score: 100, rag: "green", assessed: 15, frameworkScore: 100, frameworkRAG: "green"},
		{name: "a critical failure caps at amber", findings: append(repeat(finding(checkS3, "b", checks.Pass), 19), finding(checkSG, "sg1", checks.Fail)),
			// 19 x 5 + 10 = 105 assessed, 10 failed: 90.5 but a critical failure.
			score: 90.5, rag: "amber", assessed: 105, failed: 10, crit: 1, frameworkScore: 100, frameworkRAG: "green"},
		{name: "identifiable data doubles both sides", findings: []checks.Finding{sensitive(finding(checkS3, "b1", checks.Fail), "identifiable"), finding(checkS3, "b2", checks.Pass)},
			// assessed 10 + 5, failed 10: 33.3.
			score: 33.3, rag: "red", assessed: 15, failed: 10, frameworkScore: 33.3, frameworkRAG: "red"},
		{name: "pseudonymised doubles, anonymised does not", findings: []checks.Finding{sensitive(finding(checkS3, "b1", checks.Pass), "pseudonymised"), sensitive(finding(checkS3, "b2", checks.Fail), "anonymised")},
			score: 66.7, rag: "red", assessed: 15, failed: 5, frameworkScore: 66.7, frameworkRAG: "red"},
		{name: "amber at 70", findings: append(repeat(finding(checkS3, "b", checks.Pass), 7), repeat(finding(checkS3, "f", checks.Fail), 3)...),
			score: 70, rag: "amber", assessed: 50, failed: 15, frameworkScore: 70, frameworkRAG: "amber"},
		{name: "green at 90", findings: append(repeat(finding(checkS3, "b", checks.Pass), 9), finding(checkS3, "f", checks.Fail)),
			score: 90, rag: "green", assessed: 50, failed: 5, frameworkScore: 90, frameworkRAG: "green"},
		{name: "errors and not applicable do not count", findings: []checks.Finding{finding(checkS3, "b", checks.Pass), finding(checkS3, "e", checks.Error), finding(checkSG, "n", checks.NotApplicable)},
			score: 100, rag: "green", assessed: 5, frameworkScore: 100, frameworkRAG: "green"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := controls.Assess(controls.Input{Covering: testCovering, Facts: facts, Findings: tc.findings, Checks: allCheck, Catalogue: cat, AsOf: date(t, "2026-11-20")})
			r := a.Risk
			if r.Score != tc.score || r.RAG != tc.rag || r.AssessedWeight != tc.assessed || r.FailedWeight != tc.failed || r.CriticalFailures != tc.crit {
				t.Errorf("risk %+v, want score %v %s assessed %d failed %d critical %d", r, tc.score, tc.rag, tc.assessed, tc.failed, tc.crit)
			}
			// The honesty framework does not cite AWS-EC2-001: its score leaves it out.
			fw := frameworkResult(t, a, "honesty")
			if fw.Score != tc.frameworkScore || fw.RAG != tc.frameworkRAG {
				t.Errorf("framework score %v %s, want %v %s", fw.Score, fw.RAG, tc.frameworkScore, tc.frameworkRAG)
			}
		})
	}
}

func repeat(f checks.Finding, n int) []checks.Finding {
	out := make([]checks.Finding, n)
	for i := range out {
		out[i] = f
		out[i].ResourceID = fmt.Sprintf("%s-%d", f.ResourceID, i)
	}
	return out
}

func TestScoreRAG(t *testing.T) {
	tests := []struct {
		assessed, failed, critical int
		score                      float64
		rag                        string
	}{
		{0, 0, 0, 0, "red"},
		{-1, 0, 0, 0, "red"},
		{10, 0, 0, 100, "green"},
		{10, 1, 0, 90, "green"},
		{10, 1, 1, 90, "amber"},
		{1000, 101, 0, 89.9, "amber"},
		{10, 3, 0, 70, "amber"},
		{1000, 301, 0, 69.9, "red"},
		{3, 1, 0, 66.7, "red"},
		{3, 2, 0, 33.3, "red"},
		{7, 7, 0, 0, "red"},
		{2000, 1, 0, 100, "green"}, // 99.95 rounds to 100.0
		{2000, 3, 0, 99.9, "green"},
	}
	for _, tc := range tests {
		score, rag := controls.ScoreRAG(tc.assessed, tc.failed, tc.critical)
		if score != tc.score || rag != tc.rag {
			t.Errorf("ScoreRAG(%d, %d, %d) = %v %s, want %v %s", tc.assessed, tc.failed, tc.critical, score, rag, tc.score, tc.rag)
		}
	}
}

func TestFindingWeight(t *testing.T) {
	for _, tc := range []struct {
		sev   checks.Severity
		class string
		want  int
	}{
		{checks.Critical, "", 10}, {checks.High, "", 5}, {checks.Medium, "", 2}, {checks.Low, "", 1},
		{checks.Critical, "identifiable", 20}, {checks.High, "pseudonymised", 10}, {checks.Medium, "anonymised", 2},
		{checks.Low, "public", 1}, {checks.Low, "Identifiable", 1}, {"unknown", "identifiable", 0},
	} {
		if got := controls.FindingWeight(checks.Finding{Severity: tc.sev, Classification: tc.class}); got != tc.want {
			t.Errorf("FindingWeight(%s, %q) = %d, want %d", tc.sev, tc.class, got, tc.want)
		}
	}
}

// vocabFramework builds a framework of the given vocabulary; requirement lines follow.
func vocabFramework(id, vocab, groups, reqs string) string {
	return "id: " + id + "\ntitle: T\nversion: \"1\"\nsource: https://example.invalid\npublisher: P\nlicence: L\nvocabulary: " + vocab + "\n" + groups + "requirements:\n" + reqs
}

// Requirement statuses in each framework's own words.
func TestVocabularyLabels(t *testing.T) {
	// One requirement per status: MET, NOTMET, PARTIAL, NA, WAIVED.
	reqs := `  - {id: MET, title: m, checks: [AWS-S3-001]}
  - {id: NOTMET, title: n, checks: [AWS-EC2-001]}
  - {id: PARTIAL, title: p, checks: [AWS-S3-001], attestations: [pentest]}
  - {id: NA, title: a}
  - {id: WAIVED, title: w, checks: [AWS-SM-001]}
`
	files := map[string]string{
		"sde.yaml":   vocabFramework("v-sde", "sde", "", reqs),
		"dspt.yaml":  vocabFramework("v-dspt", "dspt", "", reqs),
		"caf.yaml":   vocabFramework("v-caf", "caf", "", reqs),
		"fs.yaml":    vocabFramework("v-fs", "five-safes", "", reqs),
		"ce.yaml":    vocabFramework("v-ce", "cyber-essentials", "", reqs),
		"satre.yaml": vocabFramework("v-satre", "satre", "", strings.ReplaceAll(reqs, "title:", "importance: Mandatory, title:")),
	}
	cat := mustCatalogue(t, resolver, files)
	ws, err := controls.ParseWaivers([]byte("waivers:\n  - {check: AWS-SM-001, resource: '*', reason: Accepted for the migration., approver: Sam Jones, expires: 2026-12-31}\n"), "w.yaml", resolver)
	if err != nil {
		t.Fatal(err)
	}
	a := controls.Assess(controls.Input{Covering: testCovering,
		Facts:    &checks.Facts{Runs: []checks.CollectorRun{run(checks.RunOK)}},
		Findings: []checks.Finding{finding(checkS3, "b", checks.Pass), finding(checkSG, "sg", checks.Fail), finding(checkSM, "nb", checks.Fail)},
		Checks:   allCheck, Catalogue: cat, Waivers: ws, AsOf: date(t, "2026-11-20"),
	})
	want := map[string][5]string{ // MET, NOTMET, PARTIAL, NA, WAIVED
		"v-sde":   {"Met", "Not met", "Partially met", "Not assessed", "Waived"},
		"v-dspt":  {"Met", "Not met", "Partially met", "Not assessed", "Waived"},
		"v-ce":    {"Met", "Not met", "Partially met", "Not assessed", "Waived"},
		"v-caf":   {"Achieved", "Not achieved", "Partially achieved", "Not assessed", "Partially achieved"},
		"v-fs":    {"green", "red", "amber", "grey (not assessed)", "amber"},
		"v-satre": {"2 (satisfied)", "0 (not met)", "0 (evidence incomplete)", "not assessed", "1 (sufficient, waived)"},
	}
	statuses := [5]string{controls.Met, controls.NotMet, controls.Partial, controls.NotAssessed, controls.Waived}
	for fw, labels := range want {
		for i, id := range []string{"MET", "NOTMET", "PARTIAL", "NA", "WAIVED"} {
			r := requirement(t, a, fw, id)
			if r.Status != statuses[i] || r.Label != labels[i] {
				t.Errorf("%s %s: %s %q, want %s %q", fw, id, r.Status, r.Label, statuses[i], labels[i])
			}
		}
		f := frameworkResult(t, a, fw)
		if f.Counts != (controls.Counts{Met: 1, NotMet: 1, Partial: 1, NotAssessed: 1, Waived: 1}) || f.PercentMet != 20 {
			t.Errorf("%s: counts %+v percent met %v", fw, f.Counts, f.PercentMet)
		}
		if f.Coverage != (controls.Coverage{Automated: 4, None: 1}) {
			t.Errorf("%s: coverage %+v", fw, f.Coverage)
		}
	}
	for fw, status := range map[string]string{
		"v-sde": "1 of 5 guidelines met", "v-dspt": "Not Met", "v-caf": "Not Met",
		"v-fs": "1 of 5 safes green", "v-ce": "1 of 5 themes met",
	} {
		if got := frameworkResult(t, a, fw).Status; got != status {
			t.Errorf("%s status %q, want %q", fw, got, status)
		}
	}
}

// The DSPT's three published outcomes.
func TestDSPTStatus(t *testing.T) {
	fw := vocabFramework("v-dspt", "dspt", "", "  - {id: \"1\", title: a, checks: [AWS-S3-001]}\n  - {id: \"2\", title: b, checks: [AWS-SM-001]}\n")
	cat := mustCatalogue(t, resolver, map[string]string{"dspt.yaml": fw})
	ok := &checks.Facts{Runs: []checks.CollectorRun{run(checks.RunOK)}}
	hidden := &checks.Facts{Runs: []checks.CollectorRun{run(checks.RunPartial, checks.CollectError{Collector: "aws", ResourceTypes: []string{"aws.sagemaker.*"}, Message: "denied"})}}
	tests := []struct {
		name     string
		facts    *checks.Facts
		findings []checks.Finding
		want     string
	}{
		{"all met", ok, []checks.Finding{finding(checkS3, "b", checks.Pass), finding(checkSM, "n", checks.Pass)}, "Standards Met"},
		{"nothing assessed", hidden, nil, "Not assessed"},
		// A standard without evidence is not met: never "approaching" by default.
		{"one not assessed", hidden, []checks.Finding{finding(checkS3, "b", checks.Pass)}, "Not Met"},
		{"one partial", ok, []checks.Finding{finding(checkS3, "b", checks.Pass), finding(checkSM, "n", checks.Pass), finding(checkSM, "e", checks.Error)}, "Approaching Standards"},
		{"one not met", ok, []checks.Finding{finding(checkS3, "b", checks.Pass), finding(checkSM, "n", checks.Fail)}, "Not Met"},
		{"not met beats not assessed", hidden, []checks.Finding{finding(checkS3, "b", checks.Fail)}, "Not Met"},
	}
	for _, tc := range tests {
		a := controls.Assess(controls.Input{Covering: testCovering, Facts: tc.facts, Findings: tc.findings, Checks: allCheck, Catalogue: cat, AsOf: date(t, "2026-11-20")})
		if got := frameworkResult(t, a, "v-dspt").Status; got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

// CAF objectives and principles roll their contributing outcomes up.
func TestCAFGroups(t *testing.T) {
	groups := "groups:\n  - {id: A, title: Managing risk}\n  - {id: A1, title: Governance, parent: A}\n  - {id: A2, title: Risk management, parent: A}\n  - {id: B, title: Protecting}\n  - {id: B1, title: Policies, parent: B}\n  - {id: C, title: Detecting}\n"
	reqs := `  - {id: A1.a, title: a, group: A1, checks: [AWS-S3-001]}
  - {id: A2.a, title: b, group: A2, checks: [AWS-S3-001]}
  - {id: A2.b, title: c, group: A2, checks: [AWS-SM-001]}
  - {id: B1.a, title: d, group: B1, checks: [AWS-EC2-001]}
  - {id: C1.a, title: e, group: C}
`
	cat := mustCatalogue(t, resolver, map[string]string{"caf.yaml": vocabFramework("v-caf", "caf", groups, reqs)})
	facts := &checks.Facts{Runs: []checks.CollectorRun{run(checks.RunPartial, checks.CollectError{Collector: "aws", ResourceTypes: []string{"aws.sagemaker.*"}, Message: "denied"})}}
	a := controls.Assess(controls.Input{Covering: testCovering, Facts: facts, Findings: []checks.Finding{finding(checkS3, "b", checks.Pass), finding(checkSG, "sg", checks.Fail)},
		Checks: allCheck, Catalogue: cat, AsOf: date(t, "2026-11-20")})
	f := frameworkResult(t, a, "v-caf")
	want := map[string]struct {
		met   bool
		label string
	}{
		"A":  {false, "Partially achieved"}, // A1 achieved, A2 has an unassessed outcome
		"A1": {true, "Achieved"},
		"A2": {false, "Partially achieved"},
		"B":  {false, "Not achieved"},
		"B1": {false, "Not achieved"},
		"C":  {false, "Not assessed"},
	}
	if len(f.Groups) != len(want) {
		t.Fatalf("%d groups, want %d", len(f.Groups), len(want))
	}
	for _, g := range f.Groups {
		if w := want[g.ID]; g.Met != w.met || g.Label != w.label {
			t.Errorf("group %s: met %v %q, want %v %q (counts %+v)", g.ID, g.Met, g.Label, w.met, w.label, g.Counts)
		}
	}
	if a := f.Groups[0]; a.Counts != (controls.Counts{Met: 2, NotAssessed: 1}) {
		t.Errorf("objective A counts its principles' outcomes: %+v", a.Counts)
	}
	if f.Status != "Not Met" {
		t.Errorf("status %q", f.Status)
	}
}

// SATRE: a capability is met when every Mandatory statement scores 1 or more and
// at least one statement does; a pillar when every capability in it is met.
func TestSATRECapabilities(t *testing.T) {
	groups := "groups:\n  - {id: P1, title: Pillar one}\n  - {id: C1, title: Cap one, parent: P1}\n  - {id: C2, title: Cap two, parent: P1}\n" +
		"  - {id: P2, title: Pillar two}\n  - {id: C3, title: Cap three, parent: P2}\n  - {id: C4, title: Cap four, parent: P2}\n  - {id: C5, title: Cap five, parent: P2}\n"
	reqs := `  - {id: "1.1.1", title: a, group: C1, importance: Mandatory, checks: [AWS-S3-001]}
  - {id: "1.1.2", title: b, group: C1, importance: Recommended, checks: [AWS-EC2-001]}
  - {id: "1.1.3", title: c, group: C1, importance: "Mandatory*", checks: [AWS-SM-001]}
  - {id: "1.2.1", title: d, group: C2, importance: Optional}
  - {id: "1.2.2", title: d, group: C2, importance: Optional, checks: [AWS-S3-001]}
  - {id: "2.1.1", title: e, group: C3, importance: Mandatory, checks: [AWS-S3-001]}
  - {id: "2.1.2", title: f, group: C3, importance: Mandatory, attestations: [pentest]}
  - {id: "2.2.1", title: g, group: C4, importance: Mandatory, checks: [AWS-EC2-001]}
  - {id: "2.3.1", title: h, group: C5, importance: Mandatory}
  - {id: "2.3.2", title: i, group: C5, importance: Optional}
`
	cat := mustCatalogue(t, resolver, map[string]string{"satre.yaml": vocabFramework("v-satre", "satre", groups, reqs)})
	ws, err := controls.ParseWaivers([]byte("waivers:\n  - {check: AWS-SM-001, resource: '*', reason: Accepted for the migration., approver: Sam Jones, expires: 2026-12-31}\n"), "w.yaml", resolver)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		att    string
		caps   map[string]string // group -> label
		status string
	}{
		{"pentest valid", "2026-06-15",
			map[string]string{"P1": "met", "C1": "met", "C2": "met (no mandatory statements)", "P2": "not met", "C3": "met", "C4": "not met", "C5": "not assessed"},
			"3 of 5 capabilities met, 1 of 2 pillars met"},
		{"pentest expired", "2025-06-15",
			map[string]string{"P1": "met", "C1": "met", "C2": "met (no mandatory statements)", "P2": "not met", "C3": "not met", "C4": "not met", "C5": "not assessed"},
			"2 of 5 capabilities met, 1 of 2 pillars met"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := controls.Assess(controls.Input{Covering: testCovering,
				Facts: &checks.Facts{Runs: []checks.CollectorRun{run(checks.RunOK)}},
				// 1.1.1 met, 1.1.2 not met (Recommended: does not count), 1.1.3 waived (scores 1), 2.2.1 not met.
				Findings: []checks.Finding{finding(checkS3, "b", checks.Pass), finding(checkSG, "sg", checks.Fail), finding(checkSM, "nb", checks.Fail)},
				Checks:   allCheck, Catalogue: cat, Waivers: ws, Attestations: pentest(t, tc.att), AsOf: date(t, "2026-11-20"),
			})
			f := frameworkResult(t, a, "v-satre")
			for _, g := range f.Groups {
				if g.Label != tc.caps[g.ID] || g.Met != strings.HasPrefix(tc.caps[g.ID], "met") {
					t.Errorf("%s: met %v %q, want %q", g.ID, g.Met, g.Label, tc.caps[g.ID])
				}
			}
			if f.Status != tc.status {
				t.Errorf("status %q, want %q", f.Status, tc.status)
			}
		})
	}
}

// Framework figures: percent met, coverage, and the score restricted to cited checks.
func TestFrameworkFigures(t *testing.T) {
	reqs := `  - {id: A, title: a, checks: [AWS-S3-001]}
  - {id: B, title: b, attestations: [pentest]}
  - {id: C, title: c, checks: [AWS-SM-001], attestations: [pentest]}
  - {id: D, title: d}
`
	cat := mustCatalogue(t, resolver, map[string]string{"fw.yaml": vocabFramework("figs", "sde", "", reqs)})
	a := controls.Assess(controls.Input{Covering: testCovering,
		Facts:    &checks.Facts{Runs: []checks.CollectorRun{run(checks.RunOK)}},
		Findings: []checks.Finding{finding(checkS3, "b", checks.Pass), finding(checkSG, "sg", checks.Fail)},
		Checks:   allCheck, Catalogue: cat, Attestations: pentest(t, "2026-06-15"), AsOf: date(t, "2026-11-20"),
	})
	f := frameworkResult(t, a, "figs")
	// A met (automated), B met (attested), C partial (attested; its check found nothing), D not assessed.
	if f.Counts != (controls.Counts{Met: 2, Partial: 1, NotAssessed: 1}) || f.PercentMet != 50 {
		t.Errorf("counts %+v percent %v", f.Counts, f.PercentMet)
	}
	if f.Coverage != (controls.Coverage{Automated: 1, Attested: 2, None: 1}) {
		t.Errorf("coverage %+v", f.Coverage)
	}
	// The estate fails AWS-EC2-001 (critical), which this framework does not cite.
	if a.Risk.Score != 33.3 || a.Risk.RAG != "red" || f.Score != 100 || f.RAG != "green" {
		t.Errorf("estate %v %s, framework %v %s", a.Risk.Score, a.Risk.RAG, f.Score, f.RAG)
	}
	// Only the selected frameworks are reported; the risk covers every finding.
	b := controls.Assess(controls.Input{Covering: testCovering, Checks: allCheck, Catalogue: cat, AsOf: date(t, "2026-11-20"), Frameworks: []string{"none"}})
	if len(b.Frameworks) != 0 || b.Frameworks == nil {
		t.Errorf("frameworks %v", b.Frameworks)
	}
	// percent_met is rounded to one decimal.
	cat3 := mustCatalogue(t, resolver, map[string]string{"fw.yaml": vocabFramework("three", "sde", "",
		"  - {id: A, title: a, checks: [AWS-S3-001]}\n  - {id: B, title: b}\n  - {id: C, title: c}\n")})
	c := controls.Assess(controls.Input{Covering: testCovering, Facts: &checks.Facts{Runs: []checks.CollectorRun{run(checks.RunOK)}},
		Findings: []checks.Finding{finding(checkS3, "b", checks.Pass)}, Checks: allCheck, Catalogue: cat3, AsOf: date(t, "2026-11-20")})
	if pct := frameworkResult(t, c, "three").PercentMet; pct != 33.3 {
		t.Errorf("percent met of 1 in 3 = %v, want 33.3", pct)
	}
}

// Assessing the same facts twice gives the same bytes.
func TestAssessDeterministic(t *testing.T) {
	first, err := json.Marshal(demoAssessment(t))
	if err != nil {
		t.Fatal(err)
	}
	second, err := json.Marshal(demoAssessment(t))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first, second) {
		t.Fatal("two assessments of the demo facts differ")
	}
}

// The demo estate end to end: the builtin catalogue, real checks, and the
// access-denied holes reported beside the score.
func TestAssessDemo(t *testing.T) {
	a := demoAssessment(t)
	if len(a.Frameworks) != 7 {
		t.Fatalf("%d frameworks", len(a.Frameworks))
	}
	if a.AsOf != "2026-11-20T09:00:00Z" {
		t.Errorf("as_of %s", a.AsOf)
	}
	// SageMaker was denied in both accounts (notebooks and Studio domains), RDS in
	// account 222222222222: the RDS checks fail on what was seen, and are still
	// listed as not fully assessed; so is AWS-S3-007, which judges RDS too. The demo
	// has no repositories, so the code-openness checks are not assessed either.
	// Account 222222222222 also denies RDS and AWS Backup, so the backup review of its
	// data stores is only partly assessed. No infrastructure code is scanned: the
	// IAC checks are not assessed, and no image is scanned: nor are the IMG checks.
	// The Azure subscription is read whole; only AZ-RBAC-001 cannot be settled: a
	// group is an Owner, and whether it holds guests is not something ARM says.
	if strings.Join(a.Risk.NotAssessedChecks, ",") != "AWS-RDS-001,AWS-RDS-002,AWS-RDS-003,AWS-S3-007,AWS-SM-001,AWS-SM-002,AZ-RBAC-001,"+
		"BKP-001,BKP-002,BKP-003,BKP-004,BKP-005,BKP-006,"+
		"IAC-AS-001,IAC-AS-002,IAC-AZ-001,IAC-AZ-002,IAC-AZ-003,IAC-AZ-004,IAC-AZ-005,IAC-AZ-006,IAC-AZ-007,IAC-BKP-001,IAC-COMPOSE-001,IAC-EC2-001,IAC-IAM-001,IAC-K8S-001,IAC-K8S-002,IAC-NET-002,IAC-S3-001,IAC-SECRET-001,IAC-SM-001,"+
		"IMG-001,IMG-002,IMG-003,IMG-004,IMG-005,"+
		"OPEN-001,OPEN-002,OPEN-003,OPEN-004,OPEN-005,OPEN-006,OPEN-007,OPEN-008,OPEN-009,OPEN-010" || a.Risk.NotAssessed != 47 {
		t.Errorf("not assessed checks %v", a.Risk.NotAssessedChecks)
	}
	score, rag := controls.ScoreRAG(a.Risk.AssessedWeight, a.Risk.FailedWeight, a.Risk.CriticalFailures)
	if score != a.Risk.Score || rag != a.Risk.RAG || a.Risk.AssessedWeight == 0 {
		t.Errorf("risk %+v", a.Risk)
	}
	assertNeverOptimistic(t, a)
	// Every cited attestation kind appears, missing ones included, and none is supplied.
	for _, at := range a.Attestations {
		if at.Status != controls.AttMissing {
			t.Errorf("attestation %s: %s", at.ID, at.Status)
		}
	}
	for _, f := range a.Frameworks {
		total := f.Counts.Met + f.Counts.NotMet + f.Counts.Partial + f.Counts.NotAssessed + f.Counts.Waived
		if total != len(f.Requirements) || f.Coverage.Automated+f.Coverage.Attested+f.Coverage.None != total {
			t.Errorf("%s: counts %+v coverage %+v for %d requirements", f.ID, f.Counts, f.Coverage, len(f.Requirements))
		}
	}
}
