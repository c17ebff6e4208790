package azure

import (
	"context"
	"net/http"
	"strings"
	"sync"

	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/sql/armsql"

	"github.com/sdescan/sdescan/checks"
)

var sqlTypes = []string{"azure.sql.server"}

func init() {
	register(service{
		name:    "sql",
		covers:  sqlListTypes, // sqldb.go: the servers' databases too
		collect: (*collector).collectSQL,
		ops: append([]Operation{
			{"Servers.List", http.MethodGet, "/subscriptions/{subscriptionId}/providers/Microsoft.Sql/servers", "Microsoft.Sql/servers/read"},
			{"ServerAzureADOnlyAuthentications.ListByServer", http.MethodGet, "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Sql/servers/{serverName}/azureADOnlyAuthentications", "Microsoft.Sql/servers/azureADOnlyAuthentications/read"},
		}, sqlDatabaseOps...),
	})
}

// collectSQL lists the subscription's Azure SQL logical servers and reads
// each one's Microsoft Entra-only authentication setting.
func (c *collector) collectSQL(ctx context.Context) {
	servers, err := armsql.NewServersClient(c.sub, c.cred, c.options())
	var list []*armsql.Server
	if err == nil {
		list, err = listAll(ctx, servers.NewListPager(nil), func(p armsql.ServersClientListResponse) []*armsql.Server { return p.Value })
	}
	if err != nil {
		c.fail(checks.CollectError{Service: "sql", API: "Servers.List", ResourceTypes: sqlListTypes, Message: errorMessage(err)})
		return
	}
	entra, err := armsql.NewServerAzureADOnlyAuthenticationsClient(c.sub, c.cred, c.options())
	if err != nil {
		c.fail(checks.CollectError{Service: "sql", API: "ServerAzureADOnlyAuthentications.ListByServer", ResourceTypes: sqlTypes, Message: err.Error()})
		return
	}
	jobs := make(chan *armsql.Server)
	var wg sync.WaitGroup
	for range min(resourceWorkers, max(len(list), 1)) {
		wg.Go(func() {
			for s := range jobs {
				c.collectSQLServer(ctx, entra, s)
			}
		})
	}
	for _, s := range list {
		jobs <- s
	}
	close(jobs)
	wg.Wait()
}

// collectSQLServer records one SQL server. Settings ARM leaves out are null
// (publicNetworkAccess unset is enabled; minimalTlsVersion unset is no
// minimum). azure_ad_only_authentication is left out, and the failure
// recorded, when the setting could not be read.
func (c *collector) collectSQLServer(ctx context.Context, entra *armsql.ServerAzureADOnlyAuthenticationsClient, s *armsql.Server) {
	id := armID(s.ID)
	p := s.Properties
	if p == nil {
		p = &armsql.ServerProperties{}
	}
	attrs := map[string]any{
		"name":                  val(s.Name),
		"resource_group":        strings.ToLower(resourceGroup(val(s.ID))),
		"version":               deref(p.Version),
		"public_network_access": str(p.PublicNetworkAccess),
		"minimal_tls_version":   deref(p.MinimalTLSVersion),
	}
	if rg := resourceGroup(val(s.ID)); rg != "" {
		list, err := listAll(ctx, entra.NewListByServerPager(rg, val(s.Name), nil),
			func(p armsql.ServerAzureADOnlyAuthenticationsClientListByServerResponse) []*armsql.ServerAzureADOnlyAuthentication {
				return p.Value
			})
		if err != nil {
			c.fail(checks.CollectError{Service: "sql", API: "ServerAzureADOnlyAuthentications.ListByServer", Resource: id, ResourceTypes: sqlTypes, Message: errorMessage(err)})
		} else {
			attrs["azure_ad_only_authentication"] = entraOnly(list)
		}
	}
	c.add(checks.Resource{
		ID: id, Type: "azure.sql.server", Source: Name,
		Scope: checks.Scope{Account: c.sub, Region: strings.ToLower(val(s.Location))},
		Tags:  tags(s.Tags), Attributes: attrs,
	})
	c.collectServerDatabases(ctx, s) // sqldb.go
}

// entraOnly is whether Microsoft Entra-only authentication is on: the
// server's setting (named Default) says true. No setting, or null, is off
// (SQL authentication allowed).
func entraOnly(list []*armsql.ServerAzureADOnlyAuthentication) bool {
	for _, a := range list {
		if a.Properties != nil && val(a.Properties.AzureADOnlyAuthentication) {
			return true
		}
	}
	return false
}
