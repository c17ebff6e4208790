package controls_test

import (
	"strings"
	"testing"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/controls"
)

func TestParseWaiversValid(t *testing.T) {
	const file = "testdata/waivers/valid.yaml"
	list, err := controls.LoadWaivers(file, engineResolver(builtinEngine(t)))
	if err != nil {
		t.Fatalf("LoadWaivers: %v", err)
	}
	if len(list) != 2 {
		t.Fatalf("got %d waivers, want 2", len(list))
	}
	w := list[0]
	if w.ID != "W-001" || w.Check != "AWS-EC2-002" || w.Approver != "Priya Shah (SIRO)" || w.ApprovedOn != "2026-09-01" ||
		w.Expires != "2026-12-31" || w.Reference != "RISK-0042" || w.File != file {
		t.Errorf("first waiver parsed as %+v", w)
	}
	// A waiver without an id is named after its file and position.
	if list[1].ID != file+"#2" || list[1].Resource != "*" || list[1].Expires != "2026-10-31" {
		t.Errorf("second waiver parsed as %+v", list[1])
	}
	if _, err := controls.LoadWaivers("testdata/waivers/no-such-file.yaml", nil); err == nil {
		t.Error("no error for a missing waivers file")
	}
}

func TestParseWaiversCanonicalisesAliases(t *testing.T) {
	resolve := func(id string) (string, bool) {
		if id == "OLD-EC2-2" || id == "AWS-EC2-002" {
			return "AWS-EC2-002", true
		}
		return "", false
	}
	list, err := controls.ParseWaivers([]byte("waivers:\n  - check: OLD-EC2-2\n    resource: '*'\n    reason: Accepted until the bastion is gone.\n    approver: Sam Jones\n    expires: 2026-12-31\n"), "w.yaml", resolve)
	if err != nil {
		t.Fatal(err)
	}
	if list[0].Check != "AWS-EC2-002" {
		t.Errorf("check = %s, want the canonical AWS-EC2-002", list[0].Check)
	}
}

func TestParseWaiversRejects(t *testing.T) {
	const file = "site/waivers.yaml"
	w := func(extra string) string {
		return "waivers:\n  - check: AWS-EC2-002\n    resource: 'aws://*'\n    reason: Accepted until the bastion is gone.\n    approver: Sam Jones\n    expires: 2026-12-31\n" + extra
	}
	tests := []struct {
		name, body, want string
	}{
		{"malformed yaml", "waivers:\n  - check: [AWS-EC2-002\n", "line "},
		{"empty", "", "empty document"},
		{"missing approver", strings.Replace(w(""), "    approver: Sam Jones\n", "", 1), "approver"},
		{"missing expires", strings.Replace(w(""), "    expires: 2026-12-31\n", "", 1), "expires"},
		{"reason too short", strings.Replace(w(""), "Accepted until the bastion is gone.", "ok", 1), "reason"},
		{"date in wrong format", strings.Replace(w(""), "2026-12-31", "31/12/2026", 1), "line 6"},
		{"date that does not exist", strings.Replace(w(""), "2026-12-31", "2026-02-30", 1), `"2026-02-30" is not a date`},
		{"expires before approval", w("    approved_on: 2027-01-01\n"), "is before approved_on"},
		{"bad approved_on", w("    approved_on: 2026-00-01\n"), "approved_on"},
		{"unknown check", strings.Replace(w(""), "AWS-EC2-002", "AWS-NOPE-001", 1), "unknown check AWS-NOPE-001"},
		{"check not an ID", strings.Replace(w(""), "AWS-EC2-002", "all checks", 1), "check"},
		{"unknown key", w("    owner: me\n"), "owner"},
		{"duplicate id", "waivers:\n" + strings.Repeat("  - id: W-1\n    check: AWS-EC2-002\n    resource: '*'\n    reason: Accepted until the bastion is gone.\n    approver: Sam Jones\n    expires: 2026-12-31\n", 2), "duplicate waiver id W-1"},
		{"not a list", "waivers: all\n", "waivers"},
	}
	resolve := setResolver("AWS-EC2-002")
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := controls.ParseWaivers([]byte(tc.body), file, resolve)
			assertOneLine(t, err, file)
			if err != nil && !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not mention %q", err, tc.want)
			}
		})
	}
}

func TestGlob(t *testing.T) {
	tests := []struct {
		pattern, s string
		want       bool
	}{
		{"*", "", true},
		{"*", "aws://111111111111/eu-west-2/s3/bucket/research-raw", true},
		{"", "", true},
		{"", "x", false},
		{"aws://111111111111/*", "aws://111111111111/eu-west-2/s3/bucket/research-raw", true}, // * spans /
		{"aws://*/s3/bucket/research-*", "aws://111111111111/eu-west-2/s3/bucket/research-raw", true},
		{"aws://*/s3/bucket/research-*", "aws://111111111111/eu-west-2/s3/bucket/web-assets", false},
		{"aws://*/research-raw", "aws://111111111111/eu-west-2/s3/bucket/research-raw", true},
		{"aws://222222222222/*", "aws://111111111111/eu-west-2/s3/bucket/research-raw", false},
		{"*research*", "aws://1/s3/bucket/research-raw", true},
		{"*raw", "aws://1/s3/bucket/research-raw-copy", false},
		{"*a*b*c", "xxaxxbxxc", true},
		{"*a*b*c", "xxaxxcxxb", false},
		{"sg-????", "sg-0a1b", true},
		{"sg-????", "sg-0a1", false},
		{"sg-????", "sg-0a1bc", false},
		{"exact", "exact", true},
		{"exact", "exactly", false},
		{"**", "anything/at/all", true},
		{"a**", "a", true},
		{"[abc]", "a", false}, // brackets are literal
		{"[abc]", "[abc]", true},
		{`a\*`, `a\xyz`, true}, // backslash is literal too
	}
	for _, tc := range tests {
		if got := checks.Glob(tc.pattern, tc.s); got != tc.want {
			t.Errorf("Glob(%q, %q) = %v, want %v", tc.pattern, tc.s, got, tc.want)
		}
	}
}

func TestWaiverMatchesAndExpiry(t *testing.T) {
	list, err := controls.LoadWaivers("testdata/waivers/valid.yaml", nil)
	if err != nil {
		t.Fatal(err)
	}
	w := list[0]
	if !w.Matches("AWS-EC2-002", "aws://111111111111/eu-west-2/ec2/security-group/sg-analysis-01") {
		t.Error("waiver does not match its check and resource")
	}
	if w.Matches("AWS-EC2-001", "aws://111111111111/eu-west-2/ec2/security-group/sg-analysis-01") {
		t.Error("waiver matches another check")
	}
	if w.Matches("AWS-EC2-002", "aws://222222222222/eu-west-2/ec2/security-group/sg-analysis-01") {
		t.Error("waiver matches another account")
	}
	for _, tc := range []struct {
		at   string
		want bool
	}{{"2026-12-30", false}, {"2026-12-31", false}, {"2027-01-01", true}} {
		at := date(t, tc.at)
		if got := w.Expired(at); got != tc.want {
			t.Errorf("Expired(%s) = %v, want %v", tc.at, got, tc.want)
		}
	}
	// The expiry day counts to its last instant.
	if w.Expired(date(t, "2026-12-31").Add(23*3600e9 + 59*60e9)) {
		t.Error("waiver expired before the end of its expiry day")
	}
}

// waiverFramework: N is evidenced by AWS-EC2-002 alone.
const waiverFramework = `id: waiver-fw
title: Waiver framework
version: "1"
source: https://example.invalid/w
publisher: Test
licence: Test
vocabulary: sde
requirements:
  - id: N
    title: Network restricted
    checks: [AWS-EC2-002]
`

func TestWaiversInAssessment(t *testing.T) {
	cat := mustCatalogue(t, setResolver("AWS-EC2-002"), map[string]string{"w.yaml": waiverFramework})
	check := &checks.Check{ID: "AWS-EC2-002", Title: "No admin ports open to the world", Severity: checks.High, ResourceTypes: []string{"aws.ec2.security_group"}}
	const (
		sgA = "aws://111111111111/eu-west-2/ec2/security-group/sg-analysis-01"
		sgB = "aws://111111111111/eu-west-2/ec2/security-group/sg-web"
	)
	finding := func(id string, s checks.Status) checks.Finding {
		return checks.Finding{CheckID: "AWS-EC2-002", ResourceID: id, ResourceType: "aws.ec2.security_group", Status: s, Severity: checks.High}
	}
	facts := &checks.Facts{Runs: []checks.CollectorRun{{Collector: "aws", Scope: "111111111111", Status: checks.RunOK}}}
	waiver := func(resource, expires string) *controls.Waiver {
		body := "waivers:\n  - id: W-1\n    check: AWS-EC2-002\n    resource: '" + resource + "'\n    reason: Accepted until the bastion is gone.\n    approver: Sam Jones\n    expires: " + expires + "\n"
		list, err := controls.ParseWaivers([]byte(body), "waivers.yaml", nil)
		if err != nil {
			t.Fatal(err)
		}
		return list[0]
	}
	tests := []struct {
		name      string
		findings  []checks.Finding
		waiver    *controls.Waiver
		asOf      string
		req       string // requirement status
		check     string // check status
		wStatus   string // waiver status
		applied   int
		daysLeft  int
		expiring  bool
		waivedW   int // risk waived weight
		failedW   int
		findingWv bool // the first finding carries the waiver
	}{
		{"active waiver covers the only failure", []checks.Finding{finding(sgA, checks.Fail), finding(sgB, checks.Pass)},
			waiver("aws://111111111111/*/sg-analysis*", "2026-12-31"), "2026-11-20",
			controls.Waived, controls.CheckWaived, "active", 1, 41, false, 5, 0, true},
		{"expired waiver is not applied", []checks.Finding{finding(sgA, checks.Fail), finding(sgB, checks.Pass)},
			waiver("aws://111111111111/*/sg-analysis*", "2026-11-19"), "2026-11-20",
			controls.NotMet, controls.CheckFail, "expired", 0, -1, false, 0, 5, false},
		{"waiver on its last day still applies, and is expiring", []checks.Finding{finding(sgA, checks.Fail)},
			waiver("*", "2026-11-20"), "2026-11-20",
			controls.Waived, controls.CheckWaived, "active", 1, 0, true, 5, 0, true},
		{"waiver for another resource leaves the failure", []checks.Finding{finding(sgA, checks.Fail), finding(sgB, checks.Fail)},
			waiver("*/sg-web", "2027-06-30"), "2026-11-20",
			controls.NotMet, controls.CheckFail, "active", 1, 222, false, 5, 5, false},
		{"waiver with nothing to cover is unused", []checks.Finding{finding(sgA, checks.Pass)},
			waiver("*", "2027-06-30"), "2026-11-20",
			controls.Met, controls.CheckPass, "unused", 0, 222, false, 0, 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := controls.Assess(controls.Input{Covering: testCovering,
				Facts: facts, Findings: tc.findings, Checks: []*checks.Check{check}, Catalogue: cat,
				Waivers: []*controls.Waiver{tc.waiver}, AsOf: date(t, tc.asOf),
			})
			if r := requirement(t, a, "waiver-fw", "N"); r.Status != tc.req {
				t.Errorf("requirement: %s, want %s (reasons %q)", r.Status, tc.req, r.Reasons)
			}
			if a.Checks[0].Status != tc.check {
				t.Errorf("check: %s, want %s", a.Checks[0].Status, tc.check)
			}
			if len(a.Waivers) != 1 {
				t.Fatalf("%d waivers reported, want 1 (every waiver appears)", len(a.Waivers))
			}
			w := a.Waivers[0]
			if w.Status != tc.wStatus || w.Applied != tc.applied || w.DaysLeft != tc.daysLeft || w.Expiring != tc.expiring {
				t.Errorf("waiver: status %s applied %d days_left %d expiring %v, want %s %d %d %v",
					w.Status, w.Applied, w.DaysLeft, w.Expiring, tc.wStatus, tc.applied, tc.daysLeft, tc.expiring)
			}
			if a.Risk.WaivedWeight != tc.waivedW || a.Risk.FailedWeight != tc.failedW {
				t.Errorf("risk: waived %d failed %d, want %d %d", a.Risk.WaivedWeight, a.Risk.FailedWeight, tc.waivedW, tc.failedW)
			}
			if got := a.Findings[0].Waiver != nil; got != tc.findingWv {
				t.Errorf("first finding waived = %v, want %v", got, tc.findingWv)
			}
		})
	}
}
