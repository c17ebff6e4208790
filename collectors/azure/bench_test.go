package azure

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// BenchmarkCollectAzure collects one subscription of n storage accounts,
// NSGs, Key Vaults, SQL servers and PostgreSQL servers each from the local
// stand-in (listings paged 100 at a time, as ARM pages them) and reports the
// requests sent per resource collected: each list and get once per
// subscription and resource beyond pagination (make bench; docs/performance.md).
func BenchmarkCollectAzure(b *testing.B) {
	for _, n := range []int{100, 1000} {
		b.Run(fmt.Sprintf("resources=%d", 5*n), func(b *testing.B) {
			var calls, resources int
			for b.Loop() {
				a := newStandIn(b)
				a.empty = true
				benchEstate(a, n)
				opts := a.options()
				opts.Subscriptions = []string{sub1}
				f := Collect(context.Background(), staticCredential{}, opts)
				if len(f.Runs) != 1 || len(f.Runs[0].Errors) > 0 {
					b.Fatalf("runs %+v", f.Runs)
				}
				calls, resources = a.total(), len(f.Resources)
			}
			b.ReportMetric(float64(calls)/float64(resources), "calls/resource")
			b.ReportMetric(float64(resources), "resources")
		})
	}
}

// benchEstate serves n of each of five types in one subscription.
func benchEstate(a *armStandIn, n int) {
	s := "/subscriptions/" + sub1
	rg := s + "/resourceGroups/rg-bench"
	a.set(s, `{"id": "`+s+`", "subscriptionId": "`+sub1+`", "displayName": "bench", "state": "Enabled"}`)
	pages := func(item func(i int) string) []string {
		var out []string
		for start := 0; start < n; start += 100 {
			var items []string
			for i := start; i < min(start+100, n); i++ {
				items = append(items, item(i))
			}
			out = append(out, `{"value": [`+strings.Join(items, ",")+`]}`)
		}
		return out
	}
	a.set(s+"/providers/Microsoft.Storage/storageAccounts", pages(func(i int) string {
		return fmt.Sprintf(`{"id": "%s/providers/Microsoft.Storage/storageAccounts/sa%d", "name": "sa%d", "location": "uksouth", "kind": "StorageV2",
		  "properties": {"allowBlobPublicAccess": false, "supportsHttpsTrafficOnly": true, "minimumTlsVersion": "TLS1_2", "encryption": {"keySource": "Microsoft.Storage"}}}`, rg, i, i)
	})...)
	for i := range n {
		a.set(fmt.Sprintf("%s/providers/Microsoft.Storage/storageAccounts/sa%d/blobServices/default", rg, i),
			`{"properties": {"deleteRetentionPolicy": {"enabled": true, "days": 7}, "isVersioningEnabled": true}}`)
	}
	a.set(s+"/providers/Microsoft.Network/networkSecurityGroups", pages(func(i int) string {
		return fmt.Sprintf(`{"id": "%s/providers/Microsoft.Network/networkSecurityGroups/nsg%d", "name": "nsg%d", "location": "uksouth", "properties": {"securityRules": [
		  {"name": "ssh", "properties": {"direction": "Inbound", "access": "Allow", "protocol": "Tcp", "priority": 100, "sourceAddressPrefix": "10.0.0.0/8", "destinationPortRange": "22"}}]}}`, rg, i, i)
	})...)
	a.set(s+"/providers/Microsoft.KeyVault/vaults", pages(func(i int) string {
		return fmt.Sprintf(`{"id": "%s/providers/Microsoft.KeyVault/vaults/kv%d", "name": "kv%d", "location": "uksouth", "properties": {"tenantId": "t", "sku": {"family": "A", "name": "standard"}, "enableSoftDelete": true}}`, rg, i, i)
	})...)
	a.set(s+"/providers/Microsoft.Sql/servers", pages(func(i int) string {
		return fmt.Sprintf(`{"id": "%s/providers/Microsoft.Sql/servers/sql%d", "name": "sql%d", "location": "uksouth", "properties": {"publicNetworkAccess": "Disabled", "minimalTlsVersion": "1.2"}}`, rg, i, i)
	})...)
	a.set(s+"/providers/Microsoft.DBforPostgreSQL/flexibleServers", pages(func(i int) string {
		return fmt.Sprintf(`{"id": "%s/providers/Microsoft.DBforPostgreSQL/flexibleServers/pg%d", "name": "pg%d", "location": "uksouth", "properties": {"network": {"publicNetworkAccess": "Disabled"}}}`, rg, i, i)
	})...)
	for i := range n {
		a.set(fmt.Sprintf("%s/providers/Microsoft.Sql/servers/sql%d/azureADOnlyAuthentications", rg, i), `{"value": [{"properties": {"azureADOnlyAuthentication": true}}]}`)
		pg := fmt.Sprintf("%s/providers/Microsoft.DBforPostgreSQL/flexibleServers/pg%d", rg, i)
		a.set(pg+"/configurations/require_secure_transport", `{"id": "`+pg+`/configurations/require_secure_transport", "properties": {"value": "on"}}`)
	}
}
