package azure

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/managementgroups/armmanagementgroups"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armsubscriptions"

	"github.com/sdescan/sdescan/checks"
)

// discovery finds the subscriptions in scope.
type discovery struct {
	cred azcore.TokenCredential
	opts Options
	now  func() time.Time
}

// readable are the subscription states whose resources can be read.
var readable = []armsubscriptions.SubscriptionState{
	armsubscriptions.SubscriptionStateEnabled, armsubscriptions.SubscriptionStateWarned, armsubscriptions.SubscriptionStatePastDue,
}

// subscriptions returns the subscriptions to read and a failed run for each
// one (or for the listing) that cannot be read: given ones and those under a
// management group are each read with Subscriptions.Get, which says whether
// the credential reaches them and their state.
func (d *discovery) subscriptions(ctx context.Context) ([]string, []checks.CollectorRun) {
	ids := dedupe(d.opts.Subscriptions)
	if len(ids) == 0 && d.opts.ManagementGroup != "" {
		var err error
		if ids, err = d.underGroup(ctx, d.opts.ManagementGroup); err != nil {
			return nil, []checks.CollectorRun{failedRun(d.now, unknownScope, checks.CollectError{Service: "managementgroups", API: "ManagementGroups.Get",
				Resource: d.opts.ManagementGroup, Message: "could not list the subscriptions under management group " + d.opts.ManagementGroup + ": " + errorMessage(err)})}
		}
		if len(ids) == 0 {
			return nil, []checks.CollectorRun{failedRun(d.now, unknownScope, checks.CollectError{Service: "managementgroups", API: "ManagementGroups.Get",
				Resource: d.opts.ManagementGroup, Message: "management group " + d.opts.ManagementGroup + " holds no subscription the credential can see"})}
		}
	}
	client, err := armsubscriptions.NewClient(d.cred, clientOptions(d.opts, nil))
	if err != nil {
		return nil, []checks.CollectorRun{failedRun(d.now, unknownScope, checks.CollectError{Service: "subscriptions", Message: err.Error()})}
	}
	if len(ids) == 0 {
		subs, err := listAll(ctx, client.NewListPager(nil), func(p armsubscriptions.ClientListResponse) []*armsubscriptions.Subscription { return p.Value })
		if err != nil {
			return nil, []checks.CollectorRun{failedRun(d.now, unknownScope, checks.CollectError{Service: "subscriptions", API: "Subscriptions.List",
				Message: "could not list the subscriptions: " + errorMessage(err)})}
		}
		if len(subs) == 0 {
			return nil, []checks.CollectorRun{failedRun(d.now, unknownScope, checks.CollectError{Service: "subscriptions", API: "Subscriptions.List",
				Message: "the credential can see no subscription"})}
		}
		var out []string
		var failed []checks.CollectorRun
		for _, s := range subs {
			if run, ok := d.check(s); ok {
				out = append(out, strings.ToLower(val(s.SubscriptionID)))
			} else {
				failed = append(failed, run)
			}
		}
		return out, failed
	}
	var out []string
	var failed []checks.CollectorRun
	for _, id := range ids {
		resp, err := client.Get(ctx, id, nil)
		if err != nil {
			failed = append(failed, failedRun(d.now, id, checks.CollectError{Service: "subscriptions", API: "Subscriptions.Get",
				Message: "could not read the subscription: " + errorMessage(err)}))
			continue
		}
		if run, ok := d.check(&resp.Subscription); ok {
			out = append(out, id)
		} else {
			failed = append(failed, run)
		}
	}
	return out, failed
}

// check says whether a subscription's resources can be read (its state), or
// the failed run that says why not.
func (d *discovery) check(s *armsubscriptions.Subscription) (checks.CollectorRun, bool) {
	id := strings.ToLower(val(s.SubscriptionID))
	if s.State != nil && slices.Contains(readable, *s.State) {
		return checks.CollectorRun{}, true
	}
	state := "unknown"
	if s.State != nil {
		state = string(*s.State)
	}
	return failedRun(d.now, id, checks.CollectError{Service: "subscriptions", API: "Subscriptions.Get",
		Message: fmt.Sprintf("the subscription is %s: its resources were not read", state)}), false
}

// underGroup lists every subscription under a management group, at any depth
// (ManagementGroups.Get with $expand=children&$recurse=true).
func (d *discovery) underGroup(ctx context.Context, group string) ([]string, error) {
	client, err := armmanagementgroups.NewClient(d.cred, clientOptions(d.opts, nil))
	if err != nil {
		return nil, err
	}
	resp, err := client.Get(ctx, group, &armmanagementgroups.ClientGetOptions{
		Expand: to.Ptr(armmanagementgroups.ManagementGroupExpandTypeChildren), Recurse: to.Ptr(true)})
	if err != nil {
		return nil, err
	}
	var out []string
	var walk func([]*armmanagementgroups.ManagementGroupChildInfo)
	walk = func(children []*armmanagementgroups.ManagementGroupChildInfo) {
		for _, ch := range children {
			if ch == nil {
				continue
			}
			if ch.Type != nil && *ch.Type == armmanagementgroups.ManagementGroupChildTypeSubscriptions && ch.Name != nil {
				out = append(out, strings.ToLower(*ch.Name))
			}
			walk(ch.Children)
		}
	}
	if resp.Properties != nil {
		walk(resp.Properties.Children)
	}
	return dedupe(out), nil
}

// dedupe lower-cases, trims and removes repeats and empty entries, keeping order.
func dedupe(in []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range in {
		s = strings.ToLower(strings.TrimSpace(s))
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
