package checks

import "testing"

func TestClassification(t *testing.T) {
	tests := []struct {
		tags map[string]string
		tag  string
		want string
	}{
		{map[string]string{"data-classification": "Pseudonymised"}, "", "pseudonymised"},
		{map[string]string{"Data-Classification": "pseudonymized"}, "", "pseudonymised"},
		{map[string]string{"DataClassification": "PII"}, "", "identifiable"},
		{map[string]string{"data_classification": " Patient Identifiable "}, "", "identifiable"},
		{map[string]string{"data-classification": "anonymized"}, "", "anonymised"},
		{map[string]string{"data-classification": "de-identified"}, "", "pseudonymised"},
		{map[string]string{"data-classification": "Secret-Sauce"}, "", "secret-sauce"},
		{map[string]string{"classification": "public"}, "", ""},
		{map[string]string{"sensitivity": "Open"}, "sensitivity", "public"},
		// Several spellings: the exact key wins, then the first key in order.
		{map[string]string{"data-classification": "public", "Data-Classification": "identifiable"}, "", "public"},
		{map[string]string{"Data_Classification": "public", "DATA-CLASSIFICATION": "identifiable"}, "", "identifiable"},
		{nil, "", ""},
	}
	for _, tt := range tests {
		if got := Classification(&Resource{Tags: tt.tags}, tt.tag); got != tt.want {
			t.Errorf("Classification(%v, %q) = %q, want %q", tt.tags, tt.tag, got, tt.want)
		}
	}
}

func TestRPOHours(t *testing.T) {
	tests := []struct {
		value     string
		key       string
		hours     float64
		ok, valid bool
	}{
		{"24", "backup-rpo-hours", 24, true, true},
		{"12h", "Backup-RPO-Hours", 12, true, true},
		{"1.5", "backup_rpo_hours", 1.5, true, true},
		{"1d", "backup-rpo-hours", 24, true, true},
		{"2 days", "backup-rpo-hours", 48, true, true},
		{"PT6H", "backup-rpo-hours", 6, true, true},
		{"P1D", "backup-rpo-hours", 24, true, true},
		{"daily", "backup-rpo-hours", 0, true, false},
		{"0", "backup-rpo-hours", 0, true, false},
		{"-4", "backup-rpo-hours", 0, true, false},
		{"24", "rpo", 0, false, false},
	}
	for _, tt := range tests {
		h, ok, valid := RPOHours(&Resource{Tags: map[string]string{tt.key: tt.value}})
		if h != tt.hours || ok != tt.ok || valid != tt.valid {
			t.Errorf("%s=%q: %v %v %v, want %v %v %v", tt.key, tt.value, h, ok, valid, tt.hours, tt.ok, tt.valid)
		}
	}
}
