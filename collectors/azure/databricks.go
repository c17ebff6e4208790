package azure

import (
	"context"
	"net/http"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/databricks/armdatabricks"

	"github.com/sdescan/sdescan/checks"
)

var databricksTypes = []string{"azure.databricks.workspace"}

func init() {
	register(service{
		name:    "databricks",
		covers:  databricksTypes,
		collect: (*collector).collectDatabricks,
		ops: []Operation{
			{"DatabricksWorkspaces.ListBySubscription", http.MethodGet, "/subscriptions/{subscriptionId}/providers/Microsoft.Databricks/workspaces", "Microsoft.Databricks/workspaces/read"},
		},
	})
}

// collectDatabricks lists the subscription's Azure Databricks workspaces
// (DatabricksWorkspaces.ListBySubscription: the SDK's
// Workspaces.ListBySubscription, API version 2023-02-01).
func (c *collector) collectDatabricks(ctx context.Context) {
	client, err := armdatabricks.NewWorkspacesClient(c.sub, c.cred, c.options())
	var list []*armdatabricks.Workspace
	if err == nil {
		list, err = listAll(ctx, client.NewListBySubscriptionPager(nil), func(p armdatabricks.WorkspacesClientListBySubscriptionResponse) []*armdatabricks.Workspace {
			return p.Value
		})
	}
	if err != nil {
		c.fail(checks.CollectError{Service: "databricks", API: "DatabricksWorkspaces.ListBySubscription", ResourceTypes: databricksTypes, Message: errorMessage(err)})
		return
	}
	for _, w := range list {
		c.add(databricksResource(c.sub, w))
	}
}

// databricksResource records one workspace: secure cluster connectivity (no
// public IP on the cluster nodes), public network access to the workspace,
// the NSG rules Azure manages for the data plane, and VNet injection.
// Settings ARM leaves out are null; enableNoPublicIp unset is left null, not
// taken as a default, because its default has changed across API versions
// (false before 2024-05-01, true since).
func databricksResource(sub string, w *armdatabricks.Workspace) checks.Resource {
	p := w.Properties
	if p == nil {
		p = &armdatabricks.WorkspaceProperties{}
	}
	attrs := map[string]any{
		"name":                      val(w.Name),
		"resource_group":            strings.ToLower(resourceGroup(val(w.ID))),
		"sku":                       nil,
		"public_network_access":     str(p.PublicNetworkAccess),
		"required_nsg_rules":        str(p.RequiredNsgRules),
		"enable_no_public_ip":       nil,
		"custom_virtual_network_id": nil,
	}
	if w.SKU != nil {
		attrs["sku"] = deref(w.SKU.Name)
	}
	if q := p.Parameters; q != nil {
		if q.EnableNoPublicIP != nil {
			attrs["enable_no_public_ip"] = deref(q.EnableNoPublicIP.Value)
		}
		if q.CustomVirtualNetworkID != nil && q.CustomVirtualNetworkID.Value != nil {
			attrs["custom_virtual_network_id"] = strings.ToLower(*q.CustomVirtualNetworkID.Value)
		}
	}
	return checks.Resource{ID: armID(w.ID), Type: "azure.databricks.workspace", Source: Name,
		Scope: checks.Scope{Account: sub, Region: strings.ToLower(val(w.Location))}, Tags: tags(w.Tags), Attributes: attrs}
}
