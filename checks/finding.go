package checks

import (
	"slices"
	"strings"
)

// Status of one (check, resource) pair.
type Status string

// Finding statuses.
const (
	Pass          Status = "pass"
	Fail          Status = "fail"
	Error         Status = "error"
	NotApplicable Status = "not_applicable"
)

// Finding is the result of one check over one resource.
type Finding struct {
	CheckID        string   `json:"check_id"`
	ResourceID     string   `json:"resource_id"`
	ResourceType   string   `json:"resource_type"`
	Status         Status   `json:"status"`
	Severity       Severity `json:"severity"`
	Messages       []string `json:"messages"`
	Classification string   `json:"classification,omitempty"`
}

// CompareFindings orders findings by check ID, then resource ID: the order
// the engine returns them in.
func CompareFindings(a, b Finding) int {
	if c := strings.Compare(a.CheckID, b.CheckID); c != 0 {
		return c
	}
	return strings.Compare(a.ResourceID, b.ResourceID)
}

// FindingsSorted reports whether findings are in the order the engine returns
// them (CompareFindings).
func FindingsSorted(list []Finding) bool {
	return slices.IsSortedFunc(list, CompareFindings)
}
