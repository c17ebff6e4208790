package github

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/sdescan/sdescan/checks"
)

// Transport is the http.RoundTripper under the GitHub client. It
//
//   - refuses every method but GET and HEAD, so the collector cannot change a repository;
//   - adds the token (Authorization: Bearer …) itself, so the token is never part of a
//     URL, a cache key or a file, and only to requests for the configured API (Origin:
//     same scheme, host and port), so a redirect to another host, port or scheme
//     goes without it; and never over plain HTTP except to a loopback address;
//   - makes conditional requests: a response with an ETag (or Last-Modified) is kept in
//     Cache and the next request for the same URL sends If-None-Match; GitHub answers 304
//     Not Modified, which does not count against the rate limit, and the cached body is
//     returned (marked X-From-Cache so go-github does not record its rate figures);
//   - waits out rate limits: a 403 or 429 with Retry-After (secondary limit) or with
//     X-RateLimit-Remaining: 0 (primary limit, until X-RateLimit-Reset) is retried after
//     the wait, at most MaxRetries times and only when the wait is at most MaxWait;
//     otherwise the response is returned and becomes a collection error.
type Transport struct {
	Base  http.RoundTripper // default http.DefaultTransport
	Token string
	// Origin is where the token may go: the scheme and host (with any port) of the
	// API, as configured ("https://api.github.com", or the GitHub Enterprise URL's).
	// CollectGitHub sets it; empty sends the token nowhere.
	Origin string
	Cache  *DiskCache // nil: no conditional requests
	// Sleep waits for d or until ctx ends (injectable for tests).
	Sleep func(ctx context.Context, d time.Duration) error
	Now   func() time.Time
	// MaxWait caps one rate-limit wait (default 15 minutes); MaxRetries caps the
	// retries of one request (default 3).
	MaxWait    time.Duration
	MaxRetries int

	mu    sync.Mutex
	stats Stats
}

// Stats counts what went over the wire.
type Stats struct {
	Requests    int // HTTP requests sent, retries included
	Conditional int // requests sent with If-None-Match / If-Modified-Since
	NotModified int // 304 answers served from the cache
	RateWaits   int // rate-limit waits
	Waited      time.Duration
	// PerRepo counts requests under /repos/{owner}/{name}/ (and the repository
	// itself); PerOrg counts requests under /orgs/{org}/.
	PerRepo map[string]int
	PerOrg  map[string]int
	// Routes counts requests per route template, e.g. "GET /repos/{owner}/{repo}/readme".
	Routes map[string]int
}

// Stats returns a copy of the counters.
func (t *Transport) Stats() Stats {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := t.stats
	s.PerRepo = copyCounts(t.stats.PerRepo)
	s.PerOrg = copyCounts(t.stats.PerOrg)
	s.Routes = copyCounts(t.stats.Routes)
	return s
}

func copyCounts(m map[string]int) map[string]int {
	out := make(map[string]int, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func (t *Transport) count(req *http.Request, conditional bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.stats.PerRepo == nil {
		t.stats.PerRepo, t.stats.PerOrg, t.stats.Routes = map[string]int{}, map[string]int{}, map[string]int{}
	}
	t.stats.Requests++
	if conditional {
		t.stats.Conditional++
	}
	route, repo, org := classify(req.URL.Path)
	t.stats.Routes[req.Method+" "+route]++
	if repo != "" {
		t.stats.PerRepo[repo]++
	}
	if org != "" {
		t.stats.PerOrg[org]++
	}
}

// classify turns an API path into its route template and the repository or
// organisation it concerns. Enterprise paths start with /api/v3.
func classify(p string) (route, repo, org string) {
	p = strings.TrimPrefix(p, "/api/v3")
	parts := strings.Split(strings.Trim(p, "/"), "/")
	switch {
	case len(parts) >= 3 && parts[0] == "repos":
		repo = parts[1] + "/" + parts[2]
		rest := parts[3:]
		if len(rest) >= 2 && (rest[0] == "contents" || (rest[0] == "git" && len(rest) >= 3)) {
			if rest[0] == "git" {
				rest = []string{"git", rest[1], "{ref}"}
			} else {
				rest = []string{"contents", "{path}"}
			}
		} else if len(rest) >= 2 && (rest[0] == "branches" || (rest[0] == "rules" && len(rest) >= 3)) {
			if rest[0] == "rules" {
				rest = []string{"rules", "branches", "{branch}"}
			} else {
				rest = append([]string{"branches", "{branch}"}, rest[2:]...)
			}
		}
		route = "/" + strings.Join(append([]string{"repos", "{owner}", "{repo}"}, rest...), "/")
	case len(parts) >= 2 && parts[0] == "orgs":
		org = parts[1]
		route = "/" + strings.Join(append([]string{"orgs", "{org}"}, parts[2:]...), "/")
	default:
		route = "/" + strings.Join(parts, "/")
	}
	route = strings.TrimSuffix(route, "/")
	return route, repo, org
}

// ErrWriteRefused is returned for any request that could change something.
var ErrWriteRefused = errors.New("sdescan's GitHub collector only reads: request refused")

// RoundTrip implements http.RoundTripper.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method != http.MethodGet && req.Method != http.MethodHead {
		return nil, fmt.Errorf("%s %s: %w", req.Method, req.URL.Path, ErrWriteRefused)
	}
	base := t.Base
	if base == nil {
		base = http.DefaultTransport
	}
	ctx := req.Context()
	var entry *cacheEntry
	key := ""
	if t.Cache != nil && req.Method == http.MethodGet {
		key = t.cacheKey(req)
		entry = t.Cache.get(key)
	}
	maxRetries := t.MaxRetries
	if maxRetries <= 0 {
		maxRetries = 3
	}
	for attempt := 0; ; attempt++ {
		r := req.Clone(ctx)
		if t.Token != "" && t.mayCarryToken(r.URL) {
			r.Header.Set("Authorization", "Bearer "+t.Token)
		} else {
			r.Header.Del("Authorization")
		}
		conditional := false
		if entry != nil {
			if entry.ETag != "" {
				r.Header.Set("If-None-Match", entry.ETag)
				conditional = true
			} else if entry.LastModified != "" {
				r.Header.Set("If-Modified-Since", entry.LastModified)
				conditional = true
			}
		}
		t.count(r, conditional)
		resp, err := base.RoundTrip(r)
		if err != nil {
			return nil, err
		}
		if wait, limited := t.rateLimitWait(resp); limited {
			if attempt >= maxRetries || wait > t.maxWait() {
				return resp, nil // go-github turns it into a rate-limit error
			}
			io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
			resp.Body.Close()
			t.mu.Lock()
			t.stats.RateWaits++
			t.stats.Waited += wait
			t.mu.Unlock()
			if err := t.sleep(ctx, wait); err != nil {
				return nil, err
			}
			continue
		}
		if resp.StatusCode == http.StatusNotModified && entry != nil {
			resp.Body.Close()
			t.mu.Lock()
			t.stats.NotModified++
			t.mu.Unlock()
			return entry.response(req, resp), nil
		}
		if key != "" && resp.StatusCode == http.StatusOK && (resp.Header.Get("ETag") != "" || resp.Header.Get("Last-Modified") != "") {
			body, err := io.ReadAll(io.LimitReader(resp.Body, maxCachedBody+1))
			resp.Body.Close()
			if err != nil {
				return nil, err
			}
			if len(body) <= maxCachedBody {
				t.Cache.put(key, newCacheEntry(resp, body))
			}
			resp.Body = io.NopCloser(bytes.NewReader(body))
		}
		return resp, nil
	}
}

// mayCarryToken says whether a request to u may carry the token: u is on the
// configured API origin (scheme, host and port alike), and is HTTPS or a loopback
// address.
func (t *Transport) mayCarryToken(u *url.URL) bool {
	o, err := url.Parse(t.Origin)
	if t.Origin == "" || err != nil || o.Host == "" {
		return false
	}
	if !strings.EqualFold(u.Scheme, o.Scheme) || !sameHost(u, o) {
		return false
	}
	return strings.EqualFold(u.Scheme, "https") || (strings.EqualFold(u.Scheme, "http") && checks.LoopbackHost(u.Hostname()))
}

// sameHost compares host names (case-insensitively) and ports, a missing port
// being the scheme's default.
func sameHost(a, b *url.URL) bool {
	return strings.EqualFold(a.Hostname(), b.Hostname()) && portOf(a) == portOf(b)
}

func portOf(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
		return "443"
	case "http":
		return "80"
	}
	return ""
}

// APIOrigin checks the API base URL (empty: github.com) and returns the origin the
// token may be sent to. With a token, a plain-HTTP URL is refused unless its host
// is a loopback address: the token would cross the network in clear. It is checked
// before any request is made (no name is resolved).
func APIOrigin(baseURL string, withToken bool) (string, error) {
	if baseURL == "" {
		return "https://api.github.com", nil
	}
	shown := StripUserinfo(baseURL)
	u, err := url.Parse(baseURL)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return "", fmt.Errorf("--github-url %s: want an http(s) URL such as https://ghe.example.org", shown)
	}
	if u.User != nil {
		return "", fmt.Errorf("--github-url %s: must not hold a user name or password (the token comes from GITHUB_TOKEN)", shown)
	}
	if withToken && u.Scheme == "http" && !checks.LoopbackHost(u.Hostname()) {
		return "", fmt.Errorf("--github-url %s: refusing to send the GitHub token over plain HTTP to a host that is not loopback; use https://", shown)
	}
	return u.Scheme + "://" + u.Host, nil
}

func (t *Transport) maxWait() time.Duration {
	if t.MaxWait > 0 {
		return t.MaxWait
	}
	return 15 * time.Minute
}

func (t *Transport) now() time.Time {
	if t.Now != nil {
		return t.Now()
	}
	return time.Now()
}

func (t *Transport) sleep(ctx context.Context, d time.Duration) error {
	if t.Sleep != nil {
		return t.Sleep(ctx, d)
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}

// rateLimitWait says whether a response is a rate-limit refusal and how long to
// wait: Retry-After seconds for a secondary limit, else until X-RateLimit-Reset
// (plus a second) when X-RateLimit-Remaining is 0.
func (t *Transport) rateLimitWait(resp *http.Response) (time.Duration, bool) {
	if resp.StatusCode != http.StatusForbidden && resp.StatusCode != http.StatusTooManyRequests {
		return 0, false
	}
	if ra := resp.Header.Get("Retry-After"); ra != "" {
		if n, err := strconv.Atoi(strings.TrimSpace(ra)); err == nil && n >= 0 {
			return time.Duration(n) * time.Second, true
		}
		if when, err := http.ParseTime(ra); err == nil {
			return max(when.Sub(t.now()), 0), true
		}
	}
	if resp.Header.Get("X-RateLimit-Remaining") == "0" {
		reset, err := strconv.ParseInt(resp.Header.Get("X-RateLimit-Reset"), 10, 64)
		if err != nil {
			return time.Minute, true
		}
		return max(time.Unix(reset, 0).Sub(t.now())+time.Second, 0), true
	}
	if resp.StatusCode == http.StatusTooManyRequests {
		return time.Minute, true
	}
	return 0, false
}

// cacheKey identifies a response: the URL, the media type asked for, and a
// fingerprint of the token (so a run with another token, or none, never reads a
// response it could not have seen). The token itself is never stored.
func (t *Transport) cacheKey(req *http.Request) string {
	h := sha256.New()
	tok := sha256.Sum256([]byte("sdescan-token\x00" + t.Token))
	h.Write(tok[:])
	fmt.Fprintf(h, "\x00%s\x00%s\x00%s", req.Method, req.URL.String(), req.Header.Get("Accept"))
	return hex.EncodeToString(h.Sum(nil))
}

// maxCachedBody bounds one cached response.
const maxCachedBody = 8 << 20

// DiskCache keeps GitHub responses with their validators under Dir, one file per
// request (0600: private repositories' data may be in them).
type DiskCache struct {
	Dir string
	mu  sync.Mutex
}

type cacheEntry struct {
	ETag         string      `json:"etag,omitempty"`
	LastModified string      `json:"last_modified,omitempty"`
	Header       http.Header `json:"header"`
	Body         []byte      `json:"body"`
}

// keptHeaders are the response headers a cached answer carries.
var keptHeaders = []string{"Content-Type", "Link", "ETag", "Last-Modified"}

func newCacheEntry(resp *http.Response, body []byte) *cacheEntry {
	e := &cacheEntry{ETag: resp.Header.Get("ETag"), LastModified: resp.Header.Get("Last-Modified"), Header: http.Header{}, Body: body}
	for _, h := range keptHeaders {
		if v := resp.Header.Values(h); len(v) > 0 {
			e.Header[h] = v
		}
	}
	return e
}

// response rebuilds a 200 answer from the cache, keeping the 304's rate headers.
func (e *cacheEntry) response(req *http.Request, notModified *http.Response) *http.Response {
	h := e.Header.Clone()
	for k, v := range notModified.Header {
		if strings.HasPrefix(strings.ToLower(k), "x-ratelimit") {
			h[k] = v
		}
	}
	h.Set("X-From-Cache", "1")
	return &http.Response{
		Status: "200 OK", StatusCode: http.StatusOK, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: h, Body: io.NopCloser(bytes.NewReader(e.Body)), ContentLength: int64(len(e.Body)), Request: req,
	}
}

func (c *DiskCache) file(key string) string { return filepath.Join(c.Dir, key[:2], key+".json") }

func (c *DiskCache) get(key string) *cacheEntry {
	data, err := os.ReadFile(c.file(key))
	if err != nil {
		return nil
	}
	var e cacheEntry
	if json.Unmarshal(data, &e) != nil || (e.ETag == "" && e.LastModified == "") {
		return nil
	}
	return &e
}

func (c *DiskCache) put(key string, e *cacheEntry) {
	data, err := json.Marshal(e)
	if err != nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	f := c.file(key)
	if err := os.MkdirAll(filepath.Dir(f), 0o700); err != nil {
		return
	}
	tmp, err := os.CreateTemp(filepath.Dir(f), ".tmp-*")
	if err != nil {
		return
	}
	_, werr := tmp.Write(data)
	cerr := tmp.Close()
	if werr != nil || cerr != nil {
		os.Remove(tmp.Name())
		return
	}
	if err := os.Rename(tmp.Name(), f); err != nil {
		os.Remove(tmp.Name())
	}
}

// DefaultCacheDir is os.UserCacheDir()/sdescan/github.
func DefaultCacheDir() (string, error) {
	d, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "sdescan", "github"), nil
}
