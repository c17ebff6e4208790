package github

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	gh "github.com/google/go-github/v60/github"

	"github.com/sdescan/sdescan/checks"
)

// answerFile answers requests to path (under /api/v3) with status and a recorded body.
func answerFile(path string, status int, file string) func(w http.ResponseWriter, r *http.Request, n int) bool {
	return func(w http.ResponseWriter, r *http.Request, n int) bool {
		if r.URL.Path != "/api/v3"+path {
			return false
		}
		b, _ := os.ReadFile(filepath.Join("testdata", "api", file))
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(status)
		w.Write(b)
		return true
	}
}

func either(fs ...func(w http.ResponseWriter, r *http.Request, n int) bool) func(w http.ResponseWriter, r *http.Request, n int) bool {
	return func(w http.ResponseWriter, r *http.Request, n int) bool {
		for _, f := range fs {
			if f(w, r, n) {
				return true
			}
		}
		return false
	}
}

// A branch or rules answer the token may not read leaves default_branch_protected
// out with a CollectError naming it: OPEN-007 is not assessed (error) for that
// repository, never passed or failed; the other repository is still judged.
func TestGitHubProtectionUnreadable(t *testing.T) {
	branch404 := answerFile("/repos/nhs-example/cohort-private/branches/main", http.StatusNotFound, "branch-404.json")
	cases := []struct {
		name      string
		before    func(w http.ResponseWriter, r *http.Request, n int) bool
		repo      string // the repository whose protection is unknown
		api       string
		other     checks.Status // OPEN-007 status of the other repository
		otherRepo string
	}{
		{"branch 404, no protecting ruleset", branch404,
			"cohort-private", apiBranch, checks.Pass, "rtt-analysis"},
		{"branch protected, rules 403", answerFile("/repos/nhs-example/rtt-analysis/rules/branches/main", http.StatusForbidden, "rules-403.json"),
			"rtt-analysis", apiRules, checks.Fail, "cohort-private"},
		{"branch 404 and rules 403", either(branch404, answerFile("/repos/nhs-example/cohort-private/rules/branches/main", http.StatusForbidden, "rules-403.json")),
			"cohort-private", apiBranch, checks.Pass, "rtt-analysis"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fake := newFakeGitHub(t)
			fake.before = c.before
			srv := httptest.NewServer(fake)
			defer srv.Close()
			res, run, _ := collectFake(t, srv, t.TempDir(), &sleeper{}, nil)
			m := byID(res)
			attrs := m["nhs-example/"+c.repo+TypeGitHubRepo].Attributes
			for _, k := range []string{"default_branch_protected", "branch_protection_source", "branch_rules"} {
				if v, ok := attrs[k]; ok {
					t.Errorf("%s: %s = %v, but it could not be read", c.repo, k, v)
				}
			}
			found := false
			for _, e := range run.Errors {
				if e.Resource == "nhs-example/"+c.repo && reflect.DeepEqual(e.ResourceTypes, []string{"github.repo:default_branch_protected"}) {
					found = true
					if e.API != c.api {
						t.Errorf("error API %q, want %q (%s)", e.API, c.api, e.Message)
					}
					t.Logf("%s: %s", e.API, e.Message)
				}
			}
			if !found {
				t.Fatalf("no CollectError for %s default_branch_protected: %v", c.repo, run.Errors)
			}
			got := evaluate(t, &checks.Facts{Tool: checks.Version{Name: "sdescan"}, CollectedAt: fixtureTime, Runs: []checks.CollectorRun{run}, Resources: res})
			if s := got[c.repo+" OPEN-007"].Status; s != checks.Error {
				t.Errorf("%s OPEN-007 = %s, want error (not assessed)", c.repo, s)
			}
			if s := got[c.otherRepo+" OPEN-007"].Status; s != c.other {
				t.Errorf("%s OPEN-007 = %s, want %s", c.otherRepo, s, c.other)
			}
		})
	}
}

func TestProtectionFacts(t *testing.T) {
	branch := func(js string) *branchInfo {
		var b branchInfo
		if err := json.Unmarshal([]byte(js), &b); err != nil {
			t.Fatal(err)
		}
		return &b
	}
	rules := func(js string) []*gh.RepositoryRule {
		var r []*gh.RepositoryRule
		if err := json.Unmarshal([]byte(js), &r); err != nil {
			t.Fatal(err)
		}
		return r
	}
	unprotected := `{"name": "main", "protected": false, "protection": {"enabled": false, "required_status_checks": {"enforcement_level": "off", "contexts": [], "checks": []}}}`
	classic := `{"name": "main", "protected": true, "protection": {"enabled": true, "required_status_checks": {"enforcement_level": "non_admins", "contexts": ["R CMD check"], "checks": [{"context": "R CMD check", "app_id": null}]}}}`
	rulesetOnly := `{"name": "main", "protected": true, "protection": {"enabled": false, "required_status_checks": {"enforcement_level": "off", "contexts": [], "checks": []}}}`
	protecting := `[{"type": "pull_request", "ruleset_id": 1, "parameters": {"required_approving_review_count": 2}}, {"type": "deletion", "ruleset_id": 1}]`
	other := `[{"type": "commit_message_pattern", "ruleset_id": 2, "parameters": {"operator": "starts_with", "pattern": "RTT-"}}]`
	denied := &gh.ErrorResponse{Response: &http.Response{StatusCode: http.StatusForbidden}, Message: "Resource not accessible by personal access token"}
	cases := []struct {
		name  string
		b     *branchInfo
		berr  error
		rules []*gh.RepositoryRule
		rerr  error
		want  map[string]any
		api   string
	}{
		{"unprotected (rules not asked)", branch(unprotected), nil, nil, nil,
			map[string]any{"default_branch_protected": false, "branch_protection_source": "none"}, ""},
		{"classic only", branch(classic), nil, rules(`[]`), nil,
			map[string]any{"default_branch_protected": true, "branch_protection_source": "classic", "branch_rules": []string{}, "required_status_checks": []string{"R CMD check"}}, ""},
		{"classic and ruleset", branch(classic), nil, rules(protecting), nil,
			map[string]any{"default_branch_protected": true, "branch_protection_source": "classic+ruleset", "branch_rules": []string{"deletion", "pull_request"}, "required_approving_reviews": 2, "required_status_checks": []string{"R CMD check"}}, ""},
		{"classic, rules unreadable", branch(classic), nil, nil, denied,
			map[string]any{"default_branch_protected": true, "branch_protection_source": "classic"}, ""},
		{"ruleset without protecting rules", branch(rulesetOnly), nil, rules(other), nil,
			map[string]any{"default_branch_protected": false, "branch_protection_source": "none", "branch_rules": []string{}}, ""},
		{"branch unreadable, protecting ruleset", nil, denied, rules(protecting), nil,
			map[string]any{"default_branch_protected": true, "branch_protection_source": "ruleset", "branch_rules": []string{"deletion", "pull_request"}, "required_approving_reviews": 2, "required_status_checks": []string{}}, ""},
		{"branch unreadable, no ruleset", nil, denied, rules(`[]`), nil, map[string]any{}, apiBranch},
		{"protected by ruleset, rules unreadable", branch(rulesetOnly), nil, nil, denied, map[string]any{}, apiRules},
		{"nothing readable", nil, denied, nil, errors.New("connection reset"), map[string]any{}, apiBranch},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, api, msg := protectionFacts(c.b, c.berr, c.rules, c.rerr)
			if !reflect.DeepEqual(got, c.want) || api != c.api || (c.api != "") != (msg != "") {
				t.Errorf("got %v %q %q, want %v %q", got, api, msg, c.want, c.api)
			}
			if c.api != "" && c.berr != nil && !strings.Contains(msg, "403") {
				t.Errorf("message %q does not say why", msg)
			}
		})
	}
}
