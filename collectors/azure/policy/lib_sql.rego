# The one decision on Azure SQL logical servers, shared by the live checks
# (AZ-SQL-001 public network access, AZ-SQL-002 TLS and Microsoft Entra-only
# authentication, over azure.sql.server) and their IaC twin (IAC-AZ-005, over
# azurerm_mssql_server and Microsoft.Sql/servers; public network access in code
# is IAC-AZ-001's). A library, not a check (it has no custom.id). Both judge a
# server in the live facts' shape:
#
#   {"minimal_tls_version": string|null, "azure_ad_only_authentication": bool,
#    "public_network_access": string|null}
#
# An attribute left out is unknown (not assessed), never a pass.
package sdescan.lib.azure_sql

import data.sdescan.lib.facts
import rego.v1

# tls_ok are the minimal TLS versions accepted (unset or None accepts TLS 1.0).
tls_ok := {"1.2", "1.3"}

# weak(s, key): server s's setting key fails.
weak(s, "minimal_tls_version") if {
	facts.has(s, "minimal_tls_version")
	not s.minimal_tls_version in tls_ok
}

weak(s, "azure_ad_only_authentication") if {
	facts.has(s, "azure_ad_only_authentication")
	s.azure_ad_only_authentication != true
}

weak(s, "public_network_access") if {
	facts.has(s, "public_network_access")
	s.public_network_access != "Disabled"
}

# failing(s, keys): the settings among keys of server s that fail.
failing(s, keys) := {key | some key in keys; weak(s, key)}

# unknown(s, keys): the settings among keys of server s that are not known.
unknown(s, keys) := {key | some key in keys; not facts.has(s, key)}
