package azure

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"

	"github.com/sdescan/sdescan/checks"
)

// Operation is one ARM request a service may send: its name (as the run's
// api_calls count it), method, path template ({name} matches one segment;
// literals compare in any case) and the Azure RBAC action it needs.
type Operation struct {
	Name, Method, Path, Action string
}

// discoveryOps are the requests that find the subscriptions in scope.
var discoveryOps = []Operation{
	{"Subscriptions.List", http.MethodGet, "/subscriptions", "Microsoft.Resources/subscriptions/read"},
	{"Subscriptions.Get", http.MethodGet, "/subscriptions/{subscriptionId}", "Microsoft.Resources/subscriptions/read"},
	{"ManagementGroups.Get", http.MethodGet, "/providers/Microsoft.Management/managementGroups/{groupId}", "Microsoft.Management/managementGroups/read"},
}

// Operations lists every request the collector can send, discovery first,
// then each service's in service order.
func Operations() []Operation {
	out := slices.Clone(discoveryOps)
	for _, s := range services {
		out = append(out, s.ops...)
	}
	return out
}

// Actions lists the Azure RBAC actions the collector needs, sorted: a custom
// role with exactly these (or the built-in Reader role) lets it read
// everything it reads.
func Actions() []string {
	seen := map[string]bool{}
	for _, op := range Operations() {
		seen[op.Action] = true
	}
	return slices.Sorted(maps.Keys(seen))
}

// matchOperation returns the declared operation a request is, if any.
func matchOperation(method, urlPath string) (Operation, bool) {
	got := strings.Split(strings.Trim(urlPath, "/"), "/")
	for _, op := range Operations() {
		if op.Method != method {
			continue
		}
		want := strings.Split(strings.Trim(op.Path, "/"), "/")
		if len(want) != len(got) {
			continue
		}
		ok := true
		for i, w := range want {
			if strings.HasPrefix(w, "{") {
				ok = got[i] != ""
			} else {
				ok = strings.EqualFold(w, got[i])
			}
			if !ok {
				break
			}
		}
		if ok {
			return op, true
		}
	}
	return Operation{}, false
}

// allowList is the policy after ReadOnly: a request that is none of the
// declared operations, or for a host other than the cloud's resource manager
// (a nextLink elsewhere would carry the token there), is refused before it is
// sent, and each one sent is counted by name.
type allowList struct {
	calls *calls
	host  string
}

// Do refuses or counts and passes the request.
func (a allowList) Do(req *policy.Request) (*http.Response, error) {
	r := req.Raw()
	if !strings.EqualFold(r.URL.Host, a.host) {
		return nil, &RefusedError{Method: r.Method, Path: r.URL.Path, Why: "a host other than the cloud's resource manager"}
	}
	op, ok := matchOperation(r.Method, r.URL.Path)
	if !ok {
		return nil, &RefusedError{Method: r.Method, Path: r.URL.Path, Why: "not an operation the collector declares"}
	}
	if a.calls != nil {
		a.calls.add(op.Name)
	}
	return req.Next()
}

// calls counts requests sent, by operation name (retries included).
type calls struct {
	mu sync.Mutex
	n  map[string]int
}

func (c *calls) add(name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == nil {
		c.n = map[string]int{}
	}
	c.n[name]++
}

func (c *calls) snapshot() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.n) == 0 {
		return nil
	}
	return maps.Clone(c.n)
}

// clientOptions are the options every ARM client is built with: the cloud,
// resource-provider registration off (it is a write), ReadOnly and the
// allow-list on every try, and retries of 429 and 5xx that honour
// Retry-After, bounded in number and delay.
func clientOptions(opts Options, counter *calls) *arm.ClientOptions {
	timeout := opts.RequestTimeout
	if timeout <= 0 {
		timeout = defaultRequestTimeout
	}
	retry := policy.RetryOptions{MaxRetries: maxRetries, RetryDelay: retryDelay, MaxRetryDelay: maxRetryDelay}
	if opts.retry != nil {
		retry = *opts.retry
	}
	retry.TryTimeout = timeout
	o := &arm.ClientOptions{
		ClientOptions: policy.ClientOptions{
			Cloud:            opts.Cloud,
			Retry:            retry,
			PerRetryPolicies: []policy.Policy{ReadOnly{}, allowList{calls: counter, host: managementHost(opts.Cloud)}},
			Telemetry:        policy.TelemetryOptions{ApplicationID: "sdescan"},
		},
		DisableRPRegistration: true,
	}
	if opts.Transport != nil {
		o.Transport = opts.Transport
	}
	return o
}

// managementHost is the host requests may go to: the cloud's resource
// manager (the public cloud's when none is configured, as the SDK does).
func managementHost(c cloud.Configuration) string {
	if c.ActiveDirectoryAuthorityHost == "" && len(c.Services) == 0 {
		c = cloud.AzurePublic
	}
	u, err := url.Parse(c.Services[cloud.ResourceManager].Endpoint)
	if err != nil {
		return ""
	}
	return u.Host
}

// options are the client options of this subscription's clients.
func (c *collector) options() *arm.ClientOptions { return clientOptions(c.opts, c.calls) }

// errorMessage is an error as one line for a CollectError: the HTTP status,
// ARM's error code and message, or what failed on the way.
func errorMessage(err error) string {
	var refused *RefusedError
	if errors.As(err, &refused) {
		return refused.Error()
	}
	var re *azcore.ResponseError
	if errors.As(err, &re) {
		msg := fmt.Sprintf("HTTP %d", re.StatusCode)
		if re.ErrorCode != "" {
			msg += " " + re.ErrorCode
		}
		if re.RawResponse != nil {
			if body, err := runtime.Payload(re.RawResponse); err == nil {
				var e struct {
					Error struct {
						Message string `json:"message"`
					} `json:"error"`
				}
				if json.Unmarshal(body, &e) == nil && e.Error.Message != "" {
					msg += ": " + e.Error.Message
				}
			}
		}
		return checks.ErrorLine(msg)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return checks.ErrorLine("timed out: " + err.Error())
	}
	return checks.ErrorLine(err.Error())
}

// listAll reads every page of a listing (following nextLink). A listing is
// used whole or not at all: on an error it returns the error and nothing, so a
// half-read listing can never pass for a complete one.
func listAll[Page, Item any](ctx context.Context, p *runtime.Pager[Page], items func(Page) []*Item) ([]*Item, error) {
	var out []*Item
	for p.More() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, it := range items(page) {
			if it != nil {
				out = append(out, it)
			}
		}
	}
	return out, nil
}

// deref returns *p, or nil (a JSON null in the facts) when p is nil: ARM
// leaves out what is at its default, and checks must see that it is unset.
func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

// str returns a string-like enum as a string, or nil.
func str[T ~string](p *T) any {
	if p == nil {
		return nil
	}
	return string(*p)
}

// tags converts ARM tags.
func tags(in map[string]*string) map[string]string {
	if len(in) == 0 {
		return nil
	}
	out := make(map[string]string, len(in))
	for k, v := range in {
		if v != nil {
			out[k] = *v
		} else {
			out[k] = ""
		}
	}
	return out
}

// resourceGroup is the resource group named in an ARM ID ("" if none).
func resourceGroup(id string) string {
	r, err := arm.ParseResourceID(id)
	if err != nil {
		return ""
	}
	return r.ResourceGroupName
}

// val returns *p, or the zero value when p is nil.
func val[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
