package checks

import (
	"fmt"
	"io/fs"
	"os"
	"strings"
)

// Severity of a check; its weight feeds the risk score.
type Severity string

// Severities, most serious first.
const (
	Critical Severity = "critical"
	High     Severity = "high"
	Medium   Severity = "medium"
	Low      Severity = "low"
)

// Severities lists the known severities, most serious first.
var Severities = []Severity{Critical, High, Medium, Low}

// ParseSeverity accepts a severity name in any case.
func ParseSeverity(s string) (Severity, error) {
	v := Severity(strings.ToLower(strings.TrimSpace(s)))
	if v.Rank() == 0 {
		return "", fmt.Errorf("unknown severity %q (want critical, high, medium or low)", s)
	}
	return v, nil
}

// Weight is the severity's weight in the risk score: critical 10, high 5, medium 2, low 1.
func (s Severity) Weight() int {
	switch s {
	case Critical:
		return 10
	case High:
		return 5
	case Medium:
		return 2
	case Low:
		return 1
	}
	return 0
}

// Rank orders severities: critical 4 … low 1, unknown 0.
func (s Severity) Rank() int {
	switch s {
	case Critical:
		return 4
	case High:
		return 3
	case Medium:
		return 2
	case Low:
		return 1
	}
	return 0
}

// Check is one Rego check and the metadata from its METADATA annotation.
type Check struct {
	ID            string   `json:"id"`
	Title         string   `json:"title"`
	Description   string   `json:"description,omitempty"`
	Severity      Severity `json:"severity"`
	ResourceTypes []string `json:"resource_types"`
	Remediation   string   `json:"remediation,omitempty"`
	Aliases       []string `json:"aliases,omitempty"`
	// Requires lists attribute paths (dotted, under attributes) the check needs;
	// a resource lacking one gets an error finding without evaluating the check.
	Requires []string `json:"requires,omitempty"`
	// File is the policy file the check came from, as named in its source.
	File string `json:"file"`
	// Package is the Rego package path, e.g. data.sdescan.checks.aws.s3_encryption.
	Package string `json:"package"`
}

// PolicySource is a tree of .rego files: the embedded catalogue or a --policy DIR.
type PolicySource struct {
	Name string // shown in messages, e.g. "builtin" or the directory
	FS   fs.FS
}

// DirSource is a PolicySource for a directory on disk.
func DirSource(dir string) PolicySource {
	return PolicySource{Name: dir, FS: os.DirFS(dir)}
}
