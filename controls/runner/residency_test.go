package runner

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

// TestRecordDataResidency: a pack records the allowed regions the checks saw
// (the UK by default, lower-cased and sorted), and reads them back; a pack
// recorded before they existed is verified with the default.
func TestRecordDataResidency(t *testing.T) {
	asOf := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	if r := (Params{AsOf: asOf}).Record(); !reflect.DeepEqual(r.DataResidencyAllowedRegions, []string{"eu-west-2", "uksouth", "ukwest"}) {
		t.Errorf("default recorded as %v", r.DataResidencyAllowedRegions)
	}
	p := Params{AsOf: asOf, DataResidencyAllowedRegions: []string{"UKSouth", "eu-west-2", "eu-west-2"}}
	got, err := p.Record().Params()
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"eu-west-2", "uksouth"}; !reflect.DeepEqual(got.DataResidencyAllowedRegions, want) ||
		!reflect.DeepEqual(got.Checks().AllowedRegionsOrDefault(), want) {
		t.Errorf("round trip %v", got.DataResidencyAllowedRegions)
	}
	var old Record
	if err := json.Unmarshal([]byte(`{"as_of":"2026-12-01T10:00:00Z"}`), &old); err != nil {
		t.Fatal(err)
	}
	back, err := old.Params()
	if err != nil {
		t.Fatal(err)
	}
	if got := back.Checks().AllowedRegionsOrDefault(); !reflect.DeepEqual(got, []string{"eu-west-2", "uksouth", "ukwest"}) {
		t.Errorf("an old pack's regions %v, want the default", got)
	}
}
