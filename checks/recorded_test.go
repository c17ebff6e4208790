package checks

import (
	"testing"
)

// TestRecordedFindings: the evaluator turns recorded failures back into findings,
// with the cited checks' metadata; a malformed record is an error finding, never
// dropped (controls/runner resolves IDs among them).
func TestRecordedFindings(t *testing.T) {
	rec := func(id string, attrs map[string]any) Resource {
		return Resource{ID: id, Type: TypeRecordedResult, Source: "iac", Attributes: attrs}
	}
	facts := &Facts{Resources: []Resource{
		rec("trivy:AWS-0090@iac:a.tf#b", map[string]any{"check_id": "AWS-0090", "resource_id": "iac:a.tf#b", "resource_type": "iac.terraform.resource",
			"severity": "medium", "messages": []any{"z", "a"}, "title": "Versioning", "aliases": []any{"AVD-AWS-0090"}}),
		rec("trivy:AWS-0090@iac:c.yaml#d", map[string]any{"check_id": "AWS-0090", "resource_id": "iac:c.yaml#d", "resource_type": "iac.cloudformation.resource",
			"severity": "medium", "messages": []any{"m"}}),
		rec("trivy:broken", map[string]any{"resource_id": "iac:x", "severity": "high", "messages": []any{}}),
	}}
	got, list := RecordedFindings(facts)
	want := []struct {
		check, res string
		status     Status
	}{{"AWS-0090", "iac:a.tf#b", Fail}, {"AWS-0090", "iac:c.yaml#d", Fail}, {"RECORDED", "trivy:broken", Error}}
	if len(got) != len(want) {
		t.Fatalf("got %d findings, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		if got[i].CheckID != w.check || got[i].ResourceID != w.res || got[i].Status != w.status {
			t.Errorf("finding %d: %+v, want %+v", i, got[i], w)
		}
	}
	if m := got[0].Messages; len(m) != 2 || m[0] != "a" {
		t.Errorf("messages not sorted: %v", m)
	}
	if len(list) != 1 || list[0].Title != "Versioning" || len(list[0].ResourceTypes) != 2 {
		t.Errorf("checks: %+v", list)
	}
}
