package github

import "github.com/sdescan/sdescan/collectors"

// GitCollector is the local git collector's registration (collectors.Registry).
// Its facts are judged by the OPEN- checks of collectors/github/policy, which are
// registered with GitHubCollector.
func GitCollector() collectors.Collector {
	return collectors.Collector{Name: SourceGit, Covers: []string{TypeLocalRepo}, ResourceTypes: []string{TypeLocalRepo}}
}

// GitHubCollector is the GitHub API collector's registration, with the OPEN-
// checks (collectors/github/policy).
func GitHubCollector() collectors.Collector {
	return collectors.Collector{Name: SourceGitHub, Covers: []string{TypeGitHubRepo, TypeGitHubOrg}, ResourceTypes: []string{TypeGitHubRepo, TypeGitHubOrg},
		PolicyDir: "github/policy", Policies: collectors.ShippedPolicies("github/policy")}
}
