package controls

import (
	"strings"
	"testing"

	"github.com/sdescan/sdescan/checks"
)

// TestMultiSourceCheckScope: a check judging AWS and Azure stores is assessed
// over the sources the scan read. A source the scan did not read at all is
// outside its scope, not a hole; a source it read that does not cover the
// type, or that failed, is a hole; a check none of whose sources was read is
// not assessed.
func TestMultiSourceCheckScope(t *testing.T) {
	backup := &checks.Check{ID: "BKP-001", ResourceTypes: []string{"aws.s3.bucket", "azure.storage.account"}}
	azureOnly := &checks.Check{ID: "AZ-ST-001", ResourceTypes: []string{"azure.storage.account"}}
	awsRun := checks.CollectorRun{Collector: "aws", Scope: "111111111111", Status: checks.RunOK, Covers: []string{"aws.s3.bucket"}}
	azureRun := func(covers ...string) checks.CollectorRun {
		return checks.CollectorRun{Collector: "azure", Scope: "sub", Status: checks.RunOK, Covers: covers}
	}
	passing := tally{"BKP-001": {pass: 2}}
	covering := func(r checks.CollectorRun) []string { return r.Covers }
	for _, tc := range []struct {
		name    string
		runs    []checks.CollectorRun
		counts  tally
		want    map[string]string
		reasons string // a substring of BKP-001's reasons; "" for none
	}{
		{"an AWS-only scan: Azure is outside the scope", []checks.CollectorRun{awsRun}, passing,
			map[string]string{"BKP-001": CheckPass, "AZ-ST-001": CheckNotAssessed}, ""},
		{"Azure read without the type: a hole", []checks.CollectorRun{awsRun, azureRun("azure.network.nsg")}, passing,
			map[string]string{"BKP-001": CheckPartial, "AZ-ST-001": CheckNotAssessed}, "no collector in this scan reads azure.storage.account"},
		{"Azure read with the type failing: a hole", []checks.CollectorRun{awsRun, {Collector: "azure", Scope: "sub", Status: checks.RunFailed, Covers: []string{"azure.storage.account"}}}, passing,
			map[string]string{"BKP-001": CheckPartial, "AZ-ST-001": CheckNotAssessed}, "collection failed (azure sub)"},
		{"no source of the check read", []checks.CollectorRun{{Collector: "github", Scope: "org", Status: checks.RunOK, Covers: []string{"github.repo"}}}, tally{},
			map[string]string{"BKP-001": CheckNotAssessed, "AZ-ST-001": CheckNotAssessed}, "no collector in this scan reads aws.s3.bucket"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := rollChecks([]*checks.Check{backup, azureOnly}, tc.counts, &checks.Facts{Runs: tc.runs}, covering)
			for _, c := range got {
				if c.Status != tc.want[c.ID] {
					t.Errorf("%s: %s (%v), want %s", c.ID, c.Status, c.Reasons, tc.want[c.ID])
				}
				if c.ID == "BKP-001" {
					joined := strings.Join(c.Reasons, "; ")
					if (tc.reasons == "") != (len(c.Reasons) == 0) || !strings.Contains(joined, tc.reasons) {
						t.Errorf("BKP-001 reasons %q, want %q", joined, tc.reasons)
					}
				}
			}
		})
	}
}
