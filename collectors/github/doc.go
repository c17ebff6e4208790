// Package github collects code-openness facts about source repositories: local git
// work trees (read with go-git, never modified) and repositories on GitHub or
// GitHub Enterprise (read with go-github through a caching, rate-limit-aware
// transport). It emits checks.Facts with resources of type git.repo (local),
// github.repo and github.org; the OPEN-… Rego checks in policy/ judge them, and
// package rap rolls their findings up into RAP (reproducible analytical pipeline)
// levels: the collector records no level.
//
// Attribute names are stable snake_case and documented in docs/openness.md.
// Nothing a repository contains is ever stored verbatim when it could be a secret:
// committed-secret findings keep the rule, file and commit only, and every string
// taken from a repository passes through evidence.Redact.
package github

// Resource types and collector names.
const (
	TypeLocalRepo  = "git.repo"
	TypeGitHubRepo = "github.repo"
	TypeGitHubOrg  = "github.org"

	SourceGit    = "git"
	SourceGitHub = "github"
)
