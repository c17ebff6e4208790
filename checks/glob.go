package checks

import "strings"

// Glob matches s against a pattern where * stands for any run of characters
// (slashes included) and ? for exactly one; everything else is literal.
func Glob(pattern, s string) bool {
	// Iterative wildcard matching with single-star backtracking: linear-ish, no recursion.
	p, i := 0, 0
	star, mark := -1, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, i
			p++
		case p < len(pattern) && (pattern[p] == '?' || pattern[p] == s[i]):
			p++
			i++
		case star >= 0:
			p = star + 1
			mark++
			i = mark
		default:
			return false
		}
	}
	return strings.Trim(pattern[p:], "*") == ""
}

// CoversType reports whether a resource type matches one of a run's covers
// (CollectorRun.Covers, glob patterns).
func CoversType(covers []string, typ string) bool {
	for _, p := range covers {
		if Glob(p, typ) {
			return true
		}
	}
	return false
}
