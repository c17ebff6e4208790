# METADATA
# title: Azure SQL servers require TLS 1.2 or later and Microsoft Entra-only authentication
# description: >-
#   Connections to a logical SQL server must use a current protocol (minimalTlsVersion
#   1.2 or 1.3; unset or None accepts TLS 1.0) and sign in with Microsoft Entra
#   identities only, so that no SQL login with a password can reach the data
#   (azureADOnlyAuthentication true; unset means SQL authentication is allowed).
# custom:
#   id: AZ-SQL-002
#   severity: medium
#   resource_types: [azure.sql.server]
#   remediation: >-
#     az sql server update --minimal-tls-version 1.2, then (with a Microsoft Entra admin
#     set) az sql server ad-only-auth enable. Terraform: azurerm_mssql_server with
#     minimum_tls_version = "1.2" and azuread_administrator {
#     azuread_authentication_only = true }.
package sdescan.checks.azure.sql_tls_entra

import data.sdescan.lib.azure_sql as sql
import rego.v1

# The decision is lib_sql's, shared with IAC-AZ-005.

judged := ["minimal_tls_version", "azure_ad_only_authentication"]

attrs := input.resource.attributes

server := object.get(attrs, "name", input.resource.id)

deny contains sprintf("SQL server %s accepts TLS below 1.2 (minimalTlsVersion %v)", [server, attrs.minimal_tls_version]) if {
	"minimal_tls_version" in sql.failing(attrs, judged)
}

deny contains sprintf("SQL server %s allows SQL authentication (Microsoft Entra-only authentication %v)", [server, attrs.azure_ad_only_authentication]) if {
	"azure_ad_only_authentication" in sql.failing(attrs, judged)
}

missing contains sprintf("attributes.%s", [key]) if {
	some key in sql.unknown(attrs, judged)
}
