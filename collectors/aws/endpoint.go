package aws

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"

	"github.com/sdescan/sdescan/checks"
)

// InsecureEndpointError refuses a plain-HTTP endpoint that is not a loopback
// address: signed requests and AWS's answers (account configuration, credentials
// of an assumed role) would cross the network in clear. An emulator on loopback
// (moto, LocalStack) is allowed; anything else needs AllowInsecureEndpoint
// (--allow-insecure-endpoint).
type InsecureEndpointError struct{ Endpoint string }

func (e *InsecureEndpointError) Error() string {
	return fmt.Sprintf("endpoint %s: plain HTTP to a host that is not loopback is refused (requests and answers would travel in clear); use https://, or --allow-insecure-endpoint", e.Endpoint)
}

// RetryableError tells the SDK's retryer not to try again: nothing was sent.
func (e *InsecureEndpointError) RetryableError() bool { return false }

// CheckEndpoint validates the configuration's custom endpoint (AWS_ENDPOINT_URL,
// endpoint_url of a profile, aws.Config.BaseEndpoint) before any request: plain
// HTTP only to loopback unless allowInsecure. Service-specific endpoints
// (AWS_ENDPOINT_URL_S3, …) are resolved per client: the HTTP guard of every
// collection (endpointGuard) refuses them when they are sent.
func CheckEndpoint(cfg sdkaws.Config, allowInsecure bool) error {
	if cfg.BaseEndpoint == nil || allowInsecure {
		return nil
	}
	u, err := url.Parse(*cfg.BaseEndpoint)
	if err != nil {
		return fmt.Errorf("endpoint %q: %v", *cfg.BaseEndpoint, err)
	}
	if insecure(u) {
		return &InsecureEndpointError{Endpoint: u.Scheme + "://" + u.Host}
	}
	return nil
}

// insecure: plain HTTP to a host that is not loopback.
func insecure(u *url.URL) bool {
	return strings.EqualFold(u.Scheme, "http") && !checks.LoopbackHost(u.Hostname())
}

// endpointGuard is the HTTP client under every SDK client of a collection: it
// refuses a plain-HTTP request to a host that is not loopback (unless allowed)
// before it is sent, whatever endpoint setting produced it.
type endpointGuard struct {
	next          sdkaws.HTTPClient
	allowInsecure bool
}

func (g endpointGuard) Do(req *http.Request) (*http.Response, error) {
	if !g.allowInsecure && insecure(req.URL) {
		return nil, &InsecureEndpointError{Endpoint: req.URL.Scheme + "://" + req.URL.Host}
	}
	return g.next.Do(req)
}

// guardEndpoints wraps cfg's HTTP client (the SDK's default when none) in an
// endpointGuard.
func guardEndpoints(cfg *sdkaws.Config, allowInsecure bool) {
	if g, ok := cfg.HTTPClient.(endpointGuard); ok {
		g.allowInsecure = allowInsecure
		cfg.HTTPClient = g
		return
	}
	next := cfg.HTTPClient
	if next == nil {
		next = awshttp.NewBuildableClient()
	}
	cfg.HTTPClient = endpointGuard{next: next, allowInsecure: allowInsecure}
}
