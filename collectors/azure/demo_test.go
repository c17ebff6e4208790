package azure

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/sdescan/sdescan/checks"
)

var updateDemo = flag.Bool("update-demo", false, "rewrite the Azure subscription of fixtures/demo/facts.json from demoEstate")

// demoSub is the demo estate's Azure subscription.
const demoSub = "33333333-3333-3333-3333-333333333333"

// TestDemoSubscription: the demo estate's Azure subscription
// (fixtures/demo/facts.json) is exactly what this collector reads from a
// stand-in serving demoEstate, so the demo shows what a real scan would
// record, and follows the collector when it changes (go test
// ./collectors/azure -run TestDemoSubscription -update-demo rewrites it).
func TestDemoSubscription(t *testing.T) {
	a := newStandIn(t)
	demoEstate(a)
	opts := a.options()
	opts.Version = "0.1.0"
	opts.Subscriptions = []string{demoSub}
	opts.Now = func() time.Time { return time.Date(2026, 11, 20, 8, 59, 30, 0, time.UTC) }
	got := Collect(context.Background(), staticCredential{}, opts)
	if err := got.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, r := range got.Runs {
		if len(r.Errors) > 0 {
			t.Errorf("the demo subscription was not read whole: %+v", r.Errors)
		}
	}

	file := filepath.Join("..", "..", "fixtures", "demo", "facts.json")
	demo, err := checks.ReadFactsFile(file)
	if err != nil {
		t.Fatal(err)
	}
	// The demo's other collectors' runs and resources, then this subscription's.
	want := *demo
	want.Runs, want.Resources = nil, nil
	for _, r := range demo.Runs {
		if r.Collector != Name {
			want.Runs = append(want.Runs, r)
		}
	}
	for _, r := range demo.Resources {
		if r.Source != Name {
			want.Resources = append(want.Resources, r)
		}
	}
	want.Runs = append(want.Runs, got.Runs...)
	want.Resources = append(want.Resources, got.Resources...)
	want.Normalize()
	var b bytes.Buffer
	if err := checks.WriteJSON(&b, &want); err != nil {
		t.Fatal(err)
	}
	if *updateDemo {
		if err := os.WriteFile(file, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	old, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(old, b.Bytes()) {
		t.Fatalf("%s does not hold what the collector reads from the demo estate: go test ./collectors/azure -run TestDemoSubscription -update-demo, then review the diff", file)
	}
}

// demoEstate is the demo's Azure subscription, a research platform in UK
// South: most of it configured as an SDE should be, with the faults an
// assessor would find in a real one (a legacy storage account open to
// anonymous reads, RDP open to the internet, a Key Vault without purge
// protection, a SQL server reachable from public networks).
func demoEstate(a *armStandIn) {
	s := "/subscriptions/" + demoSub
	rg := s + "/resourceGroups/rg-tre-core"
	ws := s + "/resourceGroups/rg-tre-ws-genomics"
	a.set(s, `{"id": "`+s+`", "subscriptionId": "`+demoSub+`", "displayName": "sde-azure-prod", "state": "Enabled"}`)

	a.set(s+"/providers/Microsoft.Storage/storageAccounts",
		`{"value": [
		 {"id": "`+ws+`/providers/Microsoft.Storage/storageAccounts/stgenomicsdata", "name": "stgenomicsdata", "type": "Microsoft.Storage/storageAccounts",
		  "location": "uksouth", "kind": "StorageV2", "sku": {"name": "Standard_GRS", "tier": "Standard"},
		  "tags": {"data-classification": "pseudonymised", "backup-rpo-hours": "24"},
		  "properties": {"allowBlobPublicAccess": false, "supportsHttpsTrafficOnly": true, "minimumTlsVersion": "TLS1_2",
		    "publicNetworkAccess": "Disabled", "allowSharedKeyAccess": false,
		    "networkAcls": {"defaultAction": "Deny", "bypass": "AzureServices", "ipRules": [], "virtualNetworkRules": []},
		    "encryption": {"keySource": "Microsoft.Keyvault", "keyvaultproperties": {"keyname": "cmk-genomics", "keyvaulturi": "https://kv-tre-core.vault.azure.net/"}}}},
		 {"id": "`+rg+`/providers/Microsoft.Storage/storageAccounts/stairlockexport", "name": "stairlockexport", "type": "Microsoft.Storage/storageAccounts",
		  "location": "uksouth", "kind": "StorageV2", "sku": {"name": "Standard_LRS", "tier": "Standard"},
		  "tags": {"data-classification": "anonymised"},
		  "properties": {"allowBlobPublicAccess": false, "supportsHttpsTrafficOnly": true, "minimumTlsVersion": "TLS1_2",
		    "publicNetworkAccess": "Enabled", "allowSharedKeyAccess": false,
		    "networkAcls": {"defaultAction": "Deny", "bypass": "AzureServices", "ipRules": [{"value": "203.0.113.0/24", "action": "Allow"}], "virtualNetworkRules": []},
		    "encryption": {"keySource": "Microsoft.Storage"}}},
		 {"id": "`+rg+`/providers/Microsoft.Storage/storageAccounts/stlegacyshare", "name": "stlegacyshare", "type": "Microsoft.Storage/storageAccounts",
		  "location": "ukwest", "kind": "StorageV2", "sku": {"name": "Standard_LRS", "tier": "Standard"},
		  "tags": {"data-classification": "identifiable"},
		  "properties": {"allowBlobPublicAccess": true, "supportsHttpsTrafficOnly": true, "minimumTlsVersion": "TLS1_0",
		    "encryption": {"keySource": "Microsoft.Storage"}}}]}`)
	a.set(ws+"/providers/Microsoft.Storage/storageAccounts/stgenomicsdata/blobServices/default",
		`{"id": "b1", "name": "default", "properties": {"deleteRetentionPolicy": {"enabled": true, "days": 30}, "isVersioningEnabled": true}}`)
	a.set(rg+"/providers/Microsoft.Storage/storageAccounts/stairlockexport/blobServices/default",
		`{"id": "b2", "name": "default", "properties": {"deleteRetentionPolicy": {"enabled": true, "days": 7}, "isVersioningEnabled": false}}`)
	a.set(rg+"/providers/Microsoft.Storage/storageAccounts/stlegacyshare/blobServices/default", `{"id": "b3", "name": "default", "properties": {}}`)

	nsgWS := ws + "/providers/Microsoft.Network/networkSecurityGroups/nsg-ws-genomics"
	nsgJump := rg + "/providers/Microsoft.Network/networkSecurityGroups/nsg-jumpbox"
	a.set(s+"/providers/Microsoft.Network/networkSecurityGroups",
		`{"value": [
		 {"id": "`+nsgWS+`", "name": "nsg-ws-genomics", "location": "uksouth", "properties": {
		  "securityRules": [
		    {"name": "allow-avd-subnet", "properties": {"direction": "Inbound", "access": "Allow", "protocol": "Tcp", "priority": 100,
		      "sourceAddressPrefix": "10.20.1.0/24", "sourcePortRange": "*", "destinationPortRange": "3389", "destinationAddressPrefix": "*"}},
		    {"name": "deny-internet", "properties": {"direction": "Inbound", "access": "Deny", "protocol": "*", "priority": 4000,
		      "sourceAddressPrefix": "Internet", "sourcePortRange": "*", "destinationPortRange": "*", "destinationAddressPrefix": "*"}}],
		  "subnets": [{"id": "`+rg+`/providers/Microsoft.Network/virtualNetworks/vnet-tre/subnets/ws-genomics"}]}},
		 {"id": "`+nsgJump+`", "name": "nsg-jumpbox", "location": "uksouth", "properties": {
		  "securityRules": [
		    {"name": "rdp-from-anywhere", "properties": {"direction": "Inbound", "access": "Allow", "protocol": "Tcp", "priority": 200,
		      "sourceAddressPrefix": "*", "sourcePortRange": "*", "destinationPortRanges": ["3389", "22"], "destinationAddressPrefix": "*"}}],
		  "subnets": [{"id": "`+rg+`/providers/Microsoft.Network/virtualNetworks/vnet-tre/subnets/jumpbox"}]}}]}`)
	a.set(s+"/providers/Microsoft.Network/virtualNetworks",
		`{"value": [{"id": "`+rg+`/providers/Microsoft.Network/virtualNetworks/vnet-tre", "name": "vnet-tre", "location": "uksouth", "properties": {
		  "addressSpace": {"addressPrefixes": ["10.20.0.0/16"]},
		  "subnets": [
		    {"id": "`+rg+`/providers/Microsoft.Network/virtualNetworks/vnet-tre/subnets/ws-genomics", "name": "ws-genomics", "properties": {"addressPrefix": "10.20.2.0/24", "networkSecurityGroup": {"id": "`+nsgWS+`"}}},
		    {"id": "`+rg+`/providers/Microsoft.Network/virtualNetworks/vnet-tre/subnets/jumpbox", "name": "jumpbox", "properties": {"addressPrefix": "10.20.9.0/24", "networkSecurityGroup": {"id": "`+nsgJump+`"}}}]}}]}`)
	nw := s + "/resourceGroups/NetworkWatcherRG/providers/Microsoft.Network/networkWatchers/NetworkWatcher_uksouth"
	a.set(s+"/providers/Microsoft.Network/networkWatchers", `{"value": [{"id": "`+nw+`", "name": "NetworkWatcher_uksouth", "location": "uksouth", "properties": {}}]}`)
	a.set(nw+"/flowLogs", `{"value": [{"id": "`+nw+`/flowLogs/fl-vnet-tre", "name": "fl-vnet-tre", "location": "uksouth", "properties": {
		  "targetResourceId": "`+rg+`/providers/Microsoft.Network/virtualNetworks/vnet-tre", "storageId": "`+rg+`/providers/Microsoft.Storage/storageAccounts/stflowlogs", "enabled": true}}]}`)

	a.set(s+"/providers/Microsoft.KeyVault/vaults",
		`{"value": [
		 {"id": "`+rg+`/providers/Microsoft.KeyVault/vaults/kv-tre-core", "name": "kv-tre-core", "location": "uksouth", "properties": {
		  "tenantId": "44444444-4444-4444-4444-444444444444", "sku": {"family": "A", "name": "premium"},
		  "enableSoftDelete": true, "softDeleteRetentionInDays": 90, "enablePurgeProtection": true, "enableRbacAuthorization": true,
		  "publicNetworkAccess": "Disabled", "networkAcls": {"defaultAction": "Deny", "bypass": "AzureServices"}}},
		 {"id": "`+ws+`/providers/Microsoft.KeyVault/vaults/kv-ws-genomics", "name": "kv-ws-genomics", "location": "uksouth", "properties": {
		  "tenantId": "44444444-4444-4444-4444-444444444444", "sku": {"family": "A", "name": "standard"},
		  "enableSoftDelete": true, "softDeleteRetentionInDays": 7, "enableRbacAuthorization": false,
		  "publicNetworkAccess": "Enabled"}}]}`)

	sql := rg + "/providers/Microsoft.Sql/servers"
	a.set(s+"/providers/Microsoft.Sql/servers",
		`{"value": [{"id": "`+sql+`/sql-tre-metadata", "name": "sql-tre-metadata", "type": "Microsoft.Sql/servers", "location": "uksouth", "kind": "v12.0",
		  "tags": {"data-classification": "pseudonymised"},
		  "properties": {"version": "12.0", "publicNetworkAccess": "Enabled", "minimalTlsVersion": "1.2", "state": "Ready",
		    "administrators": {"administratorType": "ActiveDirectory", "azureADOnlyAuthentication": true, "login": "tre-sql-admins"}}}]}`)
	a.set(sql+"/sql-tre-metadata/azureADOnlyAuthentications", `{"value": [{"id": "`+sql+`/sql-tre-metadata/azureADOnlyAuthentications/Default", "name": "Default", "properties": {"azureADOnlyAuthentication": true}}]}`)

	pg := ws + "/providers/Microsoft.DBforPostgreSQL/flexibleServers/pg-genomics"
	a.set(s+"/providers/Microsoft.DBforPostgreSQL/flexibleServers",
		`{"value": [{"id": "`+pg+`", "name": "pg-genomics", "type": "Microsoft.DBforPostgreSQL/flexibleServers", "location": "uksouth",
		  "tags": {"data-classification": "pseudonymised"},
		  "sku": {"name": "Standard_D2ds_v4", "tier": "GeneralPurpose"}, "properties": {"version": "16", "state": "Ready",
		    "backup": {"backupRetentionDays": 35, "geoRedundantBackup": "Enabled"},
		    "network": {"publicNetworkAccess": "Disabled", "delegatedSubnetResourceId": "`+rg+`/providers/Microsoft.Network/virtualNetworks/vnet-tre/subnets/data"}}}]}`)
	a.set(pg+"/configurations/require_secure_transport",
		`{"id": "`+pg+`/configurations/require_secure_transport", "name": "require_secure_transport", "properties": {"value": "on", "defaultValue": "on", "dataType": "Boolean", "source": "system-default"}}`)

	a.set(s+"/providers/Microsoft.ContainerService/managedClusters",
		`{"value": [{"id": "`+rg+`/providers/Microsoft.ContainerService/managedClusters/aks-tre-services", "name": "aks-tre-services", "location": "uksouth", "properties": {
		  "currentKubernetesVersion": "1.31.2", "enableRBAC": true, "disableLocalAccounts": true, "publicNetworkAccess": "Disabled",
		  "aadProfile": {"managed": true, "enableAzureRBAC": true, "tenantId": "44444444-4444-4444-4444-444444444444"},
		  "apiServerAccessProfile": {"enablePrivateCluster": true},
		  "networkProfile": {"networkPlugin": "azure", "networkPolicy": "calico"}}}]}`)
	demoEstateMore(a, s, rg, ws)
}
