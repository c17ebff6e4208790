package azure

import (
	"context"
	"net/http"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/machinelearning/armmachinelearning/v4"

	"github.com/sdescan/sdescan/checks"
)

var mlTypes = []string{"azure.ml.workspace"}

func init() {
	register(service{
		name:    "ml",
		covers:  mlTypes,
		collect: (*collector).collectML,
		ops: []Operation{
			{"MLWorkspaces.ListBySubscription", http.MethodGet, "/subscriptions/{subscriptionId}/providers/Microsoft.MachineLearningServices/workspaces", "Microsoft.MachineLearningServices/workspaces/read"},
		},
	})
}

// collectML lists the subscription's Azure Machine Learning workspaces,
// Azure AI Foundry hubs and projects among them (MLWorkspaces.ListBySubscription:
// the SDK's Workspaces.ListBySubscription, API version 2024-04-01; never their
// keys or notebook tokens).
func (c *collector) collectML(ctx context.Context) {
	client, err := armmachinelearning.NewWorkspacesClient(c.sub, c.cred, c.options())
	var list []*armmachinelearning.Workspace
	if err == nil {
		list, err = listAll(ctx, client.NewListBySubscriptionPager(nil), func(p armmachinelearning.WorkspacesClientListBySubscriptionResponse) []*armmachinelearning.Workspace {
			return p.Value
		})
	}
	if err != nil {
		c.fail(checks.CollectError{Service: "ml", API: "MLWorkspaces.ListBySubscription", ResourceTypes: mlTypes, Message: errorMessage(err)})
		return
	}
	byID := make(map[string]*armmachinelearning.Workspace, len(list))
	for _, w := range list {
		byID[armID(w.ID)] = w
	}
	for _, w := range list {
		c.add(mlWorkspaceResource(c.sub, w, byID))
	}
}

// mlWorkspaceResource records one workspace: its kind, public network access
// and high-business-impact flag. Settings ARM leaves out are null. A project
// (kind Project) inherits its hub's security settings, so when its hub is in
// the same listing the hub's two settings are recorded beside its own; a hub
// in another subscription is not read here, and those attributes are then
// left out.
func mlWorkspaceResource(sub string, w *armmachinelearning.Workspace, byID map[string]*armmachinelearning.Workspace) checks.Resource {
	p := w.Properties
	if p == nil {
		p = &armmachinelearning.WorkspaceProperties{}
	}
	attrs := map[string]any{
		"name":                                 val(w.Name),
		"resource_group":                       strings.ToLower(resourceGroup(val(w.ID))),
		"kind":                                 deref(w.Kind),
		"public_network_access":                str(p.PublicNetworkAccess),
		"allow_public_access_when_behind_vnet": deref(p.AllowPublicAccessWhenBehindVnet),
		"hbi_workspace":                        deref(p.HbiWorkspace),
		"managed_network_isolation_mode":       nil,
		"hub_resource_id":                      nil,
	}
	if m := p.ManagedNetwork; m != nil {
		attrs["managed_network_isolation_mode"] = str(m.IsolationMode)
	}
	if hub := strings.TrimSpace(val(p.HubResourceID)); hub != "" {
		attrs["hub_resource_id"] = strings.ToLower(hub)
		if h, ok := byID[strings.ToLower(hub)]; ok {
			hp := h.Properties
			if hp == nil {
				hp = &armmachinelearning.WorkspaceProperties{}
			}
			attrs["hub_public_network_access"] = str(hp.PublicNetworkAccess)
			attrs["hub_hbi_workspace"] = deref(hp.HbiWorkspace)
		}
	}
	return checks.Resource{ID: armID(w.ID), Type: "azure.ml.workspace", Source: Name,
		Scope: checks.Scope{Account: sub, Region: strings.ToLower(val(w.Location))}, Tags: tags(w.Tags), Attributes: attrs}
}
