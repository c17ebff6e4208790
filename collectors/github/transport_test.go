package github

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sdescan/sdescan/checks"
)

// authSeen records the Authorization headers a test server received.
type authSeen struct {
	mu   sync.Mutex
	seen []string
}

func (a *authSeen) add(r *http.Request) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.seen = append(a.seen, r.Header.Get("Authorization"))
}

func (a *authSeen) all() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.seen...)
}

// A redirect to another origin (here a second loopback server on another port)
// goes without the token; the configured API gets it, over plain HTTP because it
// is loopback.
func TestTokenNotSentOnRedirect(t *testing.T) {
	var atOther, atAPI authSeen
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		atOther.add(r)
		w.WriteHeader(http.StatusNotFound)
	}))
	defer other.Close()
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		atAPI.add(r)
		http.Redirect(w, r, other.URL+r.URL.Path, http.StatusFound)
	}))
	defer api.Close()
	_, run, _ := CollectGitHub(context.Background(), GitHubOptions{
		Repos: []string{"nhs-example/rtt-analysis"}, BaseURL: api.URL, Token: testToken,
		Transport: &Transport{Sleep: (&sleeper{}).Sleep}, Now: func() time.Time { return fixtureTime },
	})
	if got := atAPI.all(); len(got) == 0 || got[0] != "Bearer "+testToken {
		t.Errorf("the configured API got Authorization %q, want the token", got)
	}
	got := atOther.all()
	if len(got) == 0 {
		t.Fatalf("the redirect was not followed (errors %v)", run.Errors)
	}
	for _, h := range got {
		if h != "" {
			t.Errorf("the redirect target got Authorization %q", h)
		}
	}
	// Same host, other port; same host, other scheme; another host.
	tr := &Transport{Token: testToken, Origin: api.URL}
	for _, target := range []string{other.URL + "/x", strings.Replace(api.URL, "http://", "https://", 1) + "/x", "http://localhost:1/x"} {
		u, _ := url.Parse(target)
		if tr.mayCarryToken(u) {
			t.Errorf("token allowed to %s (origin %s)", target, api.URL)
		}
	}
}

func TestMayCarryToken(t *testing.T) {
	tests := []struct {
		origin, target string
		want           bool
	}{
		{"https://api.github.com", "https://api.github.com/repos/a/b", true},
		{"https://api.github.com", "https://API.GitHub.com:443/repos/a/b", true},
		{"https://api.github.com", "http://api.github.com/repos/a/b", false},
		{"https://api.github.com", "https://api.github.com:8443/repos/a/b", false},
		{"https://api.github.com", "https://api.github.com.evil.example/repos/a/b", false},
		{"https://api.github.com", "https://codeload.github.com/a/b", false},
		{"https://ghe.example.org", "https://ghe.example.org/api/v3/repos/a/b", true},
		{"http://127.0.0.1:8080", "http://127.0.0.1:8080/api/v3/x", true},
		{"http://[::1]:8080", "http://[::1]:8080/api/v3/x", true},
		{"http://localhost:8080", "http://localhost:8080/x", true},
		{"http://127.0.0.1:8080", "http://127.0.0.1:8081/x", false},
		{"http://ghe.example.org", "http://ghe.example.org/x", false}, // never in clear beyond loopback
		{"", "https://api.github.com/x", false},
	}
	for _, tt := range tests {
		u, err := url.Parse(tt.target)
		if err != nil {
			t.Fatal(err)
		}
		if got := (&Transport{Token: testToken, Origin: tt.origin}).mayCarryToken(u); got != tt.want {
			t.Errorf("origin %q, target %q: %v, want %v", tt.origin, tt.target, got, tt.want)
		}
	}
}

// failingTransport fails the test if a request reaches it.
type failingTransport struct{ t *testing.T }

func (f failingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	f.t.Errorf("request sent to %s", r.URL.Host)
	return nil, errors.New("no request may be sent")
}

// A plain-HTTP API URL that is not loopback is refused, with a token, before any
// request (no name is resolved).
func TestPlainHTTPRefusedWithToken(t *testing.T) {
	for _, base := range []string{"http://example.invalid", "http://example.invalid:8080/api/v3/", "http://10.0.0.1", "http://user:secret-pw@example.invalid"} {
		res, run, st := CollectGitHub(context.Background(), GitHubOptions{
			Orgs: []string{"nhs-example"}, BaseURL: base, Token: testToken,
			Transport: &Transport{Base: failingTransport{t}}, Now: func() time.Time { return fixtureTime },
		})
		if len(res) != 0 || run.Status != checks.RunFailed || len(run.Errors) != 1 || st.Requests != 0 {
			t.Fatalf("%s: %d resources, run %s, errors %v, %d requests", base, len(res), run.Status, run.Errors, st.Requests)
		}
		msg := run.Errors[0].Message
		if !strings.Contains(msg, "--github-url ") || strings.Contains(msg, "secret-pw") || strings.ContainsAny(msg, "\n") {
			t.Errorf("%s: error %q", base, msg)
		}
		if !strings.Contains(base, "secret-pw") && !strings.Contains(msg, "plain HTTP") {
			t.Errorf("%s: error %q does not say why", base, msg)
		}
	}
	for _, tc := range []struct {
		base      string
		withToken bool
		want      string
	}{
		{"", true, "https://api.github.com"},
		{"https://ghe.example.org", true, "https://ghe.example.org"},
		{"https://ghe.example.org:8443/api/v3/", true, "https://ghe.example.org:8443"},
		{"http://127.0.0.1:9999", true, "http://127.0.0.1:9999"},
		{"http://[::1]:9999", true, "http://[::1]:9999"},
		{"http://localhost", true, "http://localhost"},
		{"http://example.invalid", false, "http://example.invalid"}, // no token: nothing to leak
	} {
		got, err := APIOrigin(tc.base, tc.withToken)
		if err != nil || got != tc.want {
			t.Errorf("APIOrigin(%q, %v) = %q, %v; want %q", tc.base, tc.withToken, got, err, tc.want)
		}
	}
	for _, bad := range []string{"ftp://ghe.example.org", "ghe.example.org", "http://example.invalid"} {
		if _, err := APIOrigin(bad, true); err == nil {
			t.Errorf("APIOrigin(%q) accepted", bad)
		}
	}
}
