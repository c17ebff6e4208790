package azure

import (
	"context"
	"net/http"
	"slices"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/monitor/armmonitor"

	"github.com/sdescan/sdescan/checks"
)

var activityLogTypes = []string{"azure.subscription.activity_log"}

func init() {
	register(service{
		name:    "monitor",
		covers:  activityLogTypes,
		collect: (*collector).collectActivityLog,
		ops: []Operation{
			{"SubscriptionDiagnosticSettings.List", http.MethodGet, "/subscriptions/{subscriptionId}/providers/Microsoft.Insights/diagnosticSettings", "Microsoft.Insights/diagnosticSettings/read"},
		},
	})
}

// collectActivityLog reads the subscription's diagnostic settings, which are
// what exports its activity log (GET /subscriptions/{id}/providers/
// Microsoft.Insights/diagnosticSettings, api-version 2021-05-01-preview: the
// SDK's DiagnosticSettings client with the subscription as the resource URI,
// the path and version of Subscription Diagnostic Settings - List) into one
// azure.subscription.activity_log resource. A listing that fails records the
// error and no resource, so AZ-MON-001 is not assessed for the subscription.
func (c *collector) collectActivityLog(ctx context.Context) {
	client, err := armmonitor.NewDiagnosticSettingsClient(c.cred, c.options())
	var list []*armmonitor.DiagnosticSettingsResource
	if err == nil {
		list, err = listAll(ctx, client.NewListPager("subscriptions/"+c.sub, nil), func(p armmonitor.DiagnosticSettingsClientListResponse) []*armmonitor.DiagnosticSettingsResource {
			return p.Value
		})
	}
	if err != nil {
		c.fail(checks.CollectError{Service: "monitor", API: "SubscriptionDiagnosticSettings.List", ResourceTypes: activityLogTypes, Message: errorMessage(err)})
		return
	}
	c.add(activityLogResource(c.sub, list))
}

// activityLogResource records each diagnostic setting: its destinations
// (Log Analytics workspace, storage account, event hub, partner solution;
// lower-cased IDs, null when unset) and its log categories and category
// groups with whether each is enabled, sorted by name.
func activityLogResource(sub string, list []*armmonitor.DiagnosticSettingsResource) checks.Resource {
	settings := []any{}
	slices.SortFunc(list, func(a, b *armmonitor.DiagnosticSettingsResource) int {
		return strings.Compare(strings.ToLower(val(a.Name)), strings.ToLower(val(b.Name)))
	})
	for _, d := range list {
		p := d.Properties
		if p == nil {
			p = &armmonitor.DiagnosticSettings{}
		}
		logs := []any{}
		for _, l := range p.Logs {
			if l == nil {
				continue
			}
			logs = append(logs, map[string]any{"category": deref(l.Category), "category_group": deref(l.CategoryGroup), "enabled": val(l.Enabled)})
		}
		settings = append(settings, map[string]any{
			"name":                            val(d.Name),
			"workspace_id":                    lowerOrNil(p.WorkspaceID),
			"storage_account_id":              lowerOrNil(p.StorageAccountID),
			"event_hub_authorization_rule_id": lowerOrNil(p.EventHubAuthorizationRuleID),
			"event_hub_name":                  deref(p.EventHubName),
			"marketplace_partner_id":          lowerOrNil(p.MarketplacePartnerID),
			"logs":                            logs,
		})
	}
	return checks.Resource{
		ID: "/subscriptions/" + sub + "/providers/microsoft.insights/diagnosticsettings", Type: "azure.subscription.activity_log", Source: Name,
		Scope: checks.Scope{Account: sub}, Attributes: map[string]any{"diagnostic_settings": settings},
	}
}

// lowerOrNil is an ARM ID lower-cased, or nil when unset or blank (ARM may
// answer "" for a destination that is not set).
func lowerOrNil(p *string) any {
	if p == nil || strings.TrimSpace(*p) == "" {
		return nil
	}
	return strings.ToLower(strings.TrimSpace(*p))
}
