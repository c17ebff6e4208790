package azure

import (
	"context"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/collectors"
)

// service is one part of a subscription's collection: the resource types it
// produces, the operations it may call (its share of the allow-list every
// request is held to) and the function that collects. Each service registers
// itself from its own file.
type service struct {
	name    string
	covers  []string
	ops     []Operation
	collect func(c *collector, ctx context.Context)
}

var services []service

// register adds a service; called from init functions only.
func register(s service) {
	services = append(services, s)
	sort.Slice(services, func(i, j int) bool { return services[i].name < services[j].name })
}

// Covers lists the resource types this collector gathers. A check over any
// other azure.* type finds no collector for it and is reported not assessed.
func Covers() []string {
	parts := make([][]string, len(services))
	for i, s := range services {
		parts[i] = s.covers
	}
	return collectors.TypesOf(parts...)
}

// Options say what to collect.
type Options struct {
	// Version of sdescan, recorded in the facts.
	Version string
	// Now gives the collection time (tests fix it); default time.Now.
	Now func() time.Time
	// Cloud is the Azure cloud (zero: Azure public cloud; LoadCloud reads a
	// custom one).
	Cloud cloud.Configuration
	// Subscriptions to read. Empty: those under ManagementGroup, else every
	// subscription the credential can list.
	Subscriptions []string
	// ManagementGroup, when set (and Subscriptions empty), reads every
	// subscription under it, at any depth.
	ManagementGroup string
	// Progress, when set, hears when each service starts and ends in each
	// subscription.
	Progress func(ProgressEvent)
	// RequestTimeout bounds one try of one request (default 60 s); a try that
	// times out is retried, then recorded as a collection error.
	RequestTimeout time.Duration
	// Transport sends the requests (tests: the SDK's fake servers or a local
	// stand-in's client); nil: the SDK's default HTTP client, which verifies TLS
	// with the system's roots.
	Transport policy.Transporter

	// retry replaces the retry options (tests shorten the delays).
	retry *policy.RetryOptions
}

// ProgressEvent is one service starting (Done false) or ending in a subscription.
type ProgressEvent struct {
	Subscription, Service string
	Done                  bool
	// Services is how many services run in each subscription.
	Services int
	// Errors recorded in the subscription so far.
	Errors int
}

// ServiceCount is how many services run in each subscription.
func ServiceCount() int { return len(services) }

const (
	// subscriptionWorkers bounds how many subscriptions are read at once;
	// resourceWorkers how many per-resource reads run at once in one service.
	subscriptionWorkers = 4
	resourceWorkers     = 4
	// Retries: throttling (429) and server errors (5xx, 408) are tried
	// maxRetries more times, waiting as Retry-After says (a wait beyond
	// maxRetryDelay is not waited for: the call fails and is recorded).
	maxRetries            = 4
	retryDelay            = 1 * time.Second
	maxRetryDelay         = 30 * time.Second
	defaultRequestTimeout = 60 * time.Second
)

// unknownScope is the scope of the run that records why no subscription
// could be listed.
const unknownScope = "unknown subscriptions"

// Collect reads the Azure subscriptions in scope with the credential and
// returns their facts: one run per subscription. Every request goes through
// ReadOnly and the allow-list of the operations the services declare. What
// could not be read is a CollectError naming the subscription, service and
// operation, and the resource types it hid, never an invented resource; a
// subscription that could not be read at all is a failed run.
func Collect(ctx context.Context, cred azcore.TokenCredential, opts Options) *checks.Facts {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	d := &discovery{cred: cred, opts: opts, now: now}
	subs, failed := d.subscriptions(ctx)
	runs := append([]checks.CollectorRun(nil), failed...)
	var resources []checks.Resource
	var mu sync.Mutex
	sem := make(chan struct{}, subscriptionWorkers)
	var wg sync.WaitGroup
	for _, s := range subs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			run, res := collectSubscription(ctx, cred, opts, now, s)
			mu.Lock()
			runs = append(runs, run)
			resources = append(resources, res...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	facts := &checks.Facts{
		Tool:        checks.Version{Name: "sdescan", Version: opts.Version},
		CollectedAt: now().UTC().Truncate(time.Second),
		Runs:        runs,
		Resources:   resources,
	}
	facts.Normalize()
	return facts
}

// collectSubscription runs every service in one subscription.
func collectSubscription(ctx context.Context, cred azcore.TokenCredential, opts Options, now func() time.Time, sub string) (checks.CollectorRun, []checks.Resource) {
	c := &collector{sub: sub, cred: cred, opts: opts, calls: &calls{}}
	run := checks.CollectorRun{Collector: Name, Scope: sub, Started: now().UTC().Truncate(time.Second), Covers: Covers()}
	for _, s := range services {
		c.tell(s.name, false)
		s.collect(c, ctx)
		c.tell(s.name, true)
	}
	joinBackups(c.resources, c.errors) // what protects each data store (backupjoin.go)
	run.Ended = now().UTC().Truncate(time.Second)
	run.Errors = sortedErrors(c.errors)
	run.APICalls = c.calls.snapshot()
	run.Status = checks.RunOK
	if len(run.Errors) > 0 {
		run.Status = checks.RunPartial
	}
	return run, c.resources
}

func (c *collector) tell(service string, done bool) {
	if c.opts.Progress == nil {
		return
	}
	c.mu.Lock()
	n := len(c.errors)
	c.mu.Unlock()
	c.opts.Progress(ProgressEvent{Subscription: c.sub, Service: service, Done: done, Services: ServiceCount(), Errors: n})
}

// failedRun is a subscription (or the listing of subscriptions) that could not
// be read at all: every type the collector covers is hidden.
func failedRun(now func() time.Time, scope string, e checks.CollectError) checks.CollectorRun {
	at := now().UTC().Truncate(time.Second)
	e.Collector = Name
	if e.Account == "" && scope != unknownScope {
		e.Account = scope
	}
	return checks.CollectorRun{Collector: Name, Scope: scope, Started: at, Ended: at, Status: checks.RunFailed,
		Covers: Covers(), Errors: []checks.CollectError{e}}
}

// collector reads one subscription.
type collector struct {
	sub   string
	cred  azcore.TokenCredential
	opts  Options
	calls *calls

	mu        sync.Mutex
	errors    []checks.CollectError
	resources []checks.Resource
}

// fail records what could not be read.
func (c *collector) fail(e checks.CollectError) {
	e.Collector = Name
	e.Account = c.sub
	slog.Debug("azure collection error", "subscription", c.sub, "service", e.Service, "api", e.API, "resource", e.Resource, "error", e.Message)
	c.mu.Lock()
	c.errors = append(c.errors, e)
	c.mu.Unlock()
}

// add records a resource.
func (c *collector) add(r checks.Resource) {
	c.mu.Lock()
	c.resources = append(c.resources, r)
	c.mu.Unlock()
}

// sortedErrors orders collect errors so output does not depend on scheduling.
func sortedErrors(errs []checks.CollectError) []checks.CollectError {
	out := append([]checks.CollectError(nil), errs...)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		for _, p := range [][2]string{{a.Service, b.Service}, {a.API, b.API}, {a.Resource, b.Resource}, {a.Message, b.Message}} {
			if p[0] != p[1] {
				return p[0] < p[1]
			}
		}
		return false
	})
	return out
}

// armID is a resource's ID in the facts: its ARM ID, lower-cased (ARM IDs are
// case-insensitive and providers answer them in varying case).
func armID(id *string) string {
	if id == nil {
		return ""
	}
	return strings.ToLower(*id)
}
