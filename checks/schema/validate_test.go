package schema

import (
	"strings"
	"testing"
)

func TestValidateFacts(t *testing.T) {
	ok := `{"tool": {"name": "sdescan", "version": "test"}, "collected_at": "2026-11-20T09:00:00Z", "runs": [], "resources": []}`
	if err := ValidateFacts([]byte(ok)); err != nil {
		t.Errorf("minimal facts: %v", err)
	}
	for name, bad := range map[string]string{
		"no tool":       `{"collected_at": "2026-11-20T09:00:00Z", "runs": [], "resources": []}`,
		"not JSON":      `{"tool":`,
		"unknown field": strings.Replace(ok, `"runs"`, `"extra": 1, "runs"`, 1),
	} {
		if err := ValidateFacts([]byte(bad)); err == nil {
			t.Errorf("%s: valid", name)
		}
	}
}
