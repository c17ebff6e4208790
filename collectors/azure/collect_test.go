package azure

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sdescan/sdescan/checks"
)

const rgID = "/subscriptions/" + sub1 + "/resourcegroups/rg-sde"

func byID(f *checks.Facts) map[string]checks.Resource {
	out := map[string]checks.Resource{}
	for _, r := range f.Resources {
		out[r.ID] = r
	}
	return out
}

// jsonOf is a value as JSON, to compare attributes whatever their Go types.
func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestCollect: every type is collected from the stand-in, with the settings
// the checks read; a listing over two pages (nextLink) is read whole; each
// call is counted once.
func TestCollect(t *testing.T) {
	a := newStandIn(t)
	estate(a)
	opts := a.options()
	opts.Subscriptions = []string{strings.ToUpper(sub1)}
	var events []ProgressEvent
	opts.Progress = func(e ProgressEvent) { events = append(events, e) }
	f := Collect(context.Background(), staticCredential{}, opts)
	if err := f.Validate(); err != nil {
		t.Fatal(err)
	}
	if len(f.Runs) != 1 || f.Runs[0].Status != checks.RunOK || f.Runs[0].Scope != sub1 || len(f.Runs[0].Errors) != 0 {
		t.Fatalf("runs %+v", f.Runs)
	}
	if !slices.Equal(f.Runs[0].Covers, []string{"azure.aks.cluster", "azure.avd.host_pool", "azure.compute.disk", "azure.compute.virtual_machine", "azure.databricks.workspace", "azure.dataprotection.backup_vault", "azure.keyvault.vault", "azure.ml.workspace", "azure.network.nsg", "azure.network.vnet", "azure.postgresql.flexible_server", "azure.recoveryservices.vault", "azure.sql.database", "azure.sql.server", "azure.storage.account",
		"azure.subscription.activity_log", "azure.subscription.defender", "azure.subscription.policy", "azure.subscription.rbac"}) {
		t.Errorf("covers %v", f.Runs[0].Covers)
	}
	res := byID(f)
	if len(res) != 10+4+10 { // + the 4 subscription-level resources of governance_test.go; + the 10 of workloads_test.go
		t.Errorf("%d resources: %v", len(res), res)
	}
	for _, tc := range []struct {
		id, typ, region string
		attrs           map[string]string // attribute → JSON
	}{
		{rgID + "/providers/microsoft.storage/storageaccounts/sadata", "azure.storage.account", "uksouth", map[string]string{
			"name": `"SaData"`, "allow_blob_public_access": "false", "https_only": "true", "minimum_tls_version": `"TLS1_2"`,
			"public_network_access": `"Disabled"`, "network_default_action": `"Deny"`, "allow_shared_key_access": "false",
			"encryption_key_source": `"Microsoft.Keyvault"`, "resource_group": `"rg-sde"`,
			"blob_service": `{"present":true,"soft_delete_days":14,"soft_delete_enabled":true,"versioning_enabled":true}`,
		}},
		{rgID + "/providers/microsoft.storage/storageaccounts/saold", "azure.storage.account", "ukwest", map[string]string{
			"allow_blob_public_access": "null", "https_only": "null", "minimum_tls_version": "null", "public_network_access": "null",
			"network_default_action": "null", "allow_shared_key_access": "null", "encryption_key_source": `"Microsoft.Storage"`,
			"blob_service": `{"present":true,"soft_delete_days":0,"soft_delete_enabled":false,"versioning_enabled":false}`,
		}},
		{rgID + "/providers/microsoft.storage/storageaccounts/safiles", "azure.storage.account", "uksouth", map[string]string{
			"kind": `"FileStorage"`, "blob_service": `{"present":false}`,
		}},
		{rgID + "/providers/microsoft.network/networksecuritygroups/nsg-web", "azure.network.nsg", "uksouth", map[string]string{
			"security_rules": `[{"access":"Allow","destination_ports":["22"],"direction":"Inbound","name":"ssh","priority":100,"protocol":"Tcp","source_prefixes":["Internet"]},` +
				`{"access":"Allow","destination_ports":["443","8000-8100"],"direction":"Inbound","name":"web","priority":200,"protocol":"*","source_prefixes":["10.0.0.0/8","192.168.0.0/16"]}]`,
			"subnets":          `["` + rgID + `/providers/microsoft.network/virtualnetworks/vnet-sde/subnets/web"]`,
			"flow_log_enabled": "true",
		}},
		{rgID + "/providers/microsoft.network/virtualnetworks/vnet-sde", "azure.network.vnet", "uksouth", map[string]string{
			"flow_logs": `{"subnets":[{"flow_log_enabled":false,"id":"` + rgID + `/providers/microsoft.network/virtualnetworks/vnet-sde/subnets/web","name":"web","nsg":"` + rgID + `/providers/microsoft.network/networksecuritygroups/nsg-web","nsg_flow_log_enabled":true},` +
				`{"flow_log_enabled":false,"id":"` + rgID + `/providers/microsoft.network/virtualnetworks/vnet-sde/subnets/data","name":"data","nsg":null,"nsg_flow_log_enabled":false}],"vnet_enabled":false}`,
		}},
		{rgID + "/providers/microsoft.keyvault/vaults/kv-sde", "azure.keyvault.vault", "uksouth", map[string]string{
			"enable_soft_delete": "true", "enable_purge_protection": "true", "enable_rbac_authorization": "true",
			"public_network_access": `"Disabled"`, "network_default_action": `"Deny"`, "soft_delete_retention_days": "90",
		}},
		{rgID + "/providers/microsoft.containerservice/managedclusters/aks-sde", "azure.aks.cluster", "uksouth", map[string]string{
			"name": `"aks-sde"`, "kubernetes_version": `"1.31.2"`, "private_cluster": "false", "authorized_ip_ranges": `["198.51.100.7/32","203.0.113.0/24"]`,
			"public_network_access": `"Enabled"`, "disable_local_accounts": "true", "enable_rbac": "true", "entra_managed": "true",
			"enable_azure_rbac": "true", "network_policy": `"cilium"`,
		}},
		{rgID + "/providers/microsoft.sql/servers/sql-sde", "azure.sql.server", "uksouth", map[string]string{
			"name": `"sql-sde"`, "resource_group": `"rg-sde"`, "version": `"12.0"`, "public_network_access": `"Disabled"`,
			"minimal_tls_version": `"1.2"`, "azure_ad_only_authentication": "true",
		}},
		{rgID + "/providers/microsoft.sql/servers/sql-legacy", "azure.sql.server", "ukwest", map[string]string{
			"public_network_access": "null", "minimal_tls_version": "null", "azure_ad_only_authentication": "false",
		}},
		{rgID + "/providers/microsoft.dbforpostgresql/flexibleservers/pg-sde", "azure.postgresql.flexible_server", "uksouth", map[string]string{
			"name": `"pg-sde"`, "resource_group": `"rg-sde"`, "version": `"16"`, "public_network_access": `"Disabled"`,
			"delegated_subnet": `"` + rgID + `/providers/microsoft.network/virtualnetworks/vnet-sde/subnets/data"`, "require_secure_transport": `"on"`,
		}},
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
	}
	if got := res[rgID+"/providers/microsoft.storage/storageaccounts/sadata"].Tags["classification"]; got != "identifiable" {
		t.Errorf("tags: classification %q", got)
	}
	calls := f.Runs[0].APICalls
	for op, n := range map[string]int{"StorageAccounts.List": 2, "BlobServices.GetServiceProperties": 2, "NetworkSecurityGroups.ListAll": 1,
		"VirtualNetworks.ListAll": 1, "NetworkWatchers.ListAll": 1, "FlowLogs.List": 1, "Vaults.ListBySubscription": 1,
		"Servers.List": 2, "ServerAzureADOnlyAuthentications.ListByServer": 2, "FlexibleServers.List": 1, "Configurations.Get": 1,
		"ManagedClusters.List": 1} {
		if calls[op] != n {
			t.Errorf("api calls %s = %d, want %d (%v)", op, calls[op], n, calls)
		}
	}
	if len(events) != 2*ServiceCount() || events[0].Subscription != sub1 || events[len(events)-1].Done != true {
		t.Errorf("progress events %+v", events)
	}
}

// TestCollectFaults: whatever fails is a CollectError naming the
// subscription, service and operation and hiding exactly the types it could
// not read, while the rest is collected; throttling with Retry-After is
// waited out; a subscription that cannot be read is a failed run.
func TestCollectFaults(t *testing.T) {
	sa := rgID + "/providers/microsoft.storage/storageaccounts/sadata"
	nsg := rgID + "/providers/microsoft.network/networksecuritygroups/nsg-web"
	vnet := rgID + "/providers/microsoft.network/virtualnetworks/vnet-sde"
	kv := rgID + "/providers/microsoft.keyvault/vaults/kv-sde"
	sql := rgID + "/providers/microsoft.sql/servers/sql-sde"
	pg := rgID + "/providers/microsoft.dbforpostgresql/flexibleservers/pg-sde"
	aks := rgID + "/providers/microsoft.containerservice/managedclusters/aks-sde"
	for _, tc := range []struct {
		name, path string
		fault      fault
		status     string
		want       []checks.CollectError // Message: a substring
		present    []string
		absent     []string
		check      func(t *testing.T, a *armStandIn, f *checks.Facts)
		// minElapsed: the collection waited at least this long (Retry-After).
		minElapsed time.Duration
	}{
		{
			name: "403 on storage", path: "/providers/microsoft.storage/", fault: status(403, "AuthorizationFailed", "no read on Microsoft.Storage"),
			status: checks.RunPartial,
			want: []checks.CollectError{{Service: "storage", API: "StorageAccounts.List", ResourceTypes: storageTypes,
				Message: "HTTP 403 AuthorizationFailed: no read on Microsoft.Storage"}},
			present: []string{nsg, vnet, kv}, absent: []string{sa},
		},
		{
			name: "403 on SQL", path: "/providers/microsoft.sql/", fault: status(403, "AuthorizationFailed", "no read on Microsoft.Sql"),
			status: checks.RunPartial,
			want: []checks.CollectError{{Service: "sql", API: "Servers.List", ResourceTypes: sqlListTypes,
				Message: "HTTP 403 AuthorizationFailed: no read on Microsoft.Sql"}},
			present: []string{sa, nsg, vnet, kv, pg}, absent: []string{sql},
		},
		{
			name: "403 on PostgreSQL", path: "/providers/microsoft.dbforpostgresql/", fault: status(403, "AuthorizationFailed", "no read on Microsoft.DBforPostgreSQL"),
			status: checks.RunPartial,
			want: []checks.CollectError{{Service: "postgresql", API: "FlexibleServers.List", ResourceTypes: postgresTypes,
				Message: "HTTP 403 AuthorizationFailed: no read on Microsoft.DBforPostgreSQL"}},
			present: []string{sa, nsg, vnet, kv, sql}, absent: []string{pg},
		},
		{
			name: "403 on AKS", path: "/providers/microsoft.containerservice/", fault: status(403, "AuthorizationFailed", "no read on Microsoft.ContainerService"),
			status: checks.RunPartial,
			want: []checks.CollectError{{Service: "aks", API: "ManagedClusters.List", ResourceTypes: aksTypes,
				Message: "HTTP 403 AuthorizationFailed: no read on Microsoft.ContainerService"}},
			present: []string{sa, nsg, vnet, kv, sql, pg}, absent: []string{aks},
		},
		{
			name: "403 on one SQL server's Entra-only setting", path: "/servers/sql-sde/azureadonlyauthentications", fault: status(403, "AuthorizationFailed", "denied"),
			status: checks.RunPartial,
			want: []checks.CollectError{{Service: "sql", API: "ServerAzureADOnlyAuthentications.ListByServer", Resource: sql, ResourceTypes: sqlTypes,
				Message: "HTTP 403"}},
			present: []string{sql, pg},
			check: func(t *testing.T, _ *armStandIn, f *checks.Facts) {
				if _, ok := byID(f)[sql].Attributes["azure_ad_only_authentication"]; ok {
					t.Error("azure_ad_only_authentication recorded although it could not be read")
				}
			},
		},
		{
			name: "403 on a PostgreSQL server parameter", path: "/configurations/require_secure_transport", fault: status(403, "AuthorizationFailed", "denied"),
			status: checks.RunPartial,
			want: []checks.CollectError{{Service: "postgresql", API: "Configurations.Get", Resource: pg, ResourceTypes: postgresTypes,
				Message: "require_secure_transport: HTTP 403"}},
			present: []string{sql, pg},
			check: func(t *testing.T, _ *armStandIn, f *checks.Facts) {
				if _, ok := byID(f)[pg].Attributes["require_secure_transport"]; ok {
					t.Error("require_secure_transport recorded although it could not be read")
				}
			},
		},
		{
			name: "unregistered provider", path: "/providers/microsoft.keyvault/vaults", fault: status(409, "MissingSubscriptionRegistration", "The subscription is not registered to use namespace 'Microsoft.KeyVault'"),
			status: checks.RunPartial,
			want: []checks.CollectError{{Service: "keyvault", API: "Vaults.ListBySubscription", ResourceTypes: keyVaultTypes,
				Message: "HTTP 409 MissingSubscriptionRegistration"}},
			present: []string{sa, nsg, vnet}, absent: []string{kv},
		},
		{
			name: "403 on one account's blob service", path: "/storageaccounts/sadata/blobservices/", fault: status(403, "AuthorizationFailed", "denied"),
			status:  checks.RunPartial,
			want:    []checks.CollectError{{Service: "storage", API: "BlobServices.GetServiceProperties", Resource: sa, ResourceTypes: storageTypes, Message: "HTTP 403"}},
			present: []string{sa, nsg, vnet, kv},
			check: func(t *testing.T, _ *armStandIn, f *checks.Facts) {
				if _, ok := byID(f)[sa].Attributes["blob_service"]; ok {
					t.Error("blob_service recorded although it could not be read")
				}
			},
		},
		{
			name: "429 with Retry-After, then success", path: "/providers/microsoft.network/networksecuritygroups",
			fault: func(w http.ResponseWriter, _ *http.Request, try int) bool {
				if try > 1 {
					return false
				}
				w.Header().Set("Retry-After", "1")
				armError(w, http.StatusTooManyRequests, "TooManyRequests", "slow down")
				return true
			},
			status: checks.RunOK, present: []string{sa, nsg, vnet, kv}, minElapsed: time.Second,
			check: func(t *testing.T, a *armStandIn, f *checks.Facts) {
				if n := f.Runs[0].APICalls["NetworkSecurityGroups.ListAll"]; n != 2 {
					t.Errorf("NetworkSecurityGroups.ListAll sent %d times, want 2", n)
				}
			},
		},
		{
			name: "429 with a Retry-After beyond the bound", path: "/providers/microsoft.network/networksecuritygroups",
			fault: func(w http.ResponseWriter, _ *http.Request, _ int) bool {
				w.Header().Set("Retry-After", "600")
				armError(w, http.StatusTooManyRequests, "TooManyRequests", "come back in ten minutes")
				return true
			},
			status: checks.RunPartial,
			want: []checks.CollectError{{Service: "network", API: "NetworkSecurityGroups.ListAll", ResourceTypes: nsgTypes,
				Message: "HTTP 429 TooManyRequests: come back in ten minutes"}},
			present: []string{sa, vnet, kv}, absent: []string{nsg},
			check: func(t *testing.T, a *armStandIn, _ *checks.Facts) {
				if n := a.hit(http.MethodGet, "/subscriptions/"+sub1+"/providers/Microsoft.Network/networkSecurityGroups"); n != 1 {
					t.Errorf("sent %d times, want 1 (a wait beyond the bound is not waited for)", n)
				}
			},
		},
		{
			name: "500 persisting", path: "/providers/microsoft.network/virtualnetworks", fault: status(500, "InternalServerError", "boom"),
			status:  checks.RunPartial,
			want:    []checks.CollectError{{Service: "network", API: "VirtualNetworks.ListAll", ResourceTypes: vnetTypes, Message: "HTTP 500"}},
			present: []string{sa, nsg, kv}, absent: []string{vnet},
			check: func(t *testing.T, a *armStandIn, _ *checks.Facts) {
				if n := a.hit(http.MethodGet, "/subscriptions/"+sub1+"/providers/Microsoft.Network/virtualNetworks"); n != 3 {
					t.Errorf("sent %d times, want 3 (1 + 2 retries)", n)
				}
			},
		},
		{
			name: "dropped connection", path: "/providers/microsoft.keyvault/vaults", fault: drop,
			status:  checks.RunPartial,
			want:    []checks.CollectError{{Service: "keyvault", API: "Vaults.ListBySubscription", ResourceTypes: keyVaultTypes, Message: "EOF"}},
			present: []string{sa, nsg, vnet}, absent: []string{kv},
		},
		{
			name: "nextLink to another host", path: "/providers/microsoft.keyvault/vaults",
			fault: func(w http.ResponseWriter, _ *http.Request, _ int) bool {
				w.Header().Set("Content-Type", "application/json")
				w.Write([]byte(`{"value": [], "nextLink": "https://elsewhere.invalid/subscriptions/` + sub1 + `/providers/Microsoft.KeyVault/vaults?page=2"}`))
				return true
			},
			status: checks.RunPartial,
			want: []checks.CollectError{{Service: "keyvault", API: "Vaults.ListBySubscription", ResourceTypes: keyVaultTypes,
				Message: "a host other than the cloud's resource manager"}},
			present: []string{sa, nsg, vnet}, absent: []string{kv},
		},
		{
			name: "timeout on the flow logs", path: "/flowlogs",
			fault: func(w http.ResponseWriter, r *http.Request, _ int) bool {
				select {
				case <-r.Context().Done():
				case <-time.After(5 * time.Second):
				}
				return true
			},
			status: checks.RunPartial,
			want: []checks.CollectError{{Service: "network", API: "FlowLogs.List", ResourceTypes: vnetTypes,
				Resource: "/subscriptions/" + sub1 + "/resourcegroups/networkwatcherrg/providers/microsoft.network/networkwatchers/networkwatcher_uksouth",
				Message:  "flow logs unknown: timed out"}},
			present: []string{sa, nsg, vnet, kv},
			check: func(t *testing.T, _ *armStandIn, f *checks.Facts) {
				if _, ok := byID(f)[vnet].Attributes["flow_logs"]; ok {
					t.Error("flow_logs recorded although they could not be read")
				}
			},
		},
		{
			name: "subscription not readable", path: "/subscriptions/" + sub1, fault: status(403, "AuthorizationFailed", "no access"),
			status: checks.RunFailed,
			want:   []checks.CollectError{{Service: "subscriptions", API: "Subscriptions.Get", Message: "could not read the subscription: HTTP 403"}},
			absent: []string{sa, nsg, vnet, kv},
		},
		{
			name: "subscription disabled", path: "/subscriptions/" + sub1 + "-disabled", status: checks.RunFailed,
			want:   []checks.CollectError{{Service: "subscriptions", API: "Subscriptions.Get", Message: "the subscription is Disabled"}},
			absent: []string{sa, nsg, vnet, kv},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := newStandIn(t)
			estate(a)
			if tc.name == "subscription disabled" {
				a.set("/subscriptions/"+sub1, `{"subscriptionId": "`+sub1+`", "state": "Disabled"}`)
			} else if tc.name == "subscription not readable" {
				a.fail("/subscriptions/"+sub1, func(w http.ResponseWriter, r *http.Request, try int) bool {
					if strings.EqualFold(r.URL.Path, "/subscriptions/"+sub1) {
						armError(w, 403, "AuthorizationFailed", "no access")
						return true
					}
					return false
				})
			} else {
				a.fail(tc.path, tc.fault)
			}
			opts := a.options()
			opts.RequestTimeout = 300 * time.Millisecond
			opts.Subscriptions = []string{sub1}
			start := time.Now()
			f := Collect(context.Background(), staticCredential{}, opts)
			if elapsed := time.Since(start); elapsed < tc.minElapsed {
				t.Errorf("collected in %v: Retry-After (%v) not waited for", elapsed, tc.minElapsed)
			}
			if err := f.Validate(); err != nil {
				t.Fatal(err)
			}
			if len(f.Runs) != 1 || f.Runs[0].Status != tc.status {
				t.Fatalf("runs %+v, want one %s", f.Runs, tc.status)
			}
			got := f.Runs[0].Errors
			if len(got) != len(tc.want) {
				t.Fatalf("errors %+v, want %d", got, len(tc.want))
			}
			for i, w := range tc.want {
				g := got[i]
				if g.Collector != "azure" || g.Account != sub1 || g.Service != w.Service || g.API != w.API || g.Resource != w.Resource ||
					!slices.Equal(g.ResourceTypes, w.ResourceTypes) || !strings.Contains(g.Message, w.Message) {
					t.Errorf("error %+v, want %+v", g, w)
				}
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
			if tc.check != nil {
				tc.check(t, a, f)
			}
		})
	}
}

// TestDiscovery: without --subscription every subscription the credential
// lists is read, a disabled one being a failed run; under a management group
// every subscription at any depth; a listing that fails is a failed run.
func TestDiscovery(t *testing.T) {
	t.Run("all listed", func(t *testing.T) {
		a := newStandIn(t)
		estate(a)
		a.set("/subscriptions", `{"value": [{"subscriptionId": "`+sub1+`", "state": "Enabled"}, {"subscriptionId": "`+sub2+`", "state": "Disabled"}]}`)
		f := Collect(context.Background(), staticCredential{}, a.options())
		if len(f.Runs) != 2 || f.Runs[0].Scope != sub1 || f.Runs[0].Status != checks.RunOK || f.Runs[1].Scope != sub2 || f.Runs[1].Status != checks.RunFailed {
			t.Fatalf("runs %+v", f.Runs)
		}
		if e := f.Runs[1].Errors; len(e) != 1 || e[0].Account != sub2 || !strings.Contains(e[0].Message, "Disabled") {
			t.Errorf("errors %+v", e)
		}
		if len(f.Resources) != 10+4+10 {
			t.Errorf("%d resources", len(f.Resources))
		}
	})
	t.Run("listing fails", func(t *testing.T) {
		a := newStandIn(t)
		a.fail("/subscriptions", status(401, "InvalidAuthenticationToken", "bad token"))
		f := Collect(context.Background(), staticCredential{}, a.options())
		if len(f.Runs) != 1 || f.Runs[0].Status != checks.RunFailed || f.Runs[0].Scope != unknownScope || len(f.Resources) != 0 {
			t.Fatalf("runs %+v", f.Runs)
		}
		if e := f.Runs[0].Errors[0]; e.API != "Subscriptions.List" || !strings.Contains(e.Message, "HTTP 401") {
			t.Errorf("error %+v", e)
		}
	})
	t.Run("management group", func(t *testing.T) {
		a := newStandIn(t)
		estate(a)
		a.set("/subscriptions/"+sub2, `{"subscriptionId": "`+sub2+`", "state": "Enabled"}`)
		a.fail("/subscriptions/"+sub2+"/providers/", status(403, "AuthorizationFailed", "no"))
		a.set("/providers/Microsoft.Management/managementGroups/sde",
			`{"id": "/providers/Microsoft.Management/managementGroups/sde", "name": "sde", "properties": {"children": [
			  {"type": "/subscriptions", "name": "`+sub1+`", "id": "/subscriptions/`+sub1+`"},
			  {"type": "Microsoft.Management/managementGroups", "name": "child", "children": [
			    {"type": "/subscriptions", "name": "`+sub2+`", "id": "/subscriptions/`+sub2+`"}]}]}}`)
		opts := a.options()
		opts.ManagementGroup = "sde"
		f := Collect(context.Background(), staticCredential{}, opts)
		if len(f.Runs) != 2 || f.Runs[0].Scope != sub1 || f.Runs[1].Scope != sub2 || f.Runs[1].Status != checks.RunPartial {
			t.Fatalf("runs %+v", f.Runs)
		}
		if n := len(f.Runs[1].Errors); n != 8+6+4+3 { // + defender, monitor, policy and rbac's 3; + backup's 2 and compute's 2; + avd, ml and databricks
			t.Errorf("%d errors in %s, want one per listing: %+v", n, sub2, f.Runs[1].Errors)
		}
	})
	t.Run("management group unreadable", func(t *testing.T) {
		a := newStandIn(t)
		opts := a.options()
		opts.ManagementGroup = "nowhere"
		f := Collect(context.Background(), staticCredential{}, opts)
		if len(f.Runs) != 1 || f.Runs[0].Status != checks.RunFailed || !strings.Contains(f.Runs[0].Errors[0].Message, "management group nowhere") {
			t.Fatalf("runs %+v", f.Runs)
		}
	})
}
