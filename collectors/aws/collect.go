package aws

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sort"
	"sync"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/checks/evidence"
	"github.com/sdescan/sdescan/collectors"
)

// service is one part of the collection: the resource types it produces, the
// operations it may call (its share of the read-only allow-list) and the function
// that collects. Each service registers itself from its own file.
type service struct {
	name   string
	covers []string
	ops    []Operation
	// global services run once per account, in the home region; the others run in
	// every region in scope, reading c.cfg.Region.
	global  bool
	collect func(c *collector, ctx context.Context)
}

var services []service

// register adds a service; called from init functions only.
func register(s service) {
	services = append(services, s)
	sort.Slice(services, func(i, j int) bool { return services[i].name < services[j].name })
	buildAllowList()
}

// Covers lists the resource types this collector gathers. A check over any other
// aws.* type finds no collector for it and is reported not assessed.
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
	// RequestTimeout bounds one API request (default 60 s); a request that times
	// out is retried like a throttled one, then recorded as a collection error.
	RequestTimeout time.Duration
	// Progress, when set, hears when each service starts and ends in each
	// account and region (global services report the region "global").
	Progress func(ProgressEvent)
	// Evidence, when set, keeps every raw API response (redacted) and the
	// resources cite the responses their facts come from. nil: none kept.
	Evidence evidence.Sink
	// AllowInsecureEndpoint lets requests go over plain HTTP to a host that is not
	// loopback (--allow-insecure-endpoint); otherwise they are refused before they
	// are sent (see CheckEndpoint).
	AllowInsecureEndpoint bool
	// Regions in scope. Empty: the configuration's region. AllRegions: every
	// region enabled for the account (ec2:DescribeRegions). The first region (or
	// the configuration's) is home: global services run there.
	Regions []string
}

// ProgressEvent is one service starting (Done false) or ending in an account and region.
type ProgressEvent struct {
	Account, Region, Service string
	Done                     bool
	// Services is how many services run in this region (global: the global ones).
	Services int
	// Errors recorded by the account so far.
	Errors int
}

// ServiceCount returns how many global or regional services a collection runs.
func ServiceCount(global bool) int {
	n := 0
	for _, s := range services {
		if s.global == global {
			n++
		}
	}
	return n
}

// AllRegions in Options.Regions asks for every region enabled for the account.
const AllRegions = "all"

// regionWorkers bounds how many regions are read at once; maxAttempts is how many
// times a throttled or failed call is tried.
const (
	regionWorkers         = 4
	maxAttempts           = 6
	defaultRequestTimeout = 60 * time.Second
)

// Collect reads one AWS account with the given SDK configuration (credentials,
// region, endpoint) and returns its facts. Every call goes through the read-only
// guard. A failure to read something is a CollectError in the run, never an
// invented resource: what could not be read is not assessed.
func Collect(ctx context.Context, base sdkaws.Config, opts Options) *checks.Facts {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	if err := CheckEndpoint(base, opts.AllowInsecureEndpoint); err != nil {
		return &checks.Facts{Tool: checks.Version{Name: "sdescan", Version: opts.Version}, Runs: []checks.CollectorRun{
			failedRun(now, "unknown account", checks.CollectError{Message: err.Error()}),
		}}
	}
	c := &collector{state: &state{calls: &Calls{}, now: now().UTC()}}
	c.cfg = base.Copy()
	c.cfg.APIOptions = append(c.cfg.APIOptions, ReadOnlyGuard(c.calls))
	if opts.Evidence != nil {
		c.cfg.APIOptions = append(c.cfg.APIOptions, evidenceRecorder(opts.Evidence, func() string { return c.account }, c.keep, evidenceFailed(c)))
	}
	// Throttling is retried with the SDK's adaptive mode (client-side rate limiting
	// after throttles), up to 6 attempts; only what still fails becomes an error.
	c.cfg.Retryer = func() sdkaws.Retryer {
		return retry.NewAdaptiveMode(func(o *retry.AdaptiveModeOptions) {
			o.StandardOptions = append(o.StandardOptions, func(so *retry.StandardOptions) { so.MaxAttempts = maxAttempts })
		})
	}
	timeout := opts.RequestTimeout
	if timeout <= 0 {
		timeout = defaultRequestTimeout
	}
	// A hung endpoint must not hang the scan: every request has a deadline (the
	// SDK's client keeps its transport settings, a CA bundle for instance).
	switch hc := c.cfg.HTTPClient.(type) {
	case nil:
		c.cfg.HTTPClient = awshttp.NewBuildableClient().WithTimeout(timeout)
	case *awshttp.BuildableClient:
		c.cfg.HTTPClient = hc.WithTimeout(timeout)
	}
	// Plain HTTP beyond loopback is refused before a request leaves, whichever
	// endpoint setting (a service-specific one included) produced it.
	guardEndpoints(&c.cfg, opts.AllowInsecureEndpoint)
	if len(opts.Regions) > 0 && opts.Regions[0] != AllRegions {
		c.cfg.Region = opts.Regions[0]
	}
	if c.cfg.Region == "" {
		c.cfg.Region = "us-east-1"
	}
	started := now().UTC().Truncate(time.Second)
	run := checks.CollectorRun{Collector: "aws", Started: started, Covers: Covers()}

	id, err := sts.NewFromConfig(c.cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		run.Scope = "unknown account"
		c.fail(checks.CollectError{Service: "sts", API: "GetCallerIdentity", Message: errorMessage(err)})
	} else {
		c.account = sdkaws.ToString(id.Account)
		run.Scope = c.account
		regions := c.regions(ctx, opts.Regions)
		c.home = c.cfg.Region
		for _, s := range services {
			if s.global {
				c.run(ctx, s, "global", opts.Progress)
			}
		}
		sem := make(chan struct{}, regionWorkers)
		var wg sync.WaitGroup
		for _, region := range regions {
			rc := c.inRegion(region)
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer func() { <-sem; wg.Done() }()
				for _, s := range services {
					if !s.global {
						rc.run(ctx, s, rc.cfg.Region, opts.Progress)
					}
				}
			}()
		}
		wg.Wait()
	}

	// What protects each data store is joined onto it for the backup review.
	joinBackups(c.resources, c.errors)
	run.Ended = now().UTC().Truncate(time.Second)
	run.Errors = sortedErrors(c.errors)
	run.APICalls = c.calls.Snapshot()
	run.Evidence = c.uncited()
	switch {
	case c.account == "":
		run.Status = checks.RunFailed
	case len(c.errors) > 0:
		run.Status = checks.RunPartial
	default:
		run.Status = checks.RunOK
	}
	facts := &checks.Facts{
		Tool:        checks.Version{Name: "sdescan", Version: opts.Version},
		CollectedAt: run.Ended,
		Runs:        []checks.CollectorRun{run},
		Resources:   c.resources,
	}
	facts.Normalize()
	return facts
}

// run collects one service, telling progress before and after.
func (c *collector) run(ctx context.Context, s service, region string, progress func(ProgressEvent)) {
	tell := func(done bool) {
		if progress == nil {
			return
		}
		c.mu.Lock()
		n := len(c.errors)
		c.mu.Unlock()
		progress(ProgressEvent{Account: c.account, Region: region, Service: s.name, Done: done, Services: ServiceCount(s.global), Errors: n})
	}
	tell(false)
	s.collect(c, cite(ctx))
	tell(true)
}

// regions resolves the regions in scope; the home region comes first.
func (c *collector) regions(ctx context.Context, want []string) []string {
	if len(want) == 0 {
		return []string{c.cfg.Region}
	}
	if len(want) == 1 && want[0] == AllRegions {
		out, err := ec2.NewFromConfig(c.cfg).DescribeRegions(ctx, &ec2.DescribeRegionsInput{})
		if err != nil {
			// Without the list, only the home region is read, and the run says so.
			c.fail(checks.CollectError{Region: c.cfg.Region, Service: "ec2", API: "DescribeRegions", Message: "could not list the enabled regions, so only " + c.cfg.Region + " was read: " + errorMessage(err)})
			return []string{c.cfg.Region}
		}
		list := []string{c.cfg.Region}
		for _, r := range out.Regions {
			if name := sdkaws.ToString(r.RegionName); name != c.cfg.Region {
				list = append(list, name)
			}
		}
		sort.Strings(list[1:])
		return list
	}
	seen := map[string]bool{}
	var list []string
	for _, r := range want {
		if r != "" && !seen[r] {
			seen[r] = true
			list = append(list, r)
		}
	}
	return list
}

// inRegion is the collector for one region: its own SDK configuration, the
// account's shared state.
func (c *collector) inRegion(region string) *collector {
	rc := &collector{cfg: c.cfg.Copy(), state: c.state}
	rc.cfg.Region = region
	return rc
}

// sortedErrors orders collect errors so output does not depend on scheduling.
func sortedErrors(errs []checks.CollectError) []checks.CollectError {
	out := append([]checks.CollectError(nil), errs...)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		for _, p := range [][2]string{{a.Region, b.Region}, {a.Service, b.Service}, {a.API, b.API}, {a.Resource, b.Resource}, {a.Message, b.Message}} {
			if p[0] != p[1] {
				return p[0] < p[1]
			}
		}
		return false
	})
	return out
}

// collector reads one account in one region (cfg.Region); state is shared by the
// account's regions.
type collector struct {
	cfg sdkaws.Config
	*state
}

type state struct {
	calls   *Calls
	account string
	home    string    // the home region: global services run there
	now     time.Time // when the collection started
	// The account's S3 Block Public Access, read once (nil: could not be read).
	accountPABOnce sync.Once
	accountPAB     map[string]any
	accountPABRefs []checks.EvidenceRef

	mu        sync.Mutex
	kept      map[string]checks.EvidenceRef // every response kept, by path
	errors    []checks.CollectError
	resources []checks.Resource
}

func (c *collector) fail(e checks.CollectError) {
	e.Collector = "aws"
	if e.Account == "" {
		e.Account = c.account
	}
	slog.Debug("aws collection error", "service", e.Service, "api", e.API, "resource", e.Resource, "error", e.Message)
	c.mu.Lock()
	c.errors = append(c.errors, e)
	c.mu.Unlock()
}

// addCited records a resource whose evidence is already set.
func (c *collector) addCited(r checks.Resource) {
	c.mu.Lock()
	c.resources = append(c.resources, r)
	c.mu.Unlock()
}

// add records a resource; it cites the responses read in ctx's citation scopes.
func (c *collector) add(ctx context.Context, r checks.Resource) {
	r.Evidence = citations(ctx)
	c.mu.Lock()
	c.resources = append(c.resources, r)
	c.mu.Unlock()
}

// errorCode returns the AWS error code of err, if any.
func errorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// errorMessage is an error as one line, for a CollectError.
func errorMessage(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		msg := ae.ErrorCode()
		if m := ae.ErrorMessage(); m != "" {
			msg += ": " + m
		}
		return checks.ErrorLine(msg)
	}
	var refused *RefusedError
	if errors.As(err, &refused) {
		return refused.Error()
	}
	return checks.ErrorLine(err.Error())
}

func resourceID(account, region, kind, name string) string {
	return fmt.Sprintf("aws://%s/%s/%s/%s", account, region, kind, name)
}

// pager is what every AWS SDK paginator provides.
type pager[Out, Opt any] interface {
	HasMorePages() bool
	NextPage(context.Context, ...func(*Opt)) (*Out, error)
}

// listAll reads every page of a listing. A listing is used whole or not at all:
// on an error it returns the error and nothing, so a half-read listing can never
// pass for a complete one.
func listAll[Out, Opt, Item any](ctx context.Context, p pager[Out, Opt], items func(*Out) []Item) ([]Item, error) {
	var out []Item
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		out = append(out, items(page)...)
	}
	return out, nil
}

// notOffered reports whether err says the service has no endpoint in the region
// (its host name does not exist: AppStream 2.0 and WorkSpaces are offered in some
// regions only). There is then nothing to collect there, which is a fact, not a
// collection error. Any other failure, a DNS server that cannot be reached
// included, is not this.
func (c *collector) notOffered(err error, service string) bool {
	var dns *net.DNSError
	if err == nil || !errors.As(err, &dns) || !dns.IsNotFound || c.cfg.BaseEndpoint != nil {
		return false
	}
	slog.Info("service not offered in region", "account", c.account, "region", c.cfg.Region, "service", service, "host", dns.Name)
	return true
}
