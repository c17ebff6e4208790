package azure

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/sql/armsql"

	"github.com/sdescan/sdescan/checks"
)

var (
	sqlDatabaseTypes = []string{"azure.sql.database"}
	// sqlListTypes are what the sql service covers: a failed listing of the
	// servers hides their databases too.
	sqlListTypes = []string{"azure.sql.database", "azure.sql.server"}
	// sqlDatabaseOps are the sql service's reads of the servers' databases.
	sqlDatabaseOps = []Operation{
		{"Databases.ListByServer", http.MethodGet, "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Sql/servers/{serverName}/databases", "Microsoft.Sql/servers/databases/read"},
		{"BackupShortTermRetentionPolicies.Get", http.MethodGet, "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Sql/servers/{serverName}/databases/{databaseName}/backupShortTermRetentionPolicies/{policyName}", "Microsoft.Sql/servers/databases/backupShortTermRetentionPolicies/read"},
		{"LongTermRetentionPolicies.Get", http.MethodGet, "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Sql/servers/{serverName}/databases/{databaseName}/backupLongTermRetentionPolicies/{policyName}", "Microsoft.Sql/servers/databases/backupLongTermRetentionPolicies/read"},
	}
)

// sqlDBClients are the clients one database's reads use.
type sqlDBClients struct {
	dbs   *armsql.DatabasesClient
	short *armsql.BackupShortTermRetentionPoliciesClient
	long  *armsql.LongTermRetentionPoliciesClient
}

// collectServerDatabases lists one server's databases (called by the sql
// service for each server it lists) and reads each user database's backup
// retention: the point-in-time restore window (short-term retention) and the
// long-term retention policy. The master database is not a data store and is
// skipped. A listing that fails hides that server's databases (recorded with
// the server's ID).
func (c *collector) collectServerDatabases(ctx context.Context, s *armsql.Server) {
	rg := resourceGroup(val(s.ID))
	if rg == "" {
		return
	}
	var cl sqlDBClients
	var err error
	if cl.dbs, err = armsql.NewDatabasesClient(c.sub, c.cred, c.options()); err == nil {
		if cl.short, err = armsql.NewBackupShortTermRetentionPoliciesClient(c.sub, c.cred, c.options()); err == nil {
			cl.long, err = armsql.NewLongTermRetentionPoliciesClient(c.sub, c.cred, c.options())
		}
	}
	if err != nil {
		c.fail(checks.CollectError{Service: "sql", API: "Databases.ListByServer", Resource: armID(s.ID), ResourceTypes: sqlDatabaseTypes, Message: err.Error()})
		return
	}
	list, err := listAll(ctx, cl.dbs.NewListByServerPager(rg, val(s.Name), nil), func(p armsql.DatabasesClientListByServerResponse) []*armsql.Database { return p.Value })
	if err != nil {
		c.fail(checks.CollectError{Service: "sql", API: "Databases.ListByServer", Resource: armID(s.ID), ResourceTypes: sqlDatabaseTypes, Message: errorMessage(err)})
		return
	}
	for _, d := range list {
		if strings.EqualFold(val(d.Name), "master") {
			continue
		}
		c.collectSQLDatabase(ctx, cl, rg, s, d)
	}
}

// collectSQLDatabase records one database with its backup settings. Settings
// ARM leaves out are null (a backup storage redundancy unset is Geo, Azure's
// default); short_term_retention_days and long_term_retention are left out,
// and the failure recorded, when they could not be read. A data warehouse
// (dedicated SQL pool) has neither policy and is not asked for them.
func (c *collector) collectSQLDatabase(ctx context.Context, cl sqlDBClients, rg string, s *armsql.Server, d *armsql.Database) {
	id := armID(d.ID)
	attrs := map[string]any{
		"name":                                val(d.Name),
		"server":                              val(s.Name),
		"server_id":                           armID(s.ID),
		"resource_group":                      strings.ToLower(rg),
		"kind":                                deref(d.Kind),
		"sku":                                 nil,
		"status":                              nil,
		"requested_backup_storage_redundancy": nil,
		"current_backup_storage_redundancy":   nil,
		"earliest_restore_date":               nil,
	}
	if d.SKU != nil {
		attrs["sku"] = deref(d.SKU.Name)
	}
	if p := d.Properties; p != nil {
		attrs["status"] = str(p.Status)
		attrs["requested_backup_storage_redundancy"] = str(p.RequestedBackupStorageRedundancy)
		attrs["current_backup_storage_redundancy"] = str(p.CurrentBackupStorageRedundancy)
		if p.EarliestRestoreDate != nil {
			attrs["earliest_restore_date"] = p.EarliestRestoreDate.UTC().Format(time.RFC3339)
		}
	}
	if !strings.Contains(strings.ToLower(val(d.Kind)), "datawarehouse") {
		short, err := cl.short.Get(ctx, rg, val(s.Name), val(d.Name), armsql.ShortTermRetentionPolicyNameDefault, nil)
		if err != nil {
			c.fail(checks.CollectError{Service: "sql", API: "BackupShortTermRetentionPolicies.Get", Resource: id, ResourceTypes: sqlDatabaseTypes, Message: errorMessage(err)})
		} else {
			var days any
			if short.Properties != nil {
				days = deref(short.Properties.RetentionDays)
			}
			attrs["short_term_retention_days"] = days
		}
		long, err := cl.long.Get(ctx, rg, val(s.Name), val(d.Name), armsql.LongTermRetentionPolicyNameDefault, nil)
		if err != nil {
			c.fail(checks.CollectError{Service: "sql", API: "LongTermRetentionPolicies.Get", Resource: id, ResourceTypes: sqlDatabaseTypes, Message: errorMessage(err)})
		} else {
			ltr := map[string]any{"weekly_retention": nil, "monthly_retention": nil, "yearly_retention": nil}
			if p := long.Properties; p != nil {
				ltr["weekly_retention"] = deref(p.WeeklyRetention)
				ltr["monthly_retention"] = deref(p.MonthlyRetention)
				ltr["yearly_retention"] = deref(p.YearlyRetention)
			}
			attrs["long_term_retention"] = ltr
		}
	}
	c.add(checks.Resource{
		ID: id, Type: "azure.sql.database", Source: Name,
		Scope: checks.Scope{Account: c.sub, Region: strings.ToLower(val(d.Location))},
		Tags:  tags(d.Tags), Attributes: attrs,
	})
}
