# METADATA
# title: Azure storage accounts, key vaults and databases disable public network access
# description: >-
#   A storage account, key vault or database server reachable from the internet is one
#   leaked credential away from exposing research data or the keys protecting it.
#   azurerm enables public network access unless told otherwise, so it must be switched
#   off explicitly and the service reached through private endpoints.
# custom:
#   id: IAC-AZ-001
#   severity: high
#   resource_types: [iac.terraform.resource]
#   remediation: >-
#     Set public_network_access_enabled = false on azurerm_storage_account,
#     azurerm_key_vault, azurerm_mssql_server, azurerm_postgresql_flexible_server and
#     azurerm_mysql_flexible_server, and reach them through azurerm_private_endpoint
#     (flexible servers: or delegated_subnet_id).
package sdescan.checks.iac.azure_public_access

import rego.v1

default applicable := false

kinds := {
	"azurerm_storage_account",
	"azurerm_key_vault",
	"azurerm_mssql_server",
	"azurerm_postgresql_flexible_server",
	"azurerm_mysql_flexible_server",
}

# Flexible servers injected into a delegated subnet have no public endpoint.
flexible := {"azurerm_postgresql_flexible_server", "azurerm_mysql_flexible_server"}

attrs := input.resource.attributes

applicable if {
	input.resource.type == "iac.terraform.resource"
	attrs.mode == "resource"
	attrs.resource_type in kinds
}

setting := "public_network_access_enabled"

unknown(a) if a in attrs.unknown_attributes

vnet_injected if {
	attrs.resource_type in flexible
	attrs.config.delegated_subnet_id
}

vnet_injected if {
	attrs.resource_type in flexible
	unknown("delegated_subnet_id")
}

deny contains sprintf("%s %s enables public network access", [attrs.resource_type, attrs.name]) if {
	attrs.config[setting] in {true, "true"}
	not vnet_injected
}

deny contains sprintf("%s %s does not set %s = false (azurerm enables public network access by default)", [attrs.resource_type, attrs.name, setting]) if {
	not setting in object.keys(attrs.config)
	not unknown(setting)
	not vnet_injected
}

missing contains sprintf("attributes.config.%s", [setting]) if {
	unknown(setting)
	not vnet_injected
}
