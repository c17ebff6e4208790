# METADATA
# title: Azure SQL servers require TLS 1.2 or later and Microsoft Entra-only authentication
# description: >-
#   The code twin of AZ-SQL-002, with the same decision
#   (collectors/azure/policy/lib_sql.rego). Connections must use TLS 1.2 or 1.3, and
#   only Microsoft Entra identities may sign in, so that no SQL login with a password
#   reaches the data. azurerm_mssql_server's minimum_tls_version defaults to "1.2"
#   ("Disabled" accepts any); Entra-only authentication is off unless an
#   azuread_administrator block sets azuread_authentication_only = true. An ARM template
#   that leaves minimalTlsVersion unset gets no minimum; Entra-only authentication is
#   read from the server's administrators.azureADOnlyAuthentication (a separate
#   Microsoft.Sql/servers/azureADOnlyAuthentications resource is not joined to its
#   server: set it on the server too). A value not known offline is not assessed.
# custom:
#   id: IAC-AZ-005
#   severity: medium
#   resource_types: [iac.terraform.resource, iac.arm.resource]
#   remediation: >-
#     Terraform: azurerm_mssql_server with minimum_tls_version = "1.2" and
#     azuread_administrator { login_username = ..., object_id = ...,
#     azuread_authentication_only = true }. ARM/Bicep: Microsoft.Sql/servers properties
#     minimalTlsVersion "1.2" and administrators { administratorType
#     "ActiveDirectory", azureADOnlyAuthentication true, ... }.
package sdescan.checks.iac.azure_sql

import data.sdescan.lib.azure_sql as sql
import data.sdescan.lib.iac_azure as iac
import rego.v1

# The decision is lib_sql's, shared with AZ-SQL-002: the server is
# normalised to the live facts' shape first.

default applicable := false

applicable if iac.tf(input.resource, "azurerm_mssql_server")

applicable if iac.arm(input.resource, "Microsoft.Sql/servers")

attrs := input.resource.attributes

tf if input.resource.type == "iac.terraform.resource"

judged := ["minimal_tls_version", "azure_ad_only_authentication"]

written("minimal_tls_version") := iac.string_or_null(iac.tf_arg(attrs, ["minimum_tls_version"], "1.2")) if tf

written("azure_ad_only_authentication") := v if {
	tf
	admin := iac.tf_block(attrs, "azuread_administrator")
	not iac.unknown_at(attrs, "azuread_administrator.0.azuread_authentication_only")
	v := iac.bool(object.get(admin, "azuread_authentication_only", false))
}

written("minimal_tls_version") := iac.string_or_null(iac.arm_prop(attrs, ["minimalTlsVersion"], null)) if not tf

written("azure_ad_only_authentication") := iac.bool(iac.arm_prop(attrs, ["administrators", "azureADOnlyAuthentication"], false)) if not tf

# server is the server in the live facts' shape.
server := {k: v | some k in judged; v := written(k)}

code_name := {
	"minimal_tls_version": "minimum_tls_version",
	"azure_ad_only_authentication": "azuread_administrator.azuread_authentication_only",
} if tf

code_name := {
	"minimal_tls_version": "minimalTlsVersion",
	"azure_ad_only_authentication": "administrators.azureADOnlyAuthentication",
} if not tf

what := {
	"minimal_tls_version": "accepts TLS below 1.2",
	"azure_ad_only_authentication": "allows SQL authentication (not Microsoft Entra-only)",
}

deny contains sprintf("%s %s %s (%s %v)", [attrs.resource_type, attrs.name, what[k], code_name[k], server[k]]) if {
	some k in sql.failing(server, judged)
}

missing contains sprintf("attributes.config.%s", [code_name[k]]) if {
	tf
	some k in sql.unknown(server, judged)
}

missing contains sprintf("attributes.properties.%s", [code_name[k]]) if {
	not tf
	some k in sql.unknown(server, judged)
}
