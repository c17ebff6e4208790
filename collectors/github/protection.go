package github

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"

	gh "github.com/google/go-github/v60/github"
)

// Default-branch protection is read from two answers, both readable with read
// access to the repository and both sent with an ETag (so a re-run costs 304s):
//
//   - GET /repos/{owner}/{repo}/branches/{branch}: `protected` (true when classic
//     branch protection or a ruleset protects the branch) and the `protection`
//     summary of classic protection (`enabled`, `required_status_checks`);
//   - GET /repos/{owner}/{repo}/rules/branches/{branch}: every ruleset rule that
//     applies to the branch, with its parameters (required reviews, status checks).
//     It is asked only when the branch is protected (to tell by what) or when the
//     branch could not be read.
//
// The classic endpoint GET …/branches/{branch}/protection is not called: it needs
// admin access (403/404 otherwise, answers without an ETag that every run would
// repeat), and its only extra facts (the classic required-review count, admin
// enforcement, push restrictions) are read by no check.

// branchInfo is the part of the branch answer sdescan reads (go-github's Branch
// has no protection summary).
type branchInfo struct {
	Name       string            `json:"name"`
	Protected  *bool             `json:"protected"`
	Protection *branchProtection `json:"protection"`
}

type branchProtection struct {
	Enabled              *bool `json:"enabled"`
	RequiredStatusChecks *struct {
		EnforcementLevel string   `json:"enforcement_level"`
		Contexts         []string `json:"contexts"`
	} `json:"required_status_checks"`
}

// protectingRules are ruleset rule types that protect a branch from unreviewed or
// destructive changes.
var protectingRules = map[string]bool{
	"pull_request": true, "required_status_checks": true, "non_fast_forward": true,
	"deletion": true, "update": true, "required_linear_history": true, "required_signatures": true,
}

const (
	apiBranch = "GET /repos/{owner}/{repo}/branches/{branch}"
	apiRules  = "GET /repos/{owner}/{repo}/rules/branches/{branch}"
)

func (c *collector) getBranch(ctx context.Context, owner, name, branch string) (*branchInfo, error) {
	u := fmt.Sprintf("repos/%s/%s/branches/%s", url.PathEscape(owner), url.PathEscape(name), url.PathEscape(branch))
	req, err := c.client.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	var b branchInfo
	if _, err := c.client.Do(ctx, req, &b); err != nil {
		return nil, err
	}
	return &b, nil
}

func (c *collector) branchProtection(ctx context.Context, owner, name, full, branch string, a map[string]any) {
	b, berr := c.getBranch(ctx, owner, name, branch)
	var rules []*gh.RepositoryRule
	var rerr error
	if berr != nil || b.Protected == nil || *b.Protected {
		rules, _, rerr = c.client.Repositories.GetRulesForBranch(ctx, owner, name, branch)
	}
	facts, api, msg := protectionFacts(b, berr, rules, rerr)
	for k, v := range facts {
		a[k] = v
	}
	if msg != "" {
		c.fail(TypeGitHubRepo, api, full, "default_branch_protected", msg)
	}
}

// protectionFacts decides the protection attributes from the branch answer and
// the rules answer (rules and rerr both nil: not asked, because the branch is not
// protected). When the answers do not decide it, facts is empty and msg says why
// (a CollectError: the branch is not assessed, never passed or failed).
func protectionFacts(b *branchInfo, berr error, rules []*gh.RepositoryRule, rerr error) (facts map[string]any, api, msg string) {
	facts = map[string]any{}
	if berr == nil && b != nil && b.Protected != nil && !*b.Protected {
		// GitHub's flag covers classic protection and rulesets alike.
		facts["default_branch_protected"] = false
		facts["branch_protection_source"] = "none"
		return facts, "", ""
	}
	classicKnown := berr == nil && b != nil && b.Protection != nil && b.Protection.Enabled != nil
	classic := classicKnown && *b.Protection.Enabled
	var types, checks []string
	reviews := -1
	seenCheck := map[string]bool{}
	addCheck := func(s string) {
		if s != "" && !seenCheck[s] {
			seenCheck[s] = true
			checks = append(checks, s)
		}
	}
	if rerr == nil {
		for _, r := range rules {
			if r == nil || !protectingRules[r.Type] {
				continue
			}
			types = append(types, r.Type)
			if r.Parameters == nil {
				continue
			}
			switch r.Type {
			case "pull_request":
				var p gh.PullRequestRuleParameters
				if json.Unmarshal(*r.Parameters, &p) == nil && p.RequiredApprovingReviewCount > reviews {
					reviews = p.RequiredApprovingReviewCount
				}
			case "required_status_checks":
				var p gh.RequiredStatusChecksRuleParameters
				if json.Unmarshal(*r.Parameters, &p) == nil {
					for _, s := range p.RequiredStatusChecks {
						addCheck(s.Context)
					}
				}
			}
		}
		sort.Strings(types)
		types = dedupe(types)
	}
	ruleset := rerr == nil && len(types) > 0
	if classic || ruleset {
		facts["default_branch_protected"] = true
		switch {
		case classic && ruleset:
			facts["branch_protection_source"] = "classic+ruleset"
		case classic:
			facts["branch_protection_source"] = "classic"
		default:
			facts["branch_protection_source"] = "ruleset"
		}
		if rerr == nil {
			facts["branch_rules"] = nonNil(types)
		}
		if reviews >= 0 {
			facts["required_approving_reviews"] = reviews
		}
		if classic && b.Protection.RequiredStatusChecks != nil && b.Protection.RequiredStatusChecks.EnforcementLevel != "off" {
			for _, s := range b.Protection.RequiredStatusChecks.Contexts {
				addCheck(s)
			}
		}
		if rerr == nil {
			// Listed only when every source that could add one was read.
			sort.Strings(checks)
			facts["required_status_checks"] = redList(nonNil(checks))
		}
		return facts, "", ""
	}
	switch {
	case berr == nil && rerr == nil && (b.Protected != nil || classicKnown):
		// Both read: neither classic protection nor a protecting ruleset rule (a
		// ruleset with other rules only, such as commit message patterns, makes
		// GitHub call the branch protected but guards nothing).
		facts["default_branch_protected"] = false
		facts["branch_protection_source"] = "none"
		facts["branch_rules"] = []string{}
		return facts, "", ""
	case berr == nil && rerr == nil:
		return map[string]any{}, apiBranch, "the branch answer has no protected flag nor protection summary"
	case berr == nil:
		return map[string]any{}, apiRules, "the branch is protected but not by classic protection, and the rulesets that apply to it could not be read: " + accessHint(rerr)
	case rerr == nil:
		return map[string]any{}, apiBranch, "no ruleset protects the branch, and the branch itself (classic protection) could not be read: " + accessHint(berr)
	default:
		return map[string]any{}, apiBranch, "neither the branch (" + accessHint(berr) + ") nor its rulesets (" + accessHint(rerr) + ") could be read"
	}
}

// accessHint is apiError plus what a 403/404 usually means here.
func accessHint(err error) string {
	msg := apiError(err)
	if s := status(err); s == http.StatusForbidden || s == http.StatusNotFound {
		msg += " (read access to the repository is needed)"
	}
	return msg
}

func dedupe(sorted []string) []string {
	var out []string
	for i, s := range sorted {
		if i == 0 || s != sorted[i-1] {
			out = append(out, s)
		}
	}
	return out
}
