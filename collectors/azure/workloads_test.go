package azure

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"

	azfake "github.com/Azure/azure-sdk-for-go/sdk/azcore/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/databricks/armdatabricks"
	dbxfake "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/databricks/armdatabricks/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/desktopvirtualization/armdesktopvirtualization/v2"
	avdfake "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/desktopvirtualization/armdesktopvirtualization/v2/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/machinelearning/armmachinelearning/v4"
	mlfake "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/machinelearning/armmachinelearning/v4/fake"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/checks/engine"
	"github.com/sdescan/sdescan/collectors"
)

// workloadsEstate serves the analysis workloads in the stand-in's
// subscription, in the JSON shapes the REST references document: Azure
// Virtual Desktop host pools (API 2023-09-05) over two pages, Azure Machine
// Learning workspaces (2024-04-01: a hub, a project of it, a project whose hub
// is in another subscription, a classic workspace) and Databricks workspaces
// (2023-02-01, parameters as {"type", "value"} objects).
func workloadsEstate(a *armStandIn) {
	s := "/subscriptions/" + sub1
	rg := s + "/resourceGroups/rg-sde"
	avd := rg + "/providers/Microsoft.DesktopVirtualization/hostPools"
	a.set(s+"/providers/Microsoft.DesktopVirtualization/hostPools",
		`{"value": [{"id": "`+avd+`/HP-Airlock", "name": "HP-Airlock", "type": "Microsoft.DesktopVirtualization/hostPools", "location": "uksouth",
		  "tags": {"data-classification": "identifiable"},
		  "properties": {"hostPoolType": "Pooled", "loadBalancerType": "BreadthFirst", "preferredAppGroupType": "Desktop", "publicNetworkAccess": "EnabledForClientsOnly",
		    "customRdpProperty": "drivestoredirect:s:;audiomode:i:0; RedirectClipboard : i : 0 ;usbdevicestoredirect:s:;redirectprinters:i:0;devicestoredirect:s:*;enablerdsaadauth:i:1;",
		    "registrationInfo": {"expirationTime": null, "registrationTokenOperation": "None"}}}]}`,
		`{"value": [{"id": "`+avd+`/hp-default", "name": "hp-default", "type": "Microsoft.DesktopVirtualization/hostPools", "location": "ukwest",
		  "properties": {"hostPoolType": "Personal", "loadBalancerType": "Persistent", "preferredAppGroupType": "Desktop", "customRdpProperty": null}},
		 {"id": "`+avd+`/hp-usb", "name": "hp-usb", "type": "Microsoft.DesktopVirtualization/hostPools", "location": "uksouth",
		  "properties": {"hostPoolType": "Pooled", "loadBalancerType": "DepthFirst", "preferredAppGroupType": "RailApplications",
		    "customRdpProperty": "redirectclipboard:i:0;drivestoredirect:s:C:;E:;usbdevicestoredirect:s:*;-{6bdd1fc6-810f-11d0-bec7-08002be2092f};redirectprinters:i:1"}}]}`)
	ml := rg + "/providers/Microsoft.MachineLearningServices/workspaces"
	a.set(s+"/providers/Microsoft.MachineLearningServices/workspaces",
		`{"value": [
		  {"id": "`+ml+`/mlw-sde", "name": "mlw-sde", "type": "Microsoft.MachineLearningServices/workspaces", "location": "uksouth", "kind": "Default",
		   "tags": {"data-classification": "pseudonymised"}, "identity": {"type": "SystemAssigned"}, "sku": {"name": "Basic", "tier": "Basic"},
		   "properties": {"friendlyName": "SDE", "publicNetworkAccess": "Disabled", "hbiWorkspace": true, "allowPublicAccessWhenBehindVnet": false,
		     "managedNetwork": {"isolationMode": "AllowOnlyApprovedOutbound", "outboundRules": {"pypi": {"type": "FQDN", "category": "UserDefined", "destination": "pypi.org"}}},
		     "storageAccount": "`+rg+`/providers/Microsoft.Storage/storageAccounts/sadata", "keyVault": "`+rg+`/providers/Microsoft.KeyVault/vaults/kv-sde"}},
		  {"id": "`+ml+`/Hub-Research", "name": "Hub-Research", "type": "Microsoft.MachineLearningServices/workspaces", "location": "uksouth", "kind": "Hub",
		   "properties": {"publicNetworkAccess": "Enabled"}},
		  {"id": "`+ml+`/proj-a", "name": "proj-a", "type": "Microsoft.MachineLearningServices/workspaces", "location": "uksouth", "kind": "Project",
		   "properties": {"hubResourceId": "`+strings.ToUpper(ml)+`/HUB-RESEARCH"}},
		  {"id": "`+ml+`/proj-b", "name": "proj-b", "type": "Microsoft.MachineLearningServices/workspaces", "location": "uksouth", "kind": "Project",
		   "properties": {"hubResourceId": "/subscriptions/`+sub2+`/resourceGroups/rg-hub/providers/Microsoft.MachineLearningServices/workspaces/hub-shared"}}]}`)
	dbx := rg + "/providers/Microsoft.Databricks/workspaces"
	a.set(s+"/providers/Microsoft.Databricks/workspaces",
		`{"value": [
		  {"id": "`+dbx+`/dbx-sde", "name": "dbx-sde", "type": "Microsoft.Databricks/workspaces", "location": "uksouth", "sku": {"name": "premium"},
		   "properties": {"managedResourceGroupId": "`+s+`/resourceGroups/databricks-rg-dbx-sde", "publicNetworkAccess": "Disabled", "requiredNsgRules": "NoAzureDatabricksRules",
		     "parameters": {"enableNoPublicIp": {"type": "Bool", "value": true},
		       "customVirtualNetworkId": {"type": "String", "value": "`+rg+`/providers/Microsoft.Network/virtualNetworks/VNET-SDE"},
		       "customPublicSubnetName": {"type": "String", "value": "host"}, "customPrivateSubnetName": {"type": "String", "value": "container"}},
		     "provisioningState": "Succeeded", "workspaceUrl": "adb-1.2.azuredatabricks.net"}},
		  {"id": "`+dbx+`/dbx-old", "name": "dbx-old", "type": "Microsoft.Databricks/workspaces", "location": "ukwest", "sku": {"name": "standard"},
		   "properties": {"managedResourceGroupId": "`+s+`/resourceGroups/databricks-rg-dbx-old", "parameters": {"enableNoPublicIp": {"type": "Bool", "value": false}}}},
		  {"id": "`+dbx+`/dbx-bare", "name": "dbx-bare", "type": "Microsoft.Databricks/workspaces", "location": "uksouth",
		   "properties": {"managedResourceGroupId": "`+s+`/resourceGroups/databricks-rg-dbx-bare"}}]}`)
}

// TestCollectWorkloads: host pools, ML workspaces and Databricks workspaces
// are collected with the settings their checks read; the host pools' listing
// over two pages is read whole.
func TestCollectWorkloads(t *testing.T) {
	a := newStandIn(t)
	estate(a)
	opts := a.options()
	opts.Subscriptions = []string{sub1}
	f := Collect(context.Background(), staticCredential{}, opts)
	if err := f.Validate(); err != nil {
		t.Fatal(err)
	}
	if len(f.Runs) != 1 {
		t.Fatalf("runs %+v", f.Runs)
	}
	if e := workloadErrors(f.Runs[0]); len(e) != 0 {
		t.Fatalf("errors %+v", e)
	}
	for _, typ := range []string{"azure.avd.host_pool", "azure.ml.workspace", "azure.databricks.workspace"} {
		if !slices.Contains(f.Runs[0].Covers, typ) {
			t.Errorf("covers %v: no %s", f.Runs[0].Covers, typ)
		}
	}
	avd := rgID + "/providers/microsoft.desktopvirtualization/hostpools/"
	ml := rgID + "/providers/microsoft.machinelearningservices/workspaces/"
	dbx := rgID + "/providers/microsoft.databricks/workspaces/"
	res := byID(f)
	for _, tc := range []struct {
		id, typ, region string
		attrs           map[string]string // attribute → JSON
		absent          []string
	}{
		{avd + "hp-airlock", "azure.avd.host_pool", "uksouth", map[string]string{
			"name": `"HP-Airlock"`, "resource_group": `"rg-sde"`, "host_pool_type": `"Pooled"`, "public_network_access": `"EnabledForClientsOnly"`,
			"custom_rdp_property": `"drivestoredirect:s:;audiomode:i:0; RedirectClipboard : i : 0 ;usbdevicestoredirect:s:;redirectprinters:i:0;devicestoredirect:s:*;enablerdsaadauth:i:1;"`,
			"rdp_properties":      `{"audiomode":"0","devicestoredirect":"*","drivestoredirect":"","enablerdsaadauth":"1","redirectclipboard":"0","redirectprinters":"0","usbdevicestoredirect":""}`,
		}, []string{"registration_info", "token"}},
		{avd + "hp-default", "azure.avd.host_pool", "ukwest", map[string]string{
			"host_pool_type": `"Personal"`, "public_network_access": "null", "custom_rdp_property": "null", "rdp_properties": `{}`,
		}, nil},
		{avd + "hp-usb", "azure.avd.host_pool", "uksouth", map[string]string{
			"rdp_properties": `{"drivestoredirect":"C:;E:","redirectclipboard":"0","redirectprinters":"1","usbdevicestoredirect":"*;-{6bdd1fc6-810f-11d0-bec7-08002be2092f}"}`,
		}, nil},
		{ml + "mlw-sde", "azure.ml.workspace", "uksouth", map[string]string{
			"name": `"mlw-sde"`, "resource_group": `"rg-sde"`, "kind": `"Default"`, "public_network_access": `"Disabled"`, "hbi_workspace": "true",
			"allow_public_access_when_behind_vnet": "false", "managed_network_isolation_mode": `"AllowOnlyApprovedOutbound"`, "hub_resource_id": "null",
		}, []string{"hub_public_network_access", "hub_hbi_workspace"}},
		{ml + "hub-research", "azure.ml.workspace", "uksouth", map[string]string{
			"kind": `"Hub"`, "public_network_access": `"Enabled"`, "hbi_workspace": "null", "managed_network_isolation_mode": "null", "hub_resource_id": "null",
		}, nil},
		{ml + "proj-a", "azure.ml.workspace", "uksouth", map[string]string{
			"kind": `"Project"`, "public_network_access": "null", "hbi_workspace": "null", "hub_resource_id": `"` + ml + `hub-research"`,
			"hub_public_network_access": `"Enabled"`, "hub_hbi_workspace": "null",
		}, nil},
		{ml + "proj-b", "azure.ml.workspace", "uksouth", map[string]string{
			"hub_resource_id": `"/subscriptions/` + sub2 + `/resourcegroups/rg-hub/providers/microsoft.machinelearningservices/workspaces/hub-shared"`,
		}, []string{"hub_public_network_access", "hub_hbi_workspace"}},
		{dbx + "dbx-sde", "azure.databricks.workspace", "uksouth", map[string]string{
			"name": `"dbx-sde"`, "resource_group": `"rg-sde"`, "sku": `"premium"`, "public_network_access": `"Disabled"`,
			"required_nsg_rules": `"NoAzureDatabricksRules"`, "enable_no_public_ip": "true",
			"custom_virtual_network_id": `"` + rgID + `/providers/microsoft.network/virtualnetworks/vnet-sde"`,
		}, nil},
		{dbx + "dbx-old", "azure.databricks.workspace", "ukwest", map[string]string{
			"sku": `"standard"`, "public_network_access": "null", "required_nsg_rules": "null", "enable_no_public_ip": "false", "custom_virtual_network_id": "null",
		}, nil},
		{dbx + "dbx-bare", "azure.databricks.workspace", "uksouth", map[string]string{
			"sku": "null", "public_network_access": "null", "enable_no_public_ip": "null",
		}, nil},
	} {
		r, ok := res[tc.id]
		if !ok {
			t.Errorf("%s not collected", tc.id)
			continue
		}
		if r.Type != tc.typ || r.Source != "azure" || r.Scope != (checks.Scope{Account: sub1, Region: tc.region}) {
			t.Errorf("%s: type %s source %s scope %+v", tc.id, r.Type, r.Source, r.Scope)
		}
		for k, want := range tc.attrs {
			v, ok := r.Attributes[k]
			if got := jsonOf(t, v); !ok || got != want {
				t.Errorf("%s: %s = %s, want %s", tc.id, k, got, want)
			}
		}
		for _, k := range tc.absent {
			if _, ok := r.Attributes[k]; ok {
				t.Errorf("%s: %s recorded", tc.id, k)
			}
		}
	}
	if got := res[ml+"mlw-sde"].Tags["data-classification"]; got != "pseudonymised" {
		t.Errorf("tags: data-classification %q", got)
	}
	calls := f.Runs[0].APICalls
	for op, n := range map[string]int{"HostPools.List": 2, "MLWorkspaces.ListBySubscription": 1, "DatabricksWorkspaces.ListBySubscription": 1} {
		if calls[op] != n {
			t.Errorf("api calls %s = %d, want %d (%v)", op, calls[op], n, calls)
		}
	}
	if n := a.hit(http.MethodGet, "/subscriptions/"+sub1+"/providers/Microsoft.DesktopVirtualization/hostPools"); n != 2 {
		t.Errorf("host pools listed %d times, want 2 (two pages)", n)
	}
}

// TestCollectWorkloadsFaults: a listing that fails (403, an unregistered
// provider, a second page that fails) records a CollectError hiding its type,
// and nothing half-read; the other workloads are collected.
func TestCollectWorkloadsFaults(t *testing.T) {
	hp := rgID + "/providers/microsoft.desktopvirtualization/hostpools/hp-airlock"
	ml := rgID + "/providers/microsoft.machinelearningservices/workspaces/mlw-sde"
	dbx := rgID + "/providers/microsoft.databricks/workspaces/dbx-sde"
	for _, tc := range []struct {
		name, path string
		fault      fault
		want       checks.CollectError // Message: a substring
		present    []string
		absent     []string
	}{
		{
			name: "403 on Azure Virtual Desktop", path: "/providers/microsoft.desktopvirtualization/", fault: status(403, "AuthorizationFailed", "no read on Microsoft.DesktopVirtualization"),
			want: checks.CollectError{Service: "avd", API: "HostPools.List", ResourceTypes: avdTypes,
				Message: "HTTP 403 AuthorizationFailed: no read on Microsoft.DesktopVirtualization"},
			present: []string{ml, dbx}, absent: []string{hp},
		},
		{
			name: "second page of host pools fails", path: "/providers/microsoft.desktopvirtualization/",
			fault: func(w http.ResponseWriter, r *http.Request, _ int) bool {
				if r.URL.Query().Get("page") == "" {
					return false
				}
				armError(w, http.StatusForbidden, "AuthorizationFailed", "denied")
				return true
			},
			want:    checks.CollectError{Service: "avd", API: "HostPools.List", ResourceTypes: avdTypes, Message: "HTTP 403"},
			present: []string{ml, dbx}, absent: []string{hp},
		},
		{
			name: "403 on Machine Learning", path: "/providers/microsoft.machinelearningservices/", fault: status(403, "AuthorizationFailed", "no read on Microsoft.MachineLearningServices"),
			want: checks.CollectError{Service: "ml", API: "MLWorkspaces.ListBySubscription", ResourceTypes: mlTypes,
				Message: "HTTP 403 AuthorizationFailed: no read on Microsoft.MachineLearningServices"},
			present: []string{hp, dbx}, absent: []string{ml},
		},
		{
			name: "Databricks not registered", path: "/providers/microsoft.databricks/",
			fault: status(409, "MissingSubscriptionRegistration", "The subscription is not registered to use namespace 'Microsoft.Databricks'"),
			want: checks.CollectError{Service: "databricks", API: "DatabricksWorkspaces.ListBySubscription", ResourceTypes: databricksTypes,
				Message: "HTTP 409 MissingSubscriptionRegistration"},
			present: []string{hp, ml}, absent: []string{dbx},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := newStandIn(t)
			estate(a)
			a.fail(tc.path, tc.fault)
			opts := a.options()
			opts.Subscriptions = []string{sub1}
			f := Collect(context.Background(), staticCredential{}, opts)
			if err := f.Validate(); err != nil {
				t.Fatal(err)
			}
			if len(f.Runs) != 1 || f.Runs[0].Status != checks.RunPartial {
				t.Fatalf("runs %+v, want one partial run", f.Runs)
			}
			errs := workloadErrors(f.Runs[0])
			if len(errs) != 1 {
				t.Fatalf("errors %+v, want one", errs)
			}
			g, w := errs[0], tc.want
			if g.Collector != "azure" || g.Account != sub1 || g.Service != w.Service || g.API != w.API || g.Resource != "" ||
				!slices.Equal(g.ResourceTypes, w.ResourceTypes) || !strings.Contains(g.Message, w.Message) {
				t.Errorf("error %+v, want %+v", g, w)
			}
			res := byID(f)
			for _, id := range tc.present {
				if _, ok := res[id]; !ok {
					t.Errorf("%s not collected", id)
				}
			}
			for _, id := range tc.absent {
				if _, ok := res[id]; ok {
					t.Errorf("%s collected", id)
				}
			}
			for _, r := range f.Resources {
				if slices.Contains(w.ResourceTypes, r.Type) {
					t.Errorf("%s (%s) collected from a listing that failed", r.ID, r.Type)
				}
			}
		})
	}
}

// workloadErrors are a run's collection errors from these three services
// (the other services' are their own tests' business).
func workloadErrors(run checks.CollectorRun) []checks.CollectError {
	var out []checks.CollectError
	for _, e := range run.Errors {
		if slices.Contains([]string{"avd", "ml", "databricks"}, e.Service) {
			out = append(out, e)
		}
	}
	return out
}

// TestRDPProperties: customRdpProperty as real host pools carry it.
func TestRDPProperties(t *testing.T) {
	for _, tc := range []struct{ raw, want string }{
		{"", `{}`},
		{";;", `{}`},
		{"redirectclipboard:i:0", `{"redirectclipboard":"0"}`},
		{" RedirectPrinters :I: 0 ;", `{"redirectprinters":"0"}`},
		{"drivestoredirect:s:", `{"drivestoredirect":""}`},
		{"drivestoredirect:s:*", `{"drivestoredirect":"*"}`},
		// Later items win, as the client reads them.
		{"redirectclipboard:i:0;redirectclipboard:i:1", `{"redirectclipboard":"1"}`},
		// Values holding colons and semicolons.
		{"drivestoredirect:s:C:;D:;redirectprinters:i:0", `{"drivestoredirect":"C:;D:","redirectprinters":"0"}`},
		{"usbdevicestoredirect:s:*;-{6bdd1fc6-810f-11d0-bec7-08002be2092f}", `{"usbdevicestoredirect":"*;-{6bdd1fc6-810f-11d0-bec7-08002be2092f}"}`},
		{"alternate shell:s:C:\\Program Files\\app.exe", `{"alternate shell":"C:\\Program Files\\app.exe"}`},
		// A segment before any property, or with an unknown type, is not one.
		{"junk;redirectclipboard:x:0", `{}`},
	} {
		if got := jsonOf(t, rdpProperties(tc.raw)); got != tc.want {
			t.Errorf("%q: %s, want %s", tc.raw, got, tc.want)
		}
	}
}

// workloadFakes routes each workload's requests to its SDK fake server.
type workloadFakes struct{ avd, ml, dbx policy.Transporter }

func (w workloadFakes) Do(req *http.Request) (*http.Response, error) {
	p := strings.ToLower(req.URL.Path)
	switch {
	case strings.Contains(p, "/microsoft.desktopvirtualization/"):
		return w.avd.Do(req)
	case strings.Contains(p, "/microsoft.machinelearningservices/"):
		return w.ml.Do(req)
	}
	return w.dbx.Do(req)
}

// TestWorkloadsFakeServers: the three services against the SDK's own fake
// servers, which serialise the SDK's models; Databricks answers 403. (Their
// pagers' nextLink, a path no operation declares, would be refused: paging is
// tested against the stand-in.)
func TestWorkloadsFakeServers(t *testing.T) {
	t.Setenv("AZURE_TOKEN_CREDENTIALS", "AzureCLICredential")
	rg := "/subscriptions/" + sub1 + "/resourceGroups/rg"
	av := &avdfake.ServerFactory{}
	av.HostPoolsServer.NewListPager = func(*armdesktopvirtualization.HostPoolsClientListOptions) (resp azfake.PagerResponder[armdesktopvirtualization.HostPoolsClientListResponse]) {
		pool := func(name string, rdp *string) *armdesktopvirtualization.HostPool {
			return &armdesktopvirtualization.HostPool{ID: to.Ptr(rg + "/providers/Microsoft.DesktopVirtualization/hostPools/" + name), Location: to.Ptr("uksouth"),
				Properties: &armdesktopvirtualization.HostPoolProperties{HostPoolType: to.Ptr(armdesktopvirtualization.HostPoolTypePooled), CustomRdpProperty: rdp,
					RegistrationInfo: &armdesktopvirtualization.RegistrationInfo{Token: to.Ptr("never-recorded")}}}
		}
		resp.AddPage(http.StatusOK, armdesktopvirtualization.HostPoolsClientListResponse{HostPoolList: armdesktopvirtualization.HostPoolList{
			Value: []*armdesktopvirtualization.HostPool{pool("hp1", to.Ptr("redirectclipboard:i:1;drivestoredirect:s:*")), pool("hp2", nil)}}}, nil)
		return
	}
	ml := &mlfake.ServerFactory{}
	ml.WorkspacesServer.NewListBySubscriptionPager = func(*armmachinelearning.WorkspacesClientListBySubscriptionOptions) (resp azfake.PagerResponder[armmachinelearning.WorkspacesClientListBySubscriptionResponse]) {
		resp.AddPage(http.StatusOK, armmachinelearning.WorkspacesClientListBySubscriptionResponse{WorkspaceListResult: armmachinelearning.WorkspaceListResult{Value: []*armmachinelearning.Workspace{{
			ID: to.Ptr(rg + "/providers/Microsoft.MachineLearningServices/workspaces/mlw"), Location: to.Ptr("uksouth"), Kind: to.Ptr("Default"),
			Properties: &armmachinelearning.WorkspaceProperties{PublicNetworkAccess: to.Ptr(armmachinelearning.PublicNetworkAccessEnabled), HbiWorkspace: to.Ptr(false),
				ManagedNetwork: &armmachinelearning.ManagedNetworkSettings{IsolationMode: to.Ptr(armmachinelearning.IsolationModeAllowInternetOutbound)}},
		}}}}, nil)
		return
	}
	db := &dbxfake.ServerFactory{}
	db.WorkspacesServer.NewListBySubscriptionPager = func(*armdatabricks.WorkspacesClientListBySubscriptionOptions) (resp azfake.PagerResponder[armdatabricks.WorkspacesClientListBySubscriptionResponse]) {
		resp.AddResponseError(http.StatusForbidden, "AuthorizationFailed")
		return
	}
	tr := workloadFakes{avd: avdfake.NewServerFactoryTransport(av), ml: mlfake.NewServerFactoryTransport(ml), dbx: dbxfake.NewServerFactoryTransport(db)}
	c := &collector{sub: sub1, cred: staticCredential{}, opts: Options{Transport: tr}, calls: &calls{}}
	ctx := context.Background()
	c.collectAVD(ctx)
	c.collectML(ctx)
	c.collectDatabricks(ctx)
	if len(c.errors) != 1 || c.errors[0].API != "DatabricksWorkspaces.ListBySubscription" || !strings.Contains(c.errors[0].Message, "HTTP 403 AuthorizationFailed") {
		t.Errorf("errors %+v", c.errors)
	}
	got := map[string]string{}
	for _, r := range c.resources {
		got[r.ID] = jsonOf(t, r.Attributes)
	}
	lrg := strings.ToLower(rg)
	for id, want := range map[string]string{
		lrg + "/providers/microsoft.desktopvirtualization/hostpools/hp1":    `{"custom_rdp_property":"redirectclipboard:i:1;drivestoredirect:s:*","host_pool_type":"Pooled","name":"","public_network_access":null,"rdp_properties":{"drivestoredirect":"*","redirectclipboard":"1"},"resource_group":"rg"}`,
		lrg + "/providers/microsoft.desktopvirtualization/hostpools/hp2":    `{"custom_rdp_property":null,"host_pool_type":"Pooled","name":"","public_network_access":null,"rdp_properties":{},"resource_group":"rg"}`,
		lrg + "/providers/microsoft.machinelearningservices/workspaces/mlw": `{"allow_public_access_when_behind_vnet":null,"hbi_workspace":false,"hub_resource_id":null,"kind":"Default","managed_network_isolation_mode":"AllowInternetOutbound","name":"","public_network_access":"Enabled","resource_group":"rg"}`,
	} {
		if got[id] != want {
			t.Errorf("%s:\n got %s\nwant %s", id, got[id], want)
		}
	}
	if len(c.resources) != 3 {
		t.Errorf("%d resources", len(c.resources))
	}
}

// TestWorkloadChecks runs the real checks over what the collector read from
// the stand-in: each host pool, ML workspace and Databricks workspace gets the
// verdict its settings call for, with the failing item named; what was not
// read (a project's hub in another subscription) is an error, never a pass.
func TestWorkloadChecks(t *testing.T) {
	a := newStandIn(t)
	estate(a)
	opts := a.options()
	opts.Subscriptions = []string{sub1}
	f := Collect(context.Background(), staticCredential{}, opts)
	matchesSchema(t, f)
	e, err := engine.New(collectors.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	fs, err := e.Evaluate(context.Background(), f, engine.Params{AsOf: f.AsOf()})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]checks.Finding{}
	for _, x := range fs {
		got[x.CheckID+" "+x.ResourceID] = x
	}
	avd := rgID + "/providers/microsoft.desktopvirtualization/hostpools/"
	ml := rgID + "/providers/microsoft.machinelearningservices/workspaces/"
	dbx := rgID + "/providers/microsoft.databricks/workspaces/"
	for _, tc := range []struct {
		key    string
		status checks.Status
		msgs   []string // each in some message
	}{
		{"AZ-AVD-001 " + avd + "hp-airlock", checks.Pass, nil},
		{"AZ-AVD-001 " + avd + "hp-default", checks.Fail, []string{"redirects the clipboard (redirectclipboard not set: the RDP default redirects)",
			"redirects printers (redirectprinters not set"}},
		{"AZ-AVD-001 " + avd + "hp-usb", checks.Fail, []string{"host pool hp-usb redirects local drives (drivestoredirect:C:;E:)",
			"redirects USB devices (usbdevicestoredirect:*;-{6bdd1fc6-810f-11d0-bec7-08002be2092f})", "redirects printers (redirectprinters:1)"}},
		{"AZ-ML-001 " + ml + "mlw-sde", checks.Pass, nil},
		{"AZ-ML-001 " + ml + "hub-research", checks.Fail, []string{"ML workspace Hub-Research allows public network access (publicNetworkAccess Enabled)"}},
		{"AZ-ML-001 " + ml + "proj-a", checks.Fail, []string{"publicNetworkAccess Enabled, its hub's"}},
		{"AZ-ML-001 " + ml + "proj-b", checks.Error, []string{"cannot assess, fact missing: attributes.hub_public_network_access"}},
		{"AZ-DBX-001 " + dbx + "dbx-sde", checks.Pass, nil},
		{"AZ-DBX-001 " + dbx + "dbx-old", checks.Fail, []string{"enableNoPublicIp false", "publicNetworkAccess not set: Enabled by default"}},
		{"AZ-DBX-001 " + dbx + "dbx-bare", checks.Fail, []string{"publicNetworkAccess not set"}},
	} {
		g, ok := got[tc.key]
		if !ok || g.Status != tc.status {
			t.Errorf("%s: %q %v, want %q", tc.key, g.Status, g.Messages, tc.status)
			continue
		}
		all := strings.Join(g.Messages, "\n")
		for _, m := range tc.msgs {
			if !strings.Contains(all, m) {
				t.Errorf("%s: messages %q, want %q", tc.key, g.Messages, m)
			}
		}
	}
}

// demoWorkloads serves the demo subscription's analysis workloads, for
// demoEstateMore to call (demo_test.go): the genomics desktops' host pool with
// the airlock's redirections off, a Machine Learning workspace for the
// pseudonymised genomics data behind private endpoints, and a Databricks
// workspace with secure cluster connectivity whose front end is still public
// (the fault AZ-DBX-001 finds).
func demoWorkloads(a *armStandIn, s, rg, ws string) {
	a.set(s+"/providers/Microsoft.DesktopVirtualization/hostPools",
		`{"value": [{"id": "`+rg+`/providers/Microsoft.DesktopVirtualization/hostPools/hp-tre-genomics", "name": "hp-tre-genomics",
		  "type": "Microsoft.DesktopVirtualization/hostPools", "location": "uksouth", "tags": {"data-classification": "pseudonymised"},
		  "properties": {"hostPoolType": "Pooled", "loadBalancerType": "BreadthFirst", "preferredAppGroupType": "Desktop", "publicNetworkAccess": "EnabledForClientsOnly",
		    "customRdpProperty": "enablerdsaadauth:i:1;redirectclipboard:i:0;drivestoredirect:s:;usbdevicestoredirect:s:;redirectprinters:i:0;redirectcomports:i:0;camerastoredirect:s:;devicestoredirect:s:"}}]}`)
	a.set(s+"/providers/Microsoft.MachineLearningServices/workspaces",
		`{"value": [{"id": "`+ws+`/providers/Microsoft.MachineLearningServices/workspaces/mlw-genomics", "name": "mlw-genomics",
		  "type": "Microsoft.MachineLearningServices/workspaces", "location": "uksouth", "kind": "Default", "tags": {"data-classification": "pseudonymised"},
		  "properties": {"publicNetworkAccess": "Disabled", "hbiWorkspace": true, "allowPublicAccessWhenBehindVnet": false,
		    "managedNetwork": {"isolationMode": "AllowOnlyApprovedOutbound"}}}]}`)
	a.set(s+"/providers/Microsoft.Databricks/workspaces",
		`{"value": [{"id": "`+ws+`/providers/Microsoft.Databricks/workspaces/dbw-genomics", "name": "dbw-genomics",
		  "type": "Microsoft.Databricks/workspaces", "location": "uksouth", "sku": {"name": "premium"}, "tags": {"data-classification": "pseudonymised"},
		  "properties": {"managedResourceGroupId": "`+s+`/resourceGroups/databricks-rg-dbw-genomics", "publicNetworkAccess": "Enabled", "requiredNsgRules": "AllRules",
		    "parameters": {"enableNoPublicIp": {"type": "Bool", "value": true},
		      "customVirtualNetworkId": {"type": "String", "value": "`+rg+`/providers/Microsoft.Network/virtualNetworks/vnet-tre"}}}}]}`)
}
