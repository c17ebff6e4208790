package github

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/checks/engine"
	"github.com/sdescan/sdescan/collectors"
	"github.com/sdescan/sdescan/collectors/github/rap"
	"github.com/sdescan/sdescan/controls"
	"github.com/sdescan/sdescan/controls/runner"
)

// testToken has the shape of a classic personal access token; it must never
// appear in facts, errors, logs or the cache.
const testToken = "ghp_" + "TESTtokenTESTtokenTESTtokenTESTtoken"

// apiRoute is one recorded answer of the fake GitHub.
type apiRoute struct {
	status int
	file   string // under testdata/api; "" = no body
	header map[string]string
}

// fakeGitHub replays testdata/api under /api/v3 (GitHub Enterprise layout), with
// ETags on every 200 answer (the route's own, as recorded, else one made from the
// body) and 304 for a matching If-None-Match, like GitHub. Answers other than 200
// carry no ETag, like GitHub's 204, 403 and 404.
type fakeGitHub struct {
	t      *testing.T
	routes map[string]apiRoute // "path?query" (query as sent) or "path"
	// before, when set, may answer a request itself (rate limits, failures).
	before func(w http.ResponseWriter, r *http.Request, n int) bool

	mu       sync.Mutex
	requests []recorded
	perPath  map[string]int
}

type recorded struct {
	key         string
	conditional bool
	auth        string
	status      int
}

func newFakeGitHub(t *testing.T) *fakeGitHub {
	f := &fakeGitHub{t: t, perPath: map[string]int{}}
	next := `<%s/api/v3/organizations/1001/repos?page=2&per_page=100&type=all>; rel="next", <%s/api/v3/organizations/1001/repos?page=2&per_page=100&type=all>; rel="last"`
	f.routes = map[string]apiRoute{
		"/orgs/nhs-example":                                                         {200, "org.json", nil},
		"/orgs/nhs-example/repos?per_page=100&type=all":                             {200, "org-repos-page1.json", map[string]string{"Link": next}},
		"/orgs/nhs-example/repos?page=2&per_page=100&type=all":                      {200, "org-repos-page2.json", nil},
		"/repos/nhs-example/rtt-analysis/git/trees/main?recursive=1":                {200, "rtt-tree.json", nil},
		"/repos/nhs-example/rtt-analysis/branches/main":                             {200, "rtt-branch.json", map[string]string{"ETag": `W/"5d1e0c7a1b2f4e3d9c8b7a6f5e4d3c2b"`}},
		"/repos/nhs-example/rtt-analysis/rules/branches/main":                       {200, "rtt-rules.json", nil},
		"/repos/nhs-example/rtt-analysis/releases?per_page=1":                       {200, "rtt-releases.json", nil},
		"/repos/nhs-example/rtt-analysis/contents/README.md?ref=main":               {200, "rtt-readme.json", nil},
		"/repos/nhs-example/rtt-analysis/contents/requirements.txt?ref=main":        {200, "rtt-requirements.json", nil},
		"/repos/nhs-example/rtt-analysis/contents/notebooks/explore.ipynb?ref=main": {200, "rtt-notebook.json", nil},
		"/repos/nhs-example/cohort-private/git/trees/main?recursive=1":              {200, "cohort-tree.json", nil},
		"/repos/nhs-example/cohort-private/branches/main":                           {200, "cohort-branch.json", map[string]string{"ETag": `W/"0a9b8c7d6e5f40312a3b4c5d6e7f8091"`}},
		"/repos/nhs-example/cohort-private/rules/branches/main":                     {200, "empty-list.json", nil},
		"/repos/nhs-example/cohort-private/releases?per_page=1":                     {200, "empty-list.json", nil},
		"/repos/nhs-example/cohort-private/tags?per_page=1":                         {200, "empty-list.json", nil},
		"/repos/nhs-example/cohort-private/contents/README.md?ref=main":             {200, "cohort-readme.json", nil},
	}
	return f
}

func (f *fakeGitHub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !strings.HasPrefix(r.URL.Path, "/api/v3/") {
		http.Error(w, "not under /api/v3", http.StatusNotFound)
		return
	}
	p := strings.TrimPrefix(r.URL.Path, "/api/v3")
	key := p
	if r.URL.RawQuery != "" {
		key += "?" + r.URL.RawQuery
	}
	f.mu.Lock()
	f.perPath[key]++
	n := f.perPath[key]
	rec := recorded{key: key, conditional: r.Header.Get("If-None-Match") != "", auth: r.Header.Get("Authorization")}
	f.mu.Unlock()
	sw := &statusWriter{ResponseWriter: w}
	defer func() {
		rec.status = sw.status
		f.mu.Lock()
		f.requests = append(f.requests, rec)
		f.mu.Unlock()
	}()
	w = sw
	w.Header().Set("X-RateLimit-Limit", "5000")
	w.Header().Set("X-RateLimit-Remaining", "4900")
	w.Header().Set("X-RateLimit-Reset", fmt.Sprint(time.Now().Add(time.Hour).Unix()))
	if r.Method != http.MethodGet {
		http.Error(w, "read-only fake", http.StatusMethodNotAllowed)
		return
	}
	if f.before != nil && f.before(w, r, n) {
		return
	}
	rt, ok := f.routes[key]
	if !ok {
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `{"message": "Not Found", "documentation_url": "https://docs.github.com/rest"}`)
		return
	}
	var body []byte
	if rt.file != "" {
		b, err := os.ReadFile(filepath.Join("testdata", "api", rt.file))
		if err != nil {
			f.t.Errorf("fixture %s: %v", rt.file, err)
		}
		body = b
	}
	for k, v := range rt.header {
		if strings.Contains(v, "%s") {
			v = fmt.Sprintf(v, "http://"+r.Host, "http://"+r.Host)
		}
		w.Header().Set(k, v)
	}
	if rt.status == http.StatusOK {
		etag := w.Header().Get("ETag")
		if etag == "" {
			sum := sha256.Sum256(body)
			etag = `"` + hex.EncodeToString(sum[:8]) + `"`
			w.Header().Set("ETag", etag)
		}
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	if body != nil {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
	}
	w.WriteHeader(rt.status)
	w.Write(body)
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = 200
	}
	return s.ResponseWriter.Write(b)
}

func (f *fakeGitHub) take() []recorded {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := f.requests
	f.requests = nil
	return out
}

// secondaryOnce answers the first releases request of rtt-analysis with a
// secondary rate limit (403 + Retry-After: 30).
func secondaryOnce(w http.ResponseWriter, r *http.Request, n int) bool {
	if r.URL.Path == "/api/v3/repos/nhs-example/rtt-analysis/releases" && n == 1 {
		w.Header().Set("Retry-After", "30")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusForbidden)
		b, _ := os.ReadFile(filepath.Join("testdata", "api", "secondary-limit-403.json"))
		w.Write(b)
		return true
	}
	return false
}

type sleeper struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (s *sleeper) Sleep(_ context.Context, d time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.waits = append(s.waits, d)
	return nil
}

func collectFake(t *testing.T, srv *httptest.Server, cacheDir string, sl *sleeper, mod func(*GitHubOptions)) ([]checks.Resource, checks.CollectorRun, Stats) {
	t.Helper()
	tr := &Transport{Base: srv.Client().Transport, Sleep: sl.Sleep}
	if cacheDir != "" {
		tr.Cache = &DiskCache{Dir: cacheDir}
	}
	opts := GitHubOptions{Orgs: []string{"nhs-example"}, BaseURL: srv.URL, Token: testToken, Transport: tr, Now: func() time.Time { return fixtureTime }}
	if mod != nil {
		mod(&opts)
	}
	return CollectGitHub(context.Background(), opts)
}

func byID(res []checks.Resource) map[string]checks.Resource {
	m := map[string]checks.Resource{}
	for _, r := range res {
		if r.Type == TypeGitHubOrg {
			m["org"] = r
			continue
		}
		m[r.Attributes["full_name"].(string)+r.Type] = r
	}
	return m
}

func evaluate(t *testing.T, facts *checks.Facts) map[string]checks.Finding {
	t.Helper()
	e, err := engine.New(collectors.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	findings, err := e.Evaluate(context.Background(), facts, engine.Params{AsOf: fixtureTime})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]checks.Finding{}
	for _, f := range findings {
		out[f.ResourceID[strings.LastIndex(f.ResourceID, "/")+1:]+" "+f.CheckID] = f
	}
	return out
}

func TestGitHubCollect(t *testing.T) {
	fake := newFakeGitHub(t)
	fake.before = secondaryOnce
	srv := httptest.NewServer(fake)
	defer srv.Close()
	cache := t.TempDir()
	sl := &sleeper{}

	res, run, st := collectFake(t, srv, cache, sl, nil)
	first := fake.take()
	if len(res) != 3 {
		t.Fatalf("%d resources, want org + 2 repositories (pagination followed): %v", len(res), run.Errors)
	}
	// Every request carried the token, as a header.
	for _, r := range first {
		if r.auth != "Bearer "+testToken {
			t.Fatalf("%s: Authorization %q", r.key, r.auth)
		}
	}
	// The secondary rate limit was waited out (30 s, through the injected sleeper) and retried.
	if !reflect.DeepEqual(sl.waits, []time.Duration{30 * time.Second}) || st.RateWaits != 1 {
		t.Errorf("waits %v (stats %d)", sl.waits, st.RateWaits)
	}
	// Calls per repository, measured at the transport.
	for repo, n := range st.PerRepo {
		t.Logf("first run: %s: %d calls", repo, n)
		if n > 10 {
			t.Errorf("%s: %d calls, want <= 10", repo, n)
		}
	}
	t.Logf("first run: %d requests in all (org: %v)", st.Requests, st.PerOrg)

	m := byID(res)
	rtt, cohort, org := m["nhs-example/rtt-analysis"+TypeGitHubRepo].Attributes, m["nhs-example/cohort-private"+TypeGitHubRepo].Attributes, m["org"].Attributes
	wantRTT := map[string]any{
		"visibility": "public", "licence_spdx": "MIT", "licence_osi_approved": true, "readme_explains_usage": true,
		"default_branch_protected": true, "branch_protection_source": "ruleset",
		"branch_rules":               []any{"deletion", "non_fast_forward", "pull_request", "required_status_checks"},
		"required_approving_reviews": float64(1), "required_status_checks": []any{"test"}, "secret_scanning": "enabled",
		"secret_scanning_push_protection": "enabled", "dependabot_security_updates": "enabled", "has_releases": true, "has_tags": true,
		"dependencies_pinned": true, "notebooks_with_outputs": []any{"notebooks/explore.ipynb"},
		"ci_systems": []any{"github-actions"}, "test_files": float64(1),
	}
	for k, v := range wantRTT {
		if !reflect.DeepEqual(rtt[k], v) {
			t.Errorf("rtt-analysis %s = %v, want %v", k, rtt[k], v)
		}
	}
	wantCohort := map[string]any{
		"visibility": "private", "publication_exception": false, "licence_file": "", "has_releases": false, "has_tags": false,
		"data_files": []any{"data/extract.csv"}, "dependency_files": []any{"DESCRIPTION"}, "dependencies_pinned": false,
		"readme_explains_usage": false,
		// Read with read access only: the branch says it is not protected (classic or ruleset).
		"default_branch_protected": false, "branch_protection_source": "none",
	}
	for k, v := range wantCohort {
		if !reflect.DeepEqual(cohort[k], v) {
			t.Errorf("cohort-private %s = %v, want %v", k, cohort[k], v)
		}
	}
	for _, k := range []string{"secret_scanning", "secret_scanning_push_protection", "dependabot_security_updates", "dependabot_alerts", "branch_rules"} {
		if _, ok := cohort[k]; ok {
			t.Errorf("cohort-private: %s = %v, but the token may not read it", k, cohort[k])
		}
	}
	if org["two_factor_requirement_enabled"] != true || org["default_repository_permission"] != "read" {
		t.Errorf("org = %v", org)
	}
	// The unreadable settings are collection errors naming the attribute.
	var hidden []string
	for _, e := range run.Errors {
		hidden = append(hidden, e.Resource+" "+strings.Join(e.ResourceTypes, ","))
	}
	sort.Strings(hidden)
	wantHidden := []string{
		"nhs-example/cohort-private github.repo:secret_scanning,github.repo:secret_scanning_push_protection,github.repo:dependabot_security_updates",
	}
	if !reflect.DeepEqual(hidden, wantHidden) {
		t.Errorf("errors %v, want %v", hidden, wantHidden)
	}
	if run.Status != checks.RunPartial {
		t.Errorf("run status %s", run.Status)
	}

	// The checks: what the token could not read is an error (not assessed), never a pass or fail.
	facts := &checks.Facts{Tool: checks.Version{Name: "sdescan", Version: "test"}, CollectedAt: fixtureTime, Runs: []checks.CollectorRun{run}, Resources: res}
	got := evaluate(t, facts)
	cases := map[string]checks.Status{
		"rtt-analysis OPEN-001": checks.Pass, "rtt-analysis OPEN-002": checks.Pass, "rtt-analysis OPEN-007": checks.Pass,
		"rtt-analysis OPEN-008": checks.Pass, "rtt-analysis OPEN-009": checks.Fail, "rtt-analysis OPEN-010": checks.Pass,
		"cohort-private OPEN-001": checks.Fail, "cohort-private OPEN-007": checks.Fail, "cohort-private OPEN-008": checks.Error,
		"cohort-private OPEN-009": checks.Fail, "cohort-private OPEN-010": checks.Fail,
	}
	for k, want := range cases {
		if got[k].Status != want {
			t.Errorf("%s = %q (%v), want %q", k, got[k].Status, got[k].Messages, want)
		}
	}
	// RAP levels are judged from the findings, never recorded by the collector.
	findings := make([]checks.Finding, 0, len(got))
	for _, f := range got {
		findings = append(findings, f)
	}
	for name, want := range map[string]string{"nhs-example/rtt-analysis": rap.Gold, "nhs-example/cohort-private": rap.None} {
		r := m[name+TypeGitHubRepo]
		for _, k := range []string{"rap_level", "rap_missing", "rap_unassessed"} {
			if _, ok := r.Attributes[k]; ok {
				t.Errorf("%s: the collector wrote %s", name, k)
			}
		}
		if l := rap.Assess(r, findings); l.Level != want {
			t.Errorf("%s: RAP level %s %q, want %s", name, l.Level, l.Missing, want)
		}
	}

	// Second run, same cache: every request is conditional and answered 304 (every
	// answer the collector asks for carries an ETag), and the facts are the same.
	res2, _, st2 := collectFake(t, srv, cache, sl, nil)
	second := fake.take()
	for _, r := range second {
		if !r.conditional || r.status != http.StatusNotModified {
			t.Errorf("second run: %s conditional=%v answered %d, want a conditional request answered 304", r.key, r.conditional, r.status)
		}
	}
	t.Logf("second run: %d requests, %d conditional, %d answered 304 (not counted against the rate limit)", st2.Requests, st2.Conditional, st2.NotModified)
	// 3 for the organisation, 7 for rtt-analysis (8 on the first run, one of them the
	// rate-limit retry), 5 for cohort-private.
	if len(second) != 15 || st2.Requests != len(second) || st2.Conditional != len(second) || st2.NotModified != len(second) {
		t.Errorf("second run: %d requests seen by the server, transport counted %d sent, %d conditional, %d not modified; want 15 of each", len(second), st2.Requests, st2.Conditional, st2.NotModified)
	}
	if want := st.Requests - st.RateWaits; len(second) != want {
		t.Errorf("second run: %d requests, want the first run's %d without its retry", len(second), want)
	}
	a, _ := json.Marshal(stripCalls(res))
	b, _ := json.Marshal(stripCalls(res2))
	if string(a) != string(b) {
		t.Errorf("second run's facts differ:\n%s\n%s", a, b)
	}

	// The token is nowhere: facts, errors, cache files.
	out, _ := json.Marshal(facts)
	if strings.Contains(string(out), testToken) {
		t.Error("token in facts")
	}
	filepath.WalkDir(cache, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			data, _ := os.ReadFile(p)
			if strings.Contains(string(data), testToken) {
				t.Errorf("token in cache file %s", p)
			}
			if info, _ := d.Info(); info.Mode().Perm() != 0o600 {
				t.Errorf("cache file %s has mode %v", p, info.Mode().Perm())
			}
		}
		return nil
	})
}

// stripCalls drops api_calls (the first run spent one more, on the retry).
func stripCalls(res []checks.Resource) []checks.Resource {
	out := make([]checks.Resource, len(res))
	for i, r := range res {
		a := map[string]any{}
		for k, v := range r.Attributes {
			if k != "api_calls" {
				a[k] = v
			}
		}
		r.Attributes = a
		out[i] = r
	}
	return out
}

func TestGitHubPublicationException(t *testing.T) {
	srv := httptest.NewServer(newFakeGitHub(t))
	defer srv.Close()
	res, run, _ := collectFake(t, srv, "", &sleeper{}, func(o *GitHubOptions) {
		o.PublicationExceptions = []string{"NHS-Example/Cohort-Private"}
	})
	got := evaluate(t, &checks.Facts{Tool: checks.Version{Name: "sdescan"}, CollectedAt: fixtureTime, Runs: []checks.CollectorRun{run}, Resources: res})
	if s := got["cohort-private OPEN-010"].Status; s != checks.Pass {
		t.Errorf("OPEN-010 with a publication exception = %s", s)
	}
}

// Every collector failure leaves the facts it hid out, and the roll-up reports
// the checks over them as not assessed (or partial), never as passing.
func TestGitHubFailuresNotAssessed(t *testing.T) {
	p, err := runner.Prepare(runner.Setup{Policies: []checks.PolicySource{collectors.Builtin()}})
	if err != nil {
		t.Fatal(err)
	}
	e, cat := p.Engine, p.Catalogue
	fail := func(status int) func(w http.ResponseWriter, r *http.Request, n int) bool {
		return func(w http.ResponseWriter, r *http.Request, n int) bool {
			w.WriteHeader(status)
			fmt.Fprint(w, `{"message": "failure"}`)
			return true
		}
	}
	cases := []struct {
		name   string
		before func(w http.ResponseWriter, r *http.Request, n int) bool
		mod    func(*GitHubOptions)
		// check -> allowed roll-up statuses
		want map[string][]string
	}{
		{"every request fails (500)", fail(500), nil, map[string][]string{
			"OPEN-001": {controls.CheckNotAssessed}, "OPEN-007": {controls.CheckNotAssessed}, "OPEN-010": {controls.CheckNotAssessed}}},
		{"unauthorised (401)", fail(401), nil, map[string][]string{"OPEN-003": {controls.CheckNotAssessed}}},
		{"primary rate limit beyond the wait cap", func(w http.ResponseWriter, r *http.Request, n int) bool {
			w.Header().Set("X-RateLimit-Remaining", "0")
			w.Header().Set("X-RateLimit-Reset", fmt.Sprint(time.Now().Add(2*time.Hour).Unix()))
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprint(w, `{"message": "API rate limit exceeded"}`)
			return true
		}, nil, map[string][]string{"OPEN-004": {controls.CheckNotAssessed}}},
		{"tree fails for one repository", func(w http.ResponseWriter, r *http.Request, n int) bool {
			if strings.Contains(r.URL.Path, "rtt-analysis/git/trees") {
				w.WriteHeader(http.StatusBadGateway)
				return true
			}
			return false
		}, nil, map[string][]string{
			// cohort-private fails OPEN-001 for real; rtt-analysis's tree facts are unknown.
			"OPEN-002": {controls.CheckPartial, controls.CheckFail}, "OPEN-003": {controls.CheckPartial, controls.CheckFail}}},
		{"branch and rules of the private repository unreadable (404, 403)", either(
			answerFile("/repos/nhs-example/cohort-private/branches/main", http.StatusNotFound, "branch-404.json"),
			answerFile("/repos/nhs-example/cohort-private/rules/branches/main", http.StatusForbidden, "rules-403.json")), nil,
			// rtt-analysis passes, cohort-private is not assessed: never a pass overall.
			map[string][]string{"OPEN-007": {controls.CheckPartial}}},
		{"call budget too small for file contents", nil, func(o *GitHubOptions) { o.MaxCallsPerRepo = 4 },
			map[string][]string{"OPEN-002": {controls.CheckNotAssessed}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fake := newFakeGitHub(t)
			fake.before = c.before
			srv := httptest.NewServer(fake)
			defer srv.Close()
			res, run, _ := collectFake(t, srv, "", &sleeper{}, func(o *GitHubOptions) {
				if c.mod != nil {
					c.mod(o)
				}
				o.Transport.MaxWait = time.Minute
			})
			if len(run.Errors) == 0 {
				t.Fatal("no collection error recorded")
			}
			facts := &checks.Facts{Tool: checks.Version{Name: "sdescan"}, CollectedAt: fixtureTime, Runs: []checks.CollectorRun{run}, Resources: res}
			findings, err := e.Evaluate(context.Background(), facts, engine.Params{AsOf: fixtureTime})
			if err != nil {
				t.Fatal(err)
			}
			a := controls.Assess(controls.Input{Tool: checks.Version{Name: "sdescan"}, Facts: facts, Findings: findings, Checks: e.Checks(), Catalogue: cat, AsOf: fixtureTime})
			status := map[string]string{}
			for _, cr := range a.Checks {
				status[cr.ID] = cr.Status
				if strings.HasPrefix(cr.ID, "OPEN-") && cr.Status == controls.CheckPass {
					// Only a check whose every resource was read may pass.
					for _, r := range cr.Reasons {
						t.Errorf("%s passes despite: %s", cr.ID, r)
					}
				}
			}
			for id, allowed := range c.want {
				ok := false
				for _, s := range allowed {
					ok = ok || status[id] == s
				}
				if !ok {
					t.Errorf("%s = %s, want one of %v", id, status[id], allowed)
				}
			}
			for _, e := range run.Errors {
				if strings.Contains(e.Message, testToken) {
					t.Errorf("token in error %q", e.Message)
				}
			}
		})
	}
}

func TestTransportRateLimits(t *testing.T) {
	now := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	cases := []struct {
		name      string
		first     func(w http.ResponseWriter)
		wantWaits []time.Duration
		wantCode  int
	}{
		{"secondary limit, Retry-After", func(w http.ResponseWriter) {
			w.Header().Set("Retry-After", "45")
			w.WriteHeader(http.StatusForbidden)
		}, []time.Duration{45 * time.Second}, 200},
		{"429 with Retry-After", func(w http.ResponseWriter) {
			w.Header().Set("Retry-After", "5")
			w.WriteHeader(http.StatusTooManyRequests)
		}, []time.Duration{5 * time.Second}, 200},
		{"primary limit until reset", func(w http.ResponseWriter) {
			w.Header().Set("X-RateLimit-Remaining", "0")
			w.Header().Set("X-RateLimit-Reset", fmt.Sprint(now.Add(2*time.Minute).Unix()))
			w.WriteHeader(http.StatusForbidden)
		}, []time.Duration{2*time.Minute + time.Second}, 200},
		{"wait above the cap is not waited", func(w http.ResponseWriter) {
			w.Header().Set("Retry-After", "7200")
			w.WriteHeader(http.StatusForbidden)
		}, nil, 403},
		{"plain 403 is not a rate limit", func(w http.ResponseWriter) {
			w.WriteHeader(http.StatusForbidden)
		}, nil, 403},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n := 0
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				n++
				if n == 1 {
					c.first(w)
					return
				}
				w.WriteHeader(200)
			}))
			defer srv.Close()
			sl := &sleeper{}
			tr := &Transport{Base: srv.Client().Transport, Sleep: sl.Sleep, Now: func() time.Time { return now }, MaxWait: 10 * time.Minute}
			resp, err := (&http.Client{Transport: tr}).Get(srv.URL + "/repos/a/b")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != c.wantCode || !reflect.DeepEqual(sl.waits, c.wantWaits) {
				t.Errorf("code %d waits %v, want %d %v", resp.StatusCode, sl.waits, c.wantCode, c.wantWaits)
			}
		})
	}
	// Writes are refused before they leave the process.
	tr := &Transport{Base: http.DefaultTransport}
	for _, m := range []string{http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		req, _ := http.NewRequest(m, "http://127.0.0.1:1/repos/a/b", nil)
		if _, err := tr.RoundTrip(req); err == nil || !strings.Contains(err.Error(), "only reads") {
			t.Errorf("%s: %v", m, err)
		}
	}
}

func TestClassifyRoutes(t *testing.T) {
	cases := map[string][3]string{
		"/api/v3/repos/o/r/git/trees/main":     {"/repos/{owner}/{repo}/git/trees/{ref}", "o/r", ""},
		"/repos/o/r/contents/a/b.ipynb":        {"/repos/{owner}/{repo}/contents/{path}", "o/r", ""},
		"/repos/o/r/branches/main/protection":  {"/repos/{owner}/{repo}/branches/{branch}/protection", "o/r", ""},
		"/repos/o/r/branches/main":             {"/repos/{owner}/{repo}/branches/{branch}", "o/r", ""},
		"/repos/o/r/rules/branches/release/v1": {"/repos/{owner}/{repo}/rules/branches/{branch}", "o/r", ""},
		"/repos/o/r":                           {"/repos/{owner}/{repo}", "o/r", ""},
		"/orgs/nhs/repos":                      {"/orgs/{org}/repos", "", "nhs"},
		"/organizations/1/repos":               {"/organizations/1/repos", "", ""},
	}
	for p, want := range cases {
		route, repo, org := classify(p)
		if route != want[0] || repo != want[1] || org != want[2] {
			t.Errorf("%s: %s %s %s, want %v", p, route, repo, org, want)
		}
	}
}
