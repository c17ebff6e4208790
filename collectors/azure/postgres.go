package azure

import (
	"context"
	"net/http"
	"strings"
	"sync"

	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/postgresql/armpostgresqlflexibleservers"

	"github.com/sdescan/sdescan/checks"
)

var postgresTypes = []string{"azure.postgresql.flexible_server"}

// secureTransportParameter is the server parameter that makes the server
// refuse connections without TLS.
const secureTransportParameter = "require_secure_transport"

func init() {
	register(service{
		name:    "postgresql",
		covers:  postgresTypes,
		collect: (*collector).collectPostgres,
		ops: []Operation{
			{"FlexibleServers.List", http.MethodGet, "/subscriptions/{subscriptionId}/providers/Microsoft.DBforPostgreSQL/flexibleServers", "Microsoft.DBforPostgreSQL/flexibleServers/read"},
			{"Configurations.Get", http.MethodGet, "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.DBforPostgreSQL/flexibleServers/{serverName}/configurations/{configurationName}", "Microsoft.DBforPostgreSQL/flexibleServers/configurations/read"},
		},
	})
}

// collectPostgres lists the subscription's PostgreSQL flexible servers and
// reads each one's require_secure_transport parameter (that one only).
func (c *collector) collectPostgres(ctx context.Context) {
	servers, err := armpostgresqlflexibleservers.NewServersClient(c.sub, c.cred, c.options())
	var list []*armpostgresqlflexibleservers.Server
	if err == nil {
		list, err = listAll(ctx, servers.NewListPager(nil), func(p armpostgresqlflexibleservers.ServersClientListResponse) []*armpostgresqlflexibleservers.Server {
			return p.Value
		})
	}
	if err != nil {
		c.fail(checks.CollectError{Service: "postgresql", API: "FlexibleServers.List", ResourceTypes: postgresTypes, Message: errorMessage(err)})
		return
	}
	configs, err := armpostgresqlflexibleservers.NewConfigurationsClient(c.sub, c.cred, c.options())
	if err != nil {
		c.fail(checks.CollectError{Service: "postgresql", API: "Configurations.Get", ResourceTypes: postgresTypes, Message: err.Error()})
		return
	}
	jobs := make(chan *armpostgresqlflexibleservers.Server)
	var wg sync.WaitGroup
	for range min(resourceWorkers, max(len(list), 1)) {
		wg.Go(func() {
			for s := range jobs {
				c.collectPostgresServer(ctx, configs, s)
			}
		})
	}
	for _, s := range list {
		jobs <- s
	}
	close(jobs)
	wg.Wait()
}

// collectPostgresServer records one flexible server. Settings ARM leaves out
// are null; require_secure_transport is left out, and the failure recorded,
// when the parameter could not be read.
func (c *collector) collectPostgresServer(ctx context.Context, configs *armpostgresqlflexibleservers.ConfigurationsClient, s *armpostgresqlflexibleservers.Server) {
	id := armID(s.ID)
	attrs := map[string]any{
		"name":                  val(s.Name),
		"resource_group":        strings.ToLower(resourceGroup(val(s.ID))),
		"version":               nil,
		"public_network_access": nil,
		"delegated_subnet":      nil,
	}
	if p := s.Properties; p != nil {
		attrs["version"] = str(p.Version)
		attrs["backup_settings"] = postgresBackup(p.Backup) // backupjoin.go
		if n := p.Network; n != nil {
			attrs["public_network_access"] = str(n.PublicNetworkAccess)
			if n.DelegatedSubnetResourceID != nil {
				attrs["delegated_subnet"] = armID(n.DelegatedSubnetResourceID)
			}
		}
	}
	if rg := resourceGroup(val(s.ID)); rg != "" {
		resp, err := configs.Get(ctx, rg, val(s.Name), secureTransportParameter, nil)
		if err != nil {
			c.fail(checks.CollectError{Service: "postgresql", API: "Configurations.Get", Resource: id, ResourceTypes: postgresTypes,
				Message: secureTransportParameter + ": " + errorMessage(err)})
		} else {
			var v any
			if resp.Properties != nil {
				v = deref(resp.Properties.Value)
			}
			attrs[secureTransportParameter] = v
		}
	}
	c.add(checks.Resource{
		ID: id, Type: "azure.postgresql.flexible_server", Source: Name,
		Scope: checks.Scope{Account: c.sub, Region: strings.ToLower(val(s.Location))},
		Tags:  tags(s.Tags), Attributes: attrs,
	})
}
