package github

import "github.com/sdescan/sdescan/checks"

// GitCollector is the local git collector's registration (checks.Registry).
// Its facts are judged by the OPEN- checks of checks/github/policy, which are
// registered with GitHubCollector.
func GitCollector() checks.Collector {
	return checks.Collector{Name: SourceGit, Covers: []string{TypeLocalRepo}, ResourceTypes: []string{TypeLocalRepo}}
}

// GitHubCollector is the GitHub API collector's registration, with the OPEN-
// checks (checks/github/policy).
func GitHubCollector() checks.Collector {
	return checks.Collector{Name: SourceGitHub, Covers: []string{TypeGitHubRepo, TypeGitHubOrg}, ResourceTypes: []string{TypeGitHubRepo, TypeGitHubOrg},
		PolicyDir: "github/policy", Policies: checks.ShippedPolicies("github/policy")}
}
