package cli

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/sdescan/sdescan/checks/engine"
)

// TestConfigDataResidency: data_residency.allowed_regions is read as a list of
// region names; left out, the checks see the UK regions; an empty list, a name
// that is not a region and an unknown key are refused.
func TestConfigDataResidency(t *testing.T) {
	dir := t.TempDir()
	load := func(body string) (*Config, error) {
		t.Helper()
		file := filepath.Join(dir, "sdescan.yaml")
		if err := os.WriteFile(file, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return loadConfig(file)
	}
	c, err := load("data_residency:\n  allowed_regions: [eu-west-2, UKSouth, us-gov-west-1]\n")
	if err != nil {
		t.Fatal(err)
	}
	got := engine.Params{DataResidencyAllowedRegions: c.DataResidency.AllowedRegions}.AllowedRegionsOrDefault()
	if want := []string{"eu-west-2", "uksouth", "us-gov-west-1"}; !reflect.DeepEqual(got, want) {
		t.Errorf("allowed regions %v, want %v", got, want)
	}
	c, err = load("fail_on: high\n")
	if err != nil {
		t.Fatal(err)
	}
	if got := (engine.Params{DataResidencyAllowedRegions: c.DataResidency.AllowedRegions}).AllowedRegionsOrDefault(); !reflect.DeepEqual(got, []string{"eu-west-2", "uksouth", "ukwest"}) {
		t.Errorf("default allowed regions %v", got)
	}
	for body, want := range map[string]string{
		"data_residency:\n  allowed_regions: []\n":                  "is empty",
		"data_residency:\n  allowed_regions: [\"eu west 2\"]\n":     "not a region name",
		"data_residency:\n  allowed_regions: [\"\"]\n":              "not a region name",
		"data_residency:\n  allowed_regions: eu-west-2\n":           "",
		"data_residency:\n  allowed_region: [eu-west-2]\n":          "allowed_region",
		"data_residency:\n  allowed_regions: [eu-west-2, {a: b}]\n": "",
	} {
		_, err := load(body)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want one containing %q", body, err, want)
		}
	}
}
