package aws

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/sdescan/sdescan/checks"
)

func TestCheckEndpoint(t *testing.T) {
	tests := []struct {
		endpoint string // "" = none
		allow    bool
		refused  bool
	}{
		{"", false, false},
		{"http://127.0.0.1:5000", false, false},
		{"http://127.8.9.10:5000", false, false},
		{"http://localhost:4566", false, false},
		{"http://[::1]:5000", false, false},
		{"https://vpce-1234.s3.eu-west-2.vpce.amazonaws.com", false, false},
		{"https://example.invalid", false, false},
		{"http://example.invalid", false, true},
		{"http://10.0.0.5:4566", false, true},
		{"HTTP://example.invalid", false, true},
		{"http://localhost.example.invalid", false, true},
		{"http://example.invalid", true, false}, // --allow-insecure-endpoint
	}
	for _, tt := range tests {
		var cfg sdkaws.Config
		if tt.endpoint != "" {
			cfg.BaseEndpoint = sdkaws.String(tt.endpoint)
		}
		err := CheckEndpoint(cfg, tt.allow)
		var ie *InsecureEndpointError
		if got := errors.As(err, &ie); got != tt.refused || (!tt.refused && err != nil) {
			t.Errorf("CheckEndpoint(%q, allow %v) = %v, want refused %v", tt.endpoint, tt.allow, err, tt.refused)
		}
		if tt.refused && (!strings.Contains(err.Error(), "plain HTTP") || !strings.Contains(err.Error(), "--allow-insecure-endpoint") || strings.ContainsAny(err.Error(), "\n")) {
			t.Errorf("%s: message %q", tt.endpoint, err)
		}
	}
}

// countingClient counts the requests that reach it and answers none.
type countingClient struct{ n atomic.Int32 }

func (c *countingClient) Do(*http.Request) (*http.Response, error) {
	c.n.Add(1)
	return nil, errors.New("test client: no request may be sent")
}

// A collection against a plain-HTTP endpoint beyond loopback fails with the reason
// and sends nothing (the name is never resolved).
func TestCollectRefusesInsecureEndpoint(t *testing.T) {
	client := &countingClient{}
	cfg := sdkaws.Config{
		Region: "eu-west-2", BaseEndpoint: sdkaws.String("http://example.invalid"), HTTPClient: client,
		Credentials: credentials.NewStaticCredentialsProvider("testing", "testing", ""),
	}
	now := func() time.Time { return time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC) }
	for name, facts := range map[string]*checks.Facts{
		"Collect":         Collect(context.Background(), cfg, Options{Now: now}),
		"CollectAccounts": CollectAccounts(context.Background(), cfg, AccountsOptions{Options: Options{Now: now}, Accounts: []string{"111111111111"}}),
	} {
		if len(facts.Runs) != 1 || facts.Runs[0].Status != checks.RunFailed || len(facts.Runs[0].Errors) != 1 {
			t.Fatalf("%s: runs %+v", name, facts.Runs)
		}
		if msg := facts.Runs[0].Errors[0].Message; !strings.Contains(msg, "endpoint http://example.invalid: plain HTTP") {
			t.Errorf("%s: error %q", name, msg)
		}
	}
	if n := client.n.Load(); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

// The HTTP guard refuses, at send time, a plain-HTTP request beyond loopback that
// some other endpoint setting (AWS_ENDPOINT_URL_S3, …) produced; loopback, HTTPS
// and an allowed insecure endpoint pass through to the client.
func TestEndpointGuard(t *testing.T) {
	for _, tt := range []struct {
		url   string
		allow bool
		sent  bool
	}{
		{"http://example.invalid/", false, false},
		{"http://192.0.2.1:4566/", false, false},
		{"http://127.0.0.1:1/", false, true},
		{"https://s3.eu-west-2.amazonaws.com/", false, true},
		{"http://example.invalid/", true, true},
	} {
		client := &countingClient{}
		var cfg sdkaws.Config
		cfg.HTTPClient = client
		guardEndpoints(&cfg, tt.allow)
		req, err := http.NewRequest(http.MethodGet, tt.url, nil)
		if err != nil {
			t.Fatal(err)
		}
		_, err = cfg.HTTPClient.Do(req)
		var ie *InsecureEndpointError
		if sent := client.n.Load() == 1; sent != tt.sent || errors.As(err, &ie) == tt.sent {
			t.Errorf("%s (allow %v): sent %v, error %v", tt.url, tt.allow, sent, err)
		}
		if ie != nil && ie.RetryableError() {
			t.Error("a refused endpoint must not be retried")
		}
	}
}
