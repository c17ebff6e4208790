package engine

import (
	"context"
	"testing"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/collectors"
)

// TestChecksForRecorded: the engine adds the failures recorded in the facts
// (checks.RecordedFindings) to its own findings, and their checks to ChecksFor.
func TestChecksForRecorded(t *testing.T) {
	facts := &checks.Facts{}
	for _, res := range []string{"iac:a.tf#b", "iac:c.yaml#d"} {
		facts.Resources = append(facts.Resources, checks.Resource{ID: "trivy:AWS-0090@" + res, Type: checks.TypeRecordedResult, Source: "iac",
			Attributes: map[string]any{"check_id": "AWS-0090", "resource_id": res, "severity": "medium"}})
	}
	// A malformed record: an error finding, with no check of its own.
	facts.Resources = append(facts.Resources, checks.Resource{ID: "trivy:broken", Type: checks.TypeRecordedResult, Source: "iac",
		Attributes: map[string]any{"severity": "high"}})
	e, err := New(collectors.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	fs, err := e.Evaluate(context.Background(), facts, Params{})
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 3 {
		t.Errorf("Evaluate: %d findings, want the 3 recorded", len(fs))
	}
	if n := len(e.ChecksFor(facts)) - len(e.Checks()); n != 1 {
		t.Errorf("ChecksFor adds %d checks, want 1", n)
	}
}
