package azure

import (
	"context"
	"net/http"
	"slices"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/security/armsecurity"

	"github.com/sdescan/sdescan/checks"
)

var defenderTypes = []string{"azure.subscription.defender"}

func init() {
	register(service{
		name:    "defender",
		covers:  defenderTypes,
		collect: (*collector).collectDefender,
		ops: []Operation{
			{"Pricings.List", http.MethodGet, "/subscriptions/{subscriptionId}/providers/Microsoft.Security/pricings", "Microsoft.Security/pricings/read"},
		},
	})
}

// collectDefender reads the subscription's Microsoft Defender for Cloud plans
// (Pricings.List at subscription scope, one response, no paging) into one
// azure.subscription.defender resource. A listing that fails records the
// error and no resource, so AZ-DEF-001 is not assessed for the subscription.
func (c *collector) collectDefender(ctx context.Context) {
	client, err := armsecurity.NewPricingsClient(c.cred, c.options())
	var list []*armsecurity.Pricing
	if err == nil {
		var resp armsecurity.PricingsClientListResponse
		resp, err = client.List(ctx, "subscriptions/"+c.sub, nil)
		list = resp.Value
	}
	if err != nil {
		c.fail(checks.CollectError{Service: "defender", API: "Pricings.List", ResourceTypes: defenderTypes, Message: errorMessage(err)})
		return
	}
	c.add(defenderResource(c.sub, list))
}

// defenderResource records each plan's name, pricing tier (Standard is on,
// Free is off), sub-plan and whether it is deprecated, sorted by name.
func defenderResource(sub string, list []*armsecurity.Pricing) checks.Resource {
	type plan struct {
		name  string
		entry map[string]any
	}
	var plans []plan
	for _, p := range list {
		if p == nil || p.Name == nil {
			continue
		}
		pp := p.Properties
		if pp == nil {
			pp = &armsecurity.PricingProperties{}
		}
		plans = append(plans, plan{*p.Name, map[string]any{
			"name":         *p.Name,
			"pricing_tier": str(pp.PricingTier),
			"sub_plan":     deref(pp.SubPlan),
			"deprecated":   val(pp.Deprecated),
		}})
	}
	slices.SortFunc(plans, func(a, b plan) int { return strings.Compare(strings.ToLower(a.name), strings.ToLower(b.name)) })
	out := make([]any, len(plans))
	for i, p := range plans {
		out[i] = p.entry
	}
	return checks.Resource{
		ID: "/subscriptions/" + sub + "/providers/microsoft.security/pricings", Type: "azure.subscription.defender", Source: Name,
		Scope: checks.Scope{Account: sub}, Attributes: map[string]any{"plans": out},
	}
}
