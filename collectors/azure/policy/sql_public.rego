# METADATA
# title: Azure SQL servers are closed to public networks
# description: >-
#   A logical SQL server holding SDE data should be reached through private endpoints
#   only: publicNetworkAccess must be Disabled, so that no firewall rule can open it to
#   the internet. Unset counts as enabled, the default.
# custom:
#   id: AZ-SQL-001
#   severity: high
#   resource_types: [azure.sql.server]
#   remediation: >-
#     Add a private endpoint, then az sql server update --enable-public-network false.
#     Terraform: azurerm_mssql_server with public_network_access_enabled = false.
package sdescan.checks.azure.sql_public

import data.sdescan.lib.azure_sql as sql
import rego.v1

# The decision is lib_sql's (IAC-AZ-001 judges the setting in code).

attrs := input.resource.attributes

server := object.get(attrs, "name", input.resource.id)

deny contains sprintf("SQL server %s is open to public networks (publicNetworkAccess %v)", [server, attrs.public_network_access]) if {
	"public_network_access" in sql.failing(attrs, ["public_network_access"])
}

missing contains "attributes.public_network_access" if {
	"public_network_access" in sql.unknown(attrs, ["public_network_access"])
}
