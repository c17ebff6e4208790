package azure

import (
	"context"
	"net/http"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/containerservice/armcontainerservice/v6"

	"github.com/sdescan/sdescan/checks"
)

var aksTypes = []string{"azure.aks.cluster"}

func init() {
	register(service{
		name:    "aks",
		covers:  aksTypes,
		collect: (*collector).collectAKS,
		ops: []Operation{
			{"ManagedClusters.List", http.MethodGet, "/subscriptions/{subscriptionId}/providers/Microsoft.ContainerService/managedClusters", "Microsoft.ContainerService/managedClusters/read"},
		},
	})
}

// collectAKS lists the subscription's AKS clusters with their properties
// (ManagedClusters.List; no credential is ever listed). Settings ARM leaves
// out are null.
func (c *collector) collectAKS(ctx context.Context) {
	client, err := armcontainerservice.NewManagedClustersClient(c.sub, c.cred, c.options())
	var clusters []*armcontainerservice.ManagedCluster
	if err == nil {
		clusters, err = listAll(ctx, client.NewListPager(nil), func(p armcontainerservice.ManagedClustersClientListResponse) []*armcontainerservice.ManagedCluster {
			return p.Value
		})
	}
	if err != nil {
		c.fail(checks.CollectError{Service: "aks", API: "ManagedClusters.List", ResourceTypes: aksTypes, Message: errorMessage(err)})
		return
	}
	for _, m := range clusters {
		c.add(aksResource(c.sub, m))
	}
}

// aksResource records one cluster: how its API server is reached, whether
// local accounts are off, its Microsoft Entra integration and RBAC, and its
// network policy engine.
func aksResource(sub string, m *armcontainerservice.ManagedCluster) checks.Resource {
	p := m.Properties
	if p == nil {
		p = &armcontainerservice.ManagedClusterProperties{}
	}
	attrs := map[string]any{
		"name":                   val(m.Name),
		"resource_group":         strings.ToLower(resourceGroup(val(m.ID))),
		"kubernetes_version":     deref(p.CurrentKubernetesVersion),
		"private_cluster":        nil,
		"authorized_ip_ranges":   []any{},
		"public_network_access":  str(p.PublicNetworkAccess),
		"disable_local_accounts": deref(p.DisableLocalAccounts),
		"enable_rbac":            deref(p.EnableRBAC),
		"entra_managed":          nil,
		"enable_azure_rbac":      nil,
		"network_policy":         nil,
	}
	if a := p.APIServerAccessProfile; a != nil {
		attrs["private_cluster"] = deref(a.EnablePrivateCluster)
		attrs["authorized_ip_ranges"] = merge(nil, a.AuthorizedIPRanges)
	}
	if a := p.AADProfile; a != nil {
		attrs["entra_managed"] = deref(a.Managed)
		attrs["enable_azure_rbac"] = deref(a.EnableAzureRBAC)
	}
	if n := p.NetworkProfile; n != nil {
		attrs["network_policy"] = str(n.NetworkPolicy)
	}
	return checks.Resource{ID: armID(m.ID), Type: "azure.aks.cluster", Source: Name,
		Scope: checks.Scope{Account: sub, Region: strings.ToLower(val(m.Location))}, Tags: tags(m.Tags), Attributes: attrs}
}
