package azure

import (
	"context"
	"net/http"
	"slices"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/network/armnetwork/v6"

	"github.com/sdescan/sdescan/checks"
)

var (
	nsgTypes  = []string{"azure.network.nsg"}
	vnetTypes = []string{"azure.network.vnet"}
)

func init() {
	register(service{
		name:    "network",
		covers:  []string{"azure.network.nsg", "azure.network.vnet"},
		collect: (*collector).collectNetwork,
		ops: []Operation{
			{"NetworkSecurityGroups.ListAll", http.MethodGet, "/subscriptions/{subscriptionId}/providers/Microsoft.Network/networkSecurityGroups", "Microsoft.Network/networkSecurityGroups/read"},
			{"VirtualNetworks.ListAll", http.MethodGet, "/subscriptions/{subscriptionId}/providers/Microsoft.Network/virtualNetworks", "Microsoft.Network/virtualNetworks/read"},
			{"NetworkWatchers.ListAll", http.MethodGet, "/subscriptions/{subscriptionId}/providers/Microsoft.Network/networkWatchers", "Microsoft.Network/networkWatchers/read"},
			{"FlowLogs.List", http.MethodGet, "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Network/networkWatchers/{networkWatcherName}/flowLogs", "Microsoft.Network/networkWatchers/flowLogs/read"},
		},
	})
}

// collectNetwork reads the network security groups (their rules, normalised)
// and the virtual networks, with which flow logs cover each VNet and the NSG
// of each of its subnets (for AZ-NET-003).
func (c *collector) collectNetwork(ctx context.Context) {
	opts := c.options()
	flows, flowErr := c.flowLogs(ctx)

	nsgClient, err := armnetwork.NewSecurityGroupsClient(c.sub, c.cred, opts)
	if err == nil {
		var nsgs []*armnetwork.SecurityGroup
		nsgs, err = listAll(ctx, nsgClient.NewListAllPager(nil), func(p armnetwork.SecurityGroupsClientListAllResponse) []*armnetwork.SecurityGroup { return p.Value })
		for _, g := range nsgs {
			c.add(nsgResource(c.sub, g, flows, flowErr == nil))
		}
	}
	if err != nil {
		c.fail(checks.CollectError{Service: "network", API: "NetworkSecurityGroups.ListAll", ResourceTypes: nsgTypes, Message: errorMessage(err)})
	}

	vnetClient, err := armnetwork.NewVirtualNetworksClient(c.sub, c.cred, opts)
	if err == nil {
		var vnets []*armnetwork.VirtualNetwork
		vnets, err = listAll(ctx, vnetClient.NewListAllPager(nil), func(p armnetwork.VirtualNetworksClientListAllResponse) []*armnetwork.VirtualNetwork { return p.Value })
		for _, v := range vnets {
			c.add(vnetResource(c.sub, v, flows, flowErr == nil))
		}
	}
	if err != nil {
		c.fail(checks.CollectError{Service: "network", API: "VirtualNetworks.ListAll", ResourceTypes: vnetTypes, Message: errorMessage(err)})
	}
}

// flowLogs returns whether each flow log target (lower-cased ARM ID: a VNet,
// subnet, NSG or network interface) has an enabled flow log, from every
// network watcher of the subscription. On an error the failure is recorded
// (hiding the VNets, whose flow-log coverage is then unknown) and the map is
// not to be used.
func (c *collector) flowLogs(ctx context.Context) (map[string]bool, error) {
	fail := func(api, resource string, err error) (map[string]bool, error) {
		c.fail(checks.CollectError{Service: "network", API: api, Resource: resource, ResourceTypes: vnetTypes,
			Message: "flow logs unknown: " + errorMessage(err)})
		return nil, err
	}
	watchers, err := armnetwork.NewWatchersClient(c.sub, c.cred, c.options())
	if err != nil {
		return fail("NetworkWatchers.ListAll", "", err)
	}
	list, err := listAll(ctx, watchers.NewListAllPager(nil), func(p armnetwork.WatchersClientListAllResponse) []*armnetwork.Watcher { return p.Value })
	if err != nil {
		return fail("NetworkWatchers.ListAll", "", err)
	}
	logs, err := armnetwork.NewFlowLogsClient(c.sub, c.cred, c.options())
	if err != nil {
		return fail("FlowLogs.List", "", err)
	}
	out := map[string]bool{}
	for _, w := range list {
		id := val(w.ID)
		fl, err := listAll(ctx, logs.NewListPager(resourceGroup(id), val(w.Name), nil), func(p armnetwork.FlowLogsClientListResponse) []*armnetwork.FlowLog { return p.Value })
		if err != nil {
			return fail("FlowLogs.List", armID(w.ID), err)
		}
		for _, f := range fl {
			if f.Properties == nil || f.Properties.TargetResourceID == nil {
				continue
			}
			target := armID(f.Properties.TargetResourceID)
			out[target] = out[target] || val(f.Properties.Enabled)
		}
	}
	return out, nil
}

// nsgResource normalises an NSG: each custom rule with its source prefixes
// and destination port ranges (the singular and plural properties merged).
// The default rules (which admit nothing from the internet) are left out.
func nsgResource(sub string, g *armnetwork.SecurityGroup, flows map[string]bool, flowsKnown bool) checks.Resource {
	id := armID(g.ID)
	rules := []any{}
	var subnets []any
	attrs := map[string]any{"name": val(g.Name), "resource_group": strings.ToLower(resourceGroup(val(g.ID)))}
	if p := g.Properties; p != nil {
		for _, r := range p.SecurityRules {
			if r == nil || r.Properties == nil {
				continue
			}
			rules = append(rules, securityRule(val(r.Name), r.Properties))
		}
		for _, s := range p.Subnets {
			if s != nil && s.ID != nil {
				subnets = append(subnets, armID(s.ID))
			}
		}
	}
	attrs["security_rules"] = rules
	if subnets == nil {
		subnets = []any{}
	}
	attrs["subnets"] = subnets
	if flowsKnown {
		attrs["flow_log_enabled"] = flows[id]
	}
	return checks.Resource{ID: id, Type: "azure.network.nsg", Source: Name,
		Scope: checks.Scope{Account: sub, Region: strings.ToLower(val(g.Location))}, Tags: tags(g.Tags), Attributes: attrs}
}

func securityRule(name string, p *armnetwork.SecurityRulePropertiesFormat) map[string]any {
	return map[string]any{
		"name":              name,
		"direction":         str(p.Direction),
		"access":            str(p.Access),
		"protocol":          str(p.Protocol),
		"priority":          int(val(p.Priority)),
		"source_prefixes":   merge(p.SourceAddressPrefix, p.SourceAddressPrefixes),
		"destination_ports": merge(p.DestinationPortRange, p.DestinationPortRanges),
	}
}

// merge joins a rule's singular and plural property (ARM sets one or the
// other), trimmed, without repeats, sorted.
func merge(one *string, many []*string) []any {
	var list []string
	for _, s := range append([]*string{one}, many...) {
		if s == nil {
			continue
		}
		if v := strings.TrimSpace(*s); v != "" && !slices.Contains(list, v) {
			list = append(list, v)
		}
	}
	slices.Sort(list)
	out := make([]any, len(list))
	for i, s := range list {
		out[i] = s
	}
	return out
}

// vnetResource records a VNet with its flow-log coverage: whether a flow log
// on the VNet itself is enabled and, for each subnet, its NSG and whether a
// flow log on the subnet or on that NSG is enabled. A flow log on a network
// interface is not counted: it covers one interface, not the subnet. When the
// flow logs could not be read, flow_logs is left out.
func vnetResource(sub string, v *armnetwork.VirtualNetwork, flows map[string]bool, flowsKnown bool) checks.Resource {
	id := armID(v.ID)
	attrs := map[string]any{"name": val(v.Name), "resource_group": strings.ToLower(resourceGroup(val(v.ID)))}
	if flowsKnown {
		subnets := []any{}
		if v.Properties != nil {
			for _, s := range v.Properties.Subnets {
				if s == nil {
					continue
				}
				sid := armID(s.ID)
				entry := map[string]any{"id": sid, "name": val(s.Name), "nsg": nil, "nsg_flow_log_enabled": false, "flow_log_enabled": flows[sid]}
				if s.Properties != nil && s.Properties.NetworkSecurityGroup != nil && s.Properties.NetworkSecurityGroup.ID != nil {
					nsg := armID(s.Properties.NetworkSecurityGroup.ID)
					entry["nsg"] = nsg
					entry["nsg_flow_log_enabled"] = flows[nsg]
				}
				subnets = append(subnets, entry)
			}
		}
		attrs["flow_logs"] = map[string]any{"vnet_enabled": flows[id], "subnets": subnets}
	}
	return checks.Resource{ID: id, Type: "azure.network.vnet", Source: Name,
		Scope: checks.Scope{Account: sub, Region: strings.ToLower(val(v.Location))}, Tags: tags(v.Tags), Attributes: attrs}
}
