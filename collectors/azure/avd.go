package azure

import (
	"context"
	"net/http"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/desktopvirtualization/armdesktopvirtualization/v2"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/checks/rdpprops"
)

var avdTypes = []string{"azure.avd.host_pool"}

func init() {
	register(service{
		name:    "avd",
		covers:  avdTypes,
		collect: (*collector).collectAVD,
		ops: []Operation{
			{"HostPools.List", http.MethodGet, "/subscriptions/{subscriptionId}/providers/Microsoft.DesktopVirtualization/hostPools", "Microsoft.DesktopVirtualization/hostpools/read"},
		},
	})
}

// collectAVD lists the subscription's Azure Virtual Desktop host pools
// (HostPools.List, API version 2023-09-05, which no longer returns the
// registration token: that needs the retrieveRegistrationToken POST, which is
// never sent). The registration info is not recorded in any case.
func (c *collector) collectAVD(ctx context.Context) {
	client, err := armdesktopvirtualization.NewHostPoolsClient(c.sub, c.cred, c.options())
	var pools []*armdesktopvirtualization.HostPool
	if err == nil {
		pools, err = listAll(ctx, client.NewListPager(nil), func(p armdesktopvirtualization.HostPoolsClientListResponse) []*armdesktopvirtualization.HostPool {
			return p.Value
		})
	}
	if err != nil {
		c.fail(checks.CollectError{Service: "avd", API: "HostPools.List", ResourceTypes: avdTypes, Message: errorMessage(err)})
		return
	}
	for _, h := range pools {
		c.add(hostPoolResource(c.sub, h))
	}
}

// hostPoolResource records one host pool: its type, public network access
// and its custom RDP properties, both as ARM gives them and parsed (the
// redirections of the clipboard, drives, USB devices and printers are set
// there). An unset customRdpProperty is null, and rdp_properties then empty:
// every redirection is at its RDP default.
func hostPoolResource(sub string, h *armdesktopvirtualization.HostPool) checks.Resource {
	p := h.Properties
	if p == nil {
		p = &armdesktopvirtualization.HostPoolProperties{}
	}
	attrs := map[string]any{
		"name":                  val(h.Name),
		"resource_group":        strings.ToLower(resourceGroup(val(h.ID))),
		"host_pool_type":        str(p.HostPoolType),
		"public_network_access": str(p.PublicNetworkAccess),
		"custom_rdp_property":   deref(p.CustomRdpProperty),
		"rdp_properties":        rdpProperties(val(p.CustomRdpProperty)),
	}
	return checks.Resource{ID: armID(h.ID), Type: "azure.avd.host_pool", Source: Name,
		Scope: checks.Scope{Account: sub, Region: strings.ToLower(val(h.Location))}, Tags: tags(h.Tags), Attributes: attrs}
}

// rdpProperties parses a host pool's customRdpProperty (checks/rdpprops, the
// one parser the IaC collector shares, so that AZ-AVD-001 and IAC-AZ-006 read
// the same values): names lower-cased, values trimmed, a later item replacing
// an earlier one, values that hold semicolons kept whole.
func rdpProperties(raw string) map[string]any { return rdpprops.Parse(raw) }
