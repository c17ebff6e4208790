package azure

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
)

// staticCredential is a TokenCredential that never leaves the process.
type staticCredential struct{}

func (staticCredential) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{Token: "test-token", ExpiresOn: time.Now().Add(time.Hour)}, nil
}

const (
	sub1 = "00000000-0000-0000-0000-000000000001"
	sub2 = "00000000-0000-0000-0000-000000000002"
)

// fault answers a request instead of the stand-in's document when it returns
// true; try counts the requests for the path so far (1 for the first).
type fault func(w http.ResponseWriter, r *http.Request, try int) bool

// armStandIn is a local HTTPS ARM stand-in answering the documented JSON
// shapes: a document per path (lower-cased, without query); a document
// given as several pages is served page by page, each but the last with a
// nextLink to the next.
type armStandIn struct {
	t      testing.TB
	srv    *httptest.Server
	mu     sync.Mutex
	docs   map[string][]string
	faults map[string]fault // by path substring (lower-cased)
	hits   map[string]int   // by "METHOD path"
	// empty answers a path with no document as an empty listing (the
	// benchmark's services it does not populate), not 404.
	empty bool
}

func newStandIn(t testing.TB) *armStandIn {
	t.Setenv("AZURE_TOKEN_CREDENTIALS", "AzureCLICredential") // no credential probes the metadata address
	a := &armStandIn{t: t, docs: map[string][]string{}, faults: map[string]fault{}, hits: map[string]int{}}
	a.srv = httptest.NewTLSServer(http.HandlerFunc(a.serve))
	t.Cleanup(a.srv.Close)
	return a
}

func (a *armStandIn) serve(w http.ResponseWriter, r *http.Request) {
	key := strings.ToLower(r.URL.Path)
	a.mu.Lock()
	a.hits[r.Method+" "+key]++
	try := a.hits[r.Method+" "+key]
	var f fault
	for sub, ff := range a.faults {
		if strings.Contains(key, sub) {
			f = ff
		}
	}
	pages, ok := a.docs[key]
	a.mu.Unlock()
	if r.Method != http.MethodGet {
		a.t.Errorf("the stand-in received %s %s", r.Method, r.URL.Path)
	}
	if r.Header.Get("Authorization") != "Bearer test-token" {
		a.t.Errorf("%s %s: authorization %q", r.Method, r.URL.Path, r.Header.Get("Authorization"))
	}
	if f != nil && f(w, r, try) {
		return
	}
	if !ok && a.empty {
		pages, ok = []string{`{"value": []}`}, true
	}
	if !ok {
		armError(w, http.StatusNotFound, "ResourceNotFound", "no document for "+r.URL.Path)
		return
	}
	page := 0
	if p := r.URL.Query().Get("page"); p != "" {
		page, _ = strconv.Atoi(p)
	}
	body := pages[page]
	if page+1 < len(pages) {
		q := r.URL.Query()
		q.Set("page", strconv.Itoa(page+1))
		next := a.srv.URL + r.URL.Path + "?" + q.Encode()
		body = strings.TrimSuffix(strings.TrimSpace(body), "}") + fmt.Sprintf(", %q: %q}", "nextLink", next)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write([]byte(body))
}

// set serves a document (one page, or several) at a path.
func (a *armStandIn) set(path string, pages ...string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.docs[strings.ToLower(path)] = pages
}

// fail injects a fault for every path containing sub.
func (a *armStandIn) fail(sub string, f fault) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.faults[strings.ToLower(sub)] = f
}

func (a *armStandIn) hit(method, path string) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.hits[method+" "+strings.ToLower(path)]
}

func (a *armStandIn) total() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	n := 0
	for _, v := range a.hits {
		n += v
	}
	return n
}

// options collect from the stand-in, with short retry delays.
func (a *armStandIn) options() Options {
	return Options{
		Version: "test",
		Now:     func() time.Time { return time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC) },
		Cloud: cloud.Configuration{
			ActiveDirectoryAuthorityHost: "https://login.invalid/",
			Services:                     map[cloud.ServiceName]cloud.ServiceConfiguration{cloud.ResourceManager: {Endpoint: a.srv.URL, Audience: "https://management.invalid"}},
		},
		Transport:      a.srv.Client(),
		RequestTimeout: 2 * time.Second,
		retry:          &policy.RetryOptions{MaxRetries: 2, RetryDelay: 10 * time.Millisecond, MaxRetryDelay: 5 * time.Second},
	}
}

func armError(w http.ResponseWriter, status int, code, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("x-ms-error-code", code)
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"error": {"code": %q, "message": %q}}`, code, message)
}

// status answers every try with an ARM error.
func status(code int, errCode, message string) fault {
	return func(w http.ResponseWriter, _ *http.Request, _ int) bool {
		armError(w, code, errCode, message)
		return true
	}
}

// drop closes the connection without an answer, every try.
func drop(w http.ResponseWriter, _ *http.Request, _ int) bool {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err == nil {
		conn.Close()
	}
	return true
}

// estate serves one subscription with each resource type, its storage
// accounts and SQL servers over two pages.
func estate(a *armStandIn) {
	s := "/subscriptions/" + sub1
	rg := s + "/resourceGroups/rg-sde"
	a.set(s, `{"id": "`+s+`", "subscriptionId": "`+sub1+`", "displayName": "sde", "state": "Enabled"}`)
	a.set(s+"/providers/Microsoft.Storage/storageAccounts",
		`{"value": [{"id": "`+rg+`/providers/Microsoft.Storage/storageAccounts/SaData", "name": "SaData", "type": "Microsoft.Storage/storageAccounts",
		  "location": "uksouth", "kind": "StorageV2", "sku": {"name": "Standard_GRS", "tier": "Standard"},
		  "tags": {"classification": "identifiable"},
		  "properties": {"allowBlobPublicAccess": false, "supportsHttpsTrafficOnly": true, "minimumTlsVersion": "TLS1_2",
		    "publicNetworkAccess": "Disabled", "allowSharedKeyAccess": false,
		    "networkAcls": {"defaultAction": "Deny", "bypass": "AzureServices", "ipRules": [], "virtualNetworkRules": []},
		    "encryption": {"keySource": "Microsoft.Keyvault", "keyvaultproperties": {"keyname": "k", "keyvaulturi": "https://kv.vault.azure.net/"}}}}]}`,
		`{"value": [{"id": "`+rg+`/providers/Microsoft.Storage/storageAccounts/saold", "name": "saold", "type": "Microsoft.Storage/storageAccounts",
		  "location": "ukwest", "kind": "StorageV2", "properties": {"encryption": {"keySource": "Microsoft.Storage"}}},
		 {"id": "`+rg+`/providers/Microsoft.Storage/storageAccounts/safiles", "name": "safiles", "type": "Microsoft.Storage/storageAccounts",
		  "location": "uksouth", "kind": "FileStorage", "properties": {}}]}`)
	a.set(rg+"/providers/Microsoft.Storage/storageAccounts/SaData/blobServices/default",
		`{"id": "x", "name": "default", "properties": {"deleteRetentionPolicy": {"enabled": true, "days": 14}, "isVersioningEnabled": true}}`)
	a.set(rg+"/providers/Microsoft.Storage/storageAccounts/saold/blobServices/default", `{"id": "y", "name": "default", "properties": {}}`)
	nsg := rg + "/providers/Microsoft.Network/networkSecurityGroups/nsg-web"
	a.set(s+"/providers/Microsoft.Network/networkSecurityGroups",
		`{"value": [{"id": "`+nsg+`", "name": "nsg-web", "location": "uksouth", "properties": {
		  "securityRules": [
		    {"name": "ssh", "properties": {"direction": "Inbound", "access": "Allow", "protocol": "Tcp", "priority": 100,
		      "sourceAddressPrefix": "Internet", "sourcePortRange": "*", "destinationPortRange": "22", "destinationAddressPrefix": "*"}},
		    {"name": "web", "properties": {"direction": "Inbound", "access": "Allow", "protocol": "*", "priority": 200,
		      "sourceAddressPrefixes": ["10.0.0.0/8", "192.168.0.0/16"], "sourcePortRange": "*", "destinationPortRanges": ["443", "8000-8100"], "destinationAddressPrefix": "*"}}],
		  "defaultSecurityRules": [{"name": "DenyAllInBound", "properties": {"direction": "Inbound", "access": "Deny", "protocol": "*", "priority": 65500,
		      "sourceAddressPrefix": "*", "destinationPortRange": "*"}}],
		  "subnets": [{"id": "`+rg+`/providers/Microsoft.Network/virtualNetworks/vnet-sde/subnets/web"}]}}]}`)
	a.set(s+"/providers/Microsoft.Network/virtualNetworks",
		`{"value": [{"id": "`+rg+`/providers/Microsoft.Network/virtualNetworks/vnet-sde", "name": "vnet-sde", "location": "uksouth", "properties": {
		  "addressSpace": {"addressPrefixes": ["10.1.0.0/16"]},
		  "subnets": [
		    {"id": "`+rg+`/providers/Microsoft.Network/virtualNetworks/vnet-sde/subnets/web", "name": "web", "properties": {"addressPrefix": "10.1.1.0/24", "networkSecurityGroup": {"id": "`+nsg+`"}}},
		    {"id": "`+rg+`/providers/Microsoft.Network/virtualNetworks/vnet-sde/subnets/data", "name": "data", "properties": {"addressPrefix": "10.1.2.0/24"}}]}}]}`)
	nw := s + "/resourceGroups/NetworkWatcherRG/providers/Microsoft.Network/networkWatchers/NetworkWatcher_uksouth"
	a.set(s+"/providers/Microsoft.Network/networkWatchers", `{"value": [{"id": "`+nw+`", "name": "NetworkWatcher_uksouth", "location": "uksouth", "properties": {}}]}`)
	a.set(nw+"/flowLogs", `{"value": [{"id": "`+nw+`/flowLogs/fl1", "name": "fl1", "location": "uksouth", "properties": {
		  "targetResourceId": "`+strings.ToUpper(nsg)+`", "storageId": "`+rg+`/providers/Microsoft.Storage/storageAccounts/salogs", "enabled": true}}]}`)
	a.set(s+"/providers/Microsoft.KeyVault/vaults",
		`{"value": [{"id": "`+rg+`/providers/Microsoft.KeyVault/vaults/kv-sde", "name": "kv-sde", "location": "uksouth", "tags": {"owner": "sde"}, "properties": {
		  "tenantId": "11111111-1111-1111-1111-111111111111", "sku": {"family": "A", "name": "standard"},
		  "enableSoftDelete": true, "softDeleteRetentionInDays": 90, "enablePurgeProtection": true, "enableRbacAuthorization": true,
		  "publicNetworkAccess": "Disabled", "networkAcls": {"defaultAction": "Deny", "bypass": "None"}}}]}`)
	sql := rg + "/providers/Microsoft.Sql/servers"
	a.set(s+"/providers/Microsoft.Sql/servers",
		`{"value": [{"id": "`+sql+`/sql-sde", "name": "sql-sde", "type": "Microsoft.Sql/servers", "location": "uksouth", "kind": "v12.0",
		  "properties": {"version": "12.0", "publicNetworkAccess": "Disabled", "minimalTlsVersion": "1.2", "state": "Ready",
		    "administrators": {"administratorType": "ActiveDirectory", "azureADOnlyAuthentication": true, "login": "sde-admins"}}}]}`,
		`{"value": [{"id": "`+sql+`/sql-legacy", "name": "sql-legacy", "type": "Microsoft.Sql/servers", "location": "ukwest", "properties": {"version": "12.0", "administratorLogin": "sa"}}]}`)
	a.set(sql+"/sql-sde/azureADOnlyAuthentications", `{"value": [{"id": "`+sql+`/sql-sde/azureADOnlyAuthentications/Default", "name": "Default", "properties": {"azureADOnlyAuthentication": true}}]}`)
	a.set(sql+"/sql-legacy/azureADOnlyAuthentications", `{"value": []}`)
	pg := rg + "/providers/Microsoft.DBforPostgreSQL/flexibleServers/pg-sde"
	a.set(s+"/providers/Microsoft.DBforPostgreSQL/flexibleServers",
		`{"value": [{"id": "`+pg+`", "name": "pg-sde", "type": "Microsoft.DBforPostgreSQL/flexibleServers", "location": "uksouth",
		  "sku": {"name": "Standard_D2ds_v4", "tier": "GeneralPurpose"}, "properties": {"version": "16", "state": "Ready",
		    "network": {"publicNetworkAccess": "Disabled", "delegatedSubnetResourceId": "`+rg+`/providers/Microsoft.Network/virtualNetworks/vnet-sde/subnets/DATA"}}}]}`)
	a.set(s+"/providers/Microsoft.ContainerService/managedClusters",
		`{"value": [{"id": "`+rg+`/providers/Microsoft.ContainerService/managedClusters/aks-sde", "name": "aks-sde", "location": "uksouth", "properties": {
		  "currentKubernetesVersion": "1.31.2", "enableRBAC": true, "disableLocalAccounts": true, "publicNetworkAccess": "Enabled",
		  "aadProfile": {"managed": true, "enableAzureRBAC": true, "tenantId": "11111111-1111-1111-1111-111111111111"},
		  "apiServerAccessProfile": {"enablePrivateCluster": false, "authorizedIPRanges": ["203.0.113.0/24", " 198.51.100.7/32"]},
		  "networkProfile": {"networkPlugin": "azure", "networkPolicy": "cilium"}}}]}`)
	a.set(pg+"/configurations/require_secure_transport",
		`{"id": "`+pg+`/configurations/require_secure_transport", "name": "require_secure_transport", "properties": {"value": "on", "defaultValue": "on", "dataType": "Boolean", "source": "system-default"}}`)
	workloadsEstate(a)   // workloads_test.go
	backupEstateEmpty(a) // backup_test.go
	governanceEstate(a)  // governance_test.go
}
