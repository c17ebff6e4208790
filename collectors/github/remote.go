package github

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	gh "github.com/google/go-github/v60/github"

	"github.com/sdescan/sdescan/checks"
)

// GitHubOptions say what to read from GitHub and how.
type GitHubOptions struct {
	Orgs  []string // every repository of each organisation
	Repos []string // owner/name
	// BaseURL is a GitHub Enterprise Server URL (https://ghe.example.org); empty
	// means github.com.
	BaseURL string
	// Token is optional: without one only public repositories are visible, and
	// settings that need admin access are reported as not assessed.
	Token string
	// Transport is the collector's HTTP layer; nil builds one (default cache off).
	Transport *Transport
	// PublicationExceptions are owner/name of private or internal repositories a
	// valid publication-exceptions attestation names (matched case-insensitively).
	PublicationExceptions []string
	// MaxCallsPerRepo bounds the API calls spent on one repository (default 10);
	// file contents that would exceed it are left unread (their facts unknown).
	MaxCallsPerRepo int
	Now             func() time.Time
}

// CollectGitHub reads the organisations and repositories and returns github.org
// and github.repo resources with one collector run. Whatever the token may not
// read is a CollectError and an absent attribute, never a value.
func CollectGitHub(ctx context.Context, opts GitHubOptions) ([]checks.Resource, checks.CollectorRun, Stats) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.MaxCallsPerRepo <= 0 {
		opts.MaxCallsPerRepo = 10
	}
	tr := opts.Transport
	if tr == nil {
		tr = &Transport{}
	}
	tr.Token = opts.Token
	tr.Origin = ""
	c := &collector{opts: opts, tr: tr, host: "github.com"}
	c.run = checks.CollectorRun{Collector: SourceGitHub, Scope: c.host, Started: opts.Now().UTC(), Covers: []string{TypeGitHubRepo, TypeGitHubOrg}}
	// The token goes only to the configured API, and never in clear beyond loopback:
	// checked before any request.
	origin, err := APIOrigin(opts.BaseURL, opts.Token != "")
	if err != nil {
		c.fail("", "", "", "", err.Error())
		return c.finish()
	}
	tr.Origin = origin
	client := gh.NewClient(&http.Client{Transport: tr})
	if opts.BaseURL != "" {
		var err error
		client, err = client.WithEnterpriseURLs(opts.BaseURL, opts.BaseURL)
		if err != nil {
			c.fail("", "", "", "", fmt.Sprintf("--github-url %s: %v", StripUserinfo(opts.BaseURL), err))
			return c.finish()
		}
		if u, err := url.Parse(opts.BaseURL); err == nil && u.Host != "" {
			c.host = u.Host
		}
		c.run.Scope = c.host
	}
	c.client = client
	c.exceptions = map[string]bool{}
	for _, r := range opts.PublicationExceptions {
		c.exceptions[strings.ToLower(strings.TrimSpace(r))] = true
	}
	for _, org := range opts.Orgs {
		if ctx.Err() != nil {
			break
		}
		c.collectOrg(ctx, org)
	}
	for _, full := range opts.Repos {
		if ctx.Err() != nil {
			break
		}
		owner, name, ok := strings.Cut(full, "/")
		if !ok || owner == "" || name == "" || strings.Contains(name, "/") {
			c.fail(TypeGitHubRepo, "", full, "", "want OWNER/NAME")
			continue
		}
		if c.seen[strings.ToLower(full)] {
			continue
		}
		repo, _, err := client.Repositories.Get(ctx, owner, name)
		if err != nil {
			c.fail(TypeGitHubRepo, "GET /repos/{owner}/{repo}", full, "", apiError(err))
			continue
		}
		c.collectRepo(ctx, repo)
	}
	if err := ctx.Err(); err != nil {
		c.fail("", "", "", "", err.Error())
	}
	return c.finish()
}

type collector struct {
	opts       GitHubOptions
	tr         *Transport
	client     *gh.Client
	host       string
	run        checks.CollectorRun
	resources  []checks.Resource
	exceptions map[string]bool
	seen       map[string]bool
}

func (c *collector) finish() ([]checks.Resource, checks.CollectorRun, Stats) {
	st := c.tr.Stats()
	c.run.Ended = c.opts.Now().UTC()
	c.run.APICalls = st.Routes
	c.run.Status = checks.RunOK
	if len(c.run.Errors) > 0 {
		c.run.Status = checks.RunPartial
		if len(c.resources) == 0 {
			c.run.Status = checks.RunFailed
		}
	}
	sort.Slice(c.resources, func(i, j int) bool { return c.resources[i].ID < c.resources[j].ID })
	return c.resources, c.run, st
}

// fail records a CollectError. typ names the resource type the failure hid; an
// error about one attribute is typed "<type>:<attribute>" so it hides no whole
// type: the check reading that attribute reports the repository as not assessed
// (its fact is missing), the other checks still judge it. attr may list several
// attributes, comma-separated, when one answer hid them all.
func (c *collector) fail(typ, api, resource, attr, msg string) {
	e := checks.CollectError{Collector: SourceGitHub, Service: c.host, API: api, Resource: red(resource), Message: red(msg)}
	switch {
	case typ != "" && attr != "":
		for _, at := range strings.Split(attr, ",") {
			e.ResourceTypes = append(e.ResourceTypes, typ+":"+at)
		}
	case typ != "":
		e.ResourceTypes = []string{typ}
	}
	c.run.Errors = append(c.run.Errors, e)
}

// apiError is a one-line description of a GitHub API error, without headers or
// request bodies (the token is never in either, but the message stays short).
func apiError(err error) string {
	var er *gh.ErrorResponse
	var rl *gh.RateLimitError
	var ab *gh.AbuseRateLimitError
	switch {
	case errors.As(err, &rl):
		return fmt.Sprintf("rate limit exceeded (resets %s)", rl.Rate.Reset.Time.UTC().Format(time.RFC3339))
	case errors.As(err, &ab):
		return "secondary rate limit: " + ab.Message
	case errors.As(err, &er) && er.Response != nil:
		return fmt.Sprintf("%d %s", er.Response.StatusCode, strings.TrimSpace(er.Message))
	}
	return red(err.Error())
}

func status(err error) int {
	var er *gh.ErrorResponse
	if errors.As(err, &er) && er.Response != nil {
		return er.Response.StatusCode
	}
	var rl *gh.RateLimitError
	if errors.As(err, &rl) && rl.Response != nil {
		return rl.Response.StatusCode
	}
	return 0
}

func (c *collector) collectOrg(ctx context.Context, org string) {
	if c.seen == nil {
		c.seen = map[string]bool{}
	}
	o, _, err := c.client.Organizations.Get(ctx, org)
	if err != nil {
		c.fail(TypeGitHubOrg, "GET /orgs/{org}", org, "", apiError(err))
	} else {
		a := map[string]any{"login": red(o.GetLogin())}
		if o.TwoFactorRequirementEnabled != nil {
			a["two_factor_requirement_enabled"] = o.GetTwoFactorRequirementEnabled()
		} else {
			c.fail(TypeGitHubOrg, "GET /orgs/{org}", org, "two_factor_requirement_enabled", "two_factor_requirement_enabled is not visible to this token (organisation owner needed)")
		}
		if o.DefaultRepoPermission != nil {
			a["default_repository_permission"] = o.GetDefaultRepoPermission()
		} else {
			c.fail(TypeGitHubOrg, "GET /orgs/{org}", org, "default_repository_permission", "default_repository_permission is not visible to this token (organisation owner needed)")
		}
		if o.MembersCanCreatePublicRepos != nil {
			a["members_can_create_public_repositories"] = o.GetMembersCanCreatePublicRepos()
		}
		if o.PublicRepos != nil {
			a["public_repos"] = o.GetPublicRepos()
		}
		c.resources = append(c.resources, checks.Resource{
			ID: "github://" + c.host + "/" + o.GetLogin(), Type: TypeGitHubOrg, Source: SourceGitHub,
			Scope: checks.Scope{Org: red(o.GetLogin())}, Attributes: normalise(a),
		})
	}
	opt := &gh.RepositoryListByOrgOptions{Type: "all", ListOptions: gh.ListOptions{PerPage: 100}}
	for {
		repos, resp, err := c.client.Repositories.ListByOrg(ctx, org, opt)
		if err != nil {
			c.fail(TypeGitHubRepo, "GET /orgs/{org}/repos", org, "", apiError(err))
			return
		}
		for _, r := range repos {
			if ctx.Err() != nil {
				return
			}
			c.collectRepo(ctx, r)
		}
		if resp.NextPage == 0 {
			return
		}
		opt.Page = resp.NextPage
	}
}

// collectRepo reads one repository with as few calls as it can: the repository
// object (from the org listing or one GET), the recursive tree of the default
// branch (every path-based fact at once), the default branch and the rules that
// apply to it, releases and tags; then file contents while the budget lasts. Every
// call is one GitHub answers with an ETag, so a re-run of an unchanged repository
// is made of conditional requests answered 304.
func (c *collector) collectRepo(ctx context.Context, r *gh.Repository) {
	if c.seen == nil {
		c.seen = map[string]bool{}
	}
	full := r.GetFullName()
	if c.seen[strings.ToLower(full)] {
		return
	}
	c.seen[strings.ToLower(full)] = true
	owner, name := r.GetOwner().GetLogin(), r.GetName()
	if owner == "" {
		owner, _, _ = strings.Cut(full, "/")
	}
	calls0 := c.tr.Stats().PerRepo[owner+"/"+name]
	budget := func() int { return c.opts.MaxCallsPerRepo - (c.tr.Stats().PerRepo[owner+"/"+name] - calls0) }
	id := "github://" + c.host + "/" + full
	a := map[string]any{
		"full_name":      red(full),
		"name":           red(name),
		"archived":       r.GetArchived(),
		"fork":           r.GetFork(),
		"default_branch": red(r.GetDefaultBranch()),
		"html_url":       red(r.GetHTMLURL()),
	}
	vis := r.GetVisibility()
	if vis == "" && r.Private != nil {
		vis = map[bool]string{true: "private", false: "public"}[r.GetPrivate()]
	}
	if vis != "" {
		a["visibility"] = vis
	}
	a["publication_exception"] = c.exceptions[strings.ToLower(full)]
	if r.GetLanguage() != "" {
		a["github_language"] = r.GetLanguage()
	}
	if r.PushedAt != nil {
		a["pushed_at"] = r.GetPushedAt().UTC().Format(time.RFC3339)
	}

	// Secret scanning, push protection, Dependabot security updates: only admins see
	// security_and_analysis. It comes with the repository object (the org listing or
	// one conditional GET), so it costs no call of its own. Dependabot is read from
	// here only: the vulnerability-alerts endpoint answers 204/404 without an ETag
	// (so every run would repeat it unconditionally) and needs admin access anyway.
	sa := r.GetSecurityAndAnalysis()
	if sa != nil && sa.SecretScanning != nil {
		a["secret_scanning"] = sa.GetSecretScanning().GetStatus()
		if sa.SecretScanningPushProtection != nil {
			a["secret_scanning_push_protection"] = sa.GetSecretScanningPushProtection().GetStatus()
		}
		if sa.DependabotSecurityUpdates != nil {
			a["dependabot_security_updates"] = sa.GetDependabotSecurityUpdates().GetStatus()
		}
	} else {
		c.fail(TypeGitHubRepo, "GET /repos/{owner}/{repo}", full, "secret_scanning,secret_scanning_push_protection,dependabot_security_updates", "security_and_analysis (secret scanning, push protection, Dependabot security updates) is not visible to this token (repository admin needed)")
	}

	branch := r.GetDefaultBranch()
	var t *treeFacts
	var paths []string
	switch {
	case r.GetSize() == 0 && branch == "":
		paths = []string{}
	default:
		tree, _, err := c.client.Git.GetTree(ctx, owner, name, branch, true)
		switch {
		case err != nil && status(err) == http.StatusConflict: // empty repository
			paths = []string{}
		case err != nil:
			c.fail(TypeGitHubRepo, "GET /repos/{owner}/{repo}/git/trees/{ref}", full, "tree", apiError(err))
		case tree.GetTruncated():
			c.fail(TypeGitHubRepo, "GET /repos/{owner}/{repo}/git/trees/{ref}", full, "tree", "the tree is too large for one API answer (truncated): file-based facts not assessed; clone the repository and run `sdescan openness` on it")
		default:
			paths = []string{}
			for _, e := range tree.Entries {
				if e.GetType() == "blob" {
					paths = append(paths, e.GetPath())
				}
			}
		}
	}
	if paths != nil {
		sort.Strings(paths)
		tf := analyzeTree(paths)
		t = &tf
		for k, v := range treeAttributes(tf) {
			a[k] = v
		}
		a["file_count"] = len(paths)
	}

	// Licence: GitHub's own detection first; the file is read only when GitHub
	// could not name it.
	licenceKnown := false
	if t != nil && len(t.licenceFiles) > 0 {
		if l := r.GetLicense(); l != nil && l.GetSPDXID() != "" && l.GetSPDXID() != "NOASSERTION" {
			a["licence_spdx"] = l.GetSPDXID()
			a["licence_osi_approved"] = OSIApproved(l.GetSPDXID())
			licenceKnown = true
		}
	}

	// Default-branch protection: the branch (its protected flag and classic
	// protection summary) and, when protected or unreadable, the rules that apply to it;
	// both readable with read access and answered with an ETag.
	if branch != "" {
		c.branchProtection(ctx, owner, name, full, branch, a)
	}

	// Releases, then tags (a release always has a tag).
	rels, _, err := c.client.Repositories.ListReleases(ctx, owner, name, &gh.ListOptions{PerPage: 1})
	if err != nil {
		c.fail(TypeGitHubRepo, "GET /repos/{owner}/{repo}/releases", full, "has_releases", apiError(err))
	} else {
		a["has_releases"] = len(rels) > 0
		if len(rels) > 0 {
			a["has_tags"] = true
		}
	}
	if _, ok := a["has_tags"]; !ok {
		tags, _, err := c.client.Repositories.ListTags(ctx, owner, name, &gh.ListOptions{PerPage: 1})
		if err != nil {
			c.fail(TypeGitHubRepo, "GET /repos/{owner}/{repo}/tags", full, "has_tags", apiError(err))
		} else {
			a["has_tags"] = len(tags) > 0
		}
	}

	// File contents while the call budget lasts.
	if t != nil {
		exhausted := false
		read := func(p string) ([]byte, bool) {
			if budget() <= 0 {
				exhausted = true
				return nil, false
			}
			fc, _, _, err := c.client.Repositories.GetContents(ctx, owner, name, p, &gh.RepositoryContentGetOptions{Ref: branch})
			if err != nil || fc == nil {
				if err != nil {
					c.fail(TypeGitHubRepo, "GET /repos/{owner}/{repo}/contents/{path}", full+"/"+p, "contents", apiError(err))
				}
				return nil, false
			}
			s, err := fc.GetContent()
			if err != nil {
				return nil, false
			}
			return []byte(s), true
		}
		contentAttributes(a, *t, read, licenceKnown)
		if exhausted {
			c.fail(TypeGitHubRepo, "GET /repos/{owner}/{repo}/contents/{path}", full, "contents", fmt.Sprintf("call budget of %d per repository reached: some file contents (README, licence, requirements, notebooks) not read; their facts are not assessed", c.opts.MaxCallsPerRepo))
		}
	}
	a["api_calls"] = c.tr.Stats().PerRepo[owner+"/"+name] - calls0
	c.resources = append(c.resources, checks.Resource{
		ID: id, Type: TypeGitHubRepo, Source: SourceGitHub,
		Scope:      checks.Scope{Org: red(owner), Path: red(full)},
		Attributes: normalise(a),
	})
}
