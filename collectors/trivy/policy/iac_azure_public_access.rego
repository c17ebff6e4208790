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
#   resource_types: [iac.terraform.resource, iac.arm.resource]
#   remediation: >-
#     Set public_network_access_enabled = false on azurerm_storage_account,
#     azurerm_key_vault, azurerm_mssql_server, azurerm_postgresql_flexible_server and
#     azurerm_mysql_flexible_server, and reach them through azurerm_private_endpoint
#     (flexible servers: or delegated_subnet_id). ARM/Bicep: publicNetworkAccess
#     "Disabled" on Microsoft.Storage/storageAccounts, Microsoft.KeyVault/vaults and
#     Microsoft.Sql/servers, and network.publicNetworkAccess "Disabled" (or
#     network.delegatedSubnetResourceId) on Microsoft.DBforPostgreSQL/flexibleServers and
#     Microsoft.DBforMySQL/flexibleServers.
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

# ARM templates (and Bicep compiled to them): the property that says it, by
# resource type (lower-cased, as ARM compares types), as a path within
# properties. Left out, Azure enables public network access.
arm_kinds := {
	"microsoft.storage/storageaccounts": ["publicNetworkAccess"],
	"microsoft.keyvault/vaults": ["publicNetworkAccess"],
	"microsoft.sql/servers": ["publicNetworkAccess"],
	"microsoft.dbforpostgresql/flexibleservers": ["network", "publicNetworkAccess"],
	"microsoft.dbformysql/flexibleservers": ["network", "publicNetworkAccess"],
}

arm if input.resource.type == "iac.arm.resource"

arm_path := arm_kinds[lower(attrs.resource_type)] if arm

applicable if {
	arm
	is_string(attrs.resource_type)
	arm_path
}

setting := "public_network_access_enabled"

unknown(a) if {
	not arm
	a in attrs.unknown_attributes
}

vnet_injected if {
	attrs.resource_type in flexible
	attrs.config.delegated_subnet_id
}

vnet_injected if {
	attrs.resource_type in flexible
	unknown("delegated_subnet_id")
}

vnet_injected if {
	arm
	count(arm_path) == 2
	object.get(attrs.properties, ["network", "delegatedSubnetResourceId"], "") != ""
}

# A delegated subnet written as an expression (resourceId(...), as usual) is
# written: the server is injected, as with Terraform's delegated_subnet_id.
vnet_injected if {
	arm
	count(arm_path) == 2
	"properties.network.delegatedSubnetResourceId" in attrs.unknown_attributes
}

# arm_unknown(p): the value at path p (or around it) is a template expression.
arm_unknown(p) if {
	some u in attrs.unknown_attributes
	is_string(u)
	p == u
}

arm_unknown(p) if {
	some u in attrs.unknown_attributes
	is_string(u)
	startswith(p, concat("", [u, "."]))
}

arm_setting := concat(".", array.concat(["properties"], arm_path))

arm_value := object.get(attrs.properties, arm_path, null) if not arm_unknown(arm_setting)

deny contains sprintf("%s %s enables public network access (%s %v)", [attrs.resource_type, attrs.name, concat(".", arm_path), arm_value]) if {
	arm_value != null
	not arm_disabled
	not vnet_injected
}

deny contains sprintf("%s %s does not set %s to Disabled (Azure enables public network access by default)", [attrs.resource_type, attrs.name, concat(".", arm_path)]) if {
	arm_value == null
	not vnet_injected
}

arm_disabled if {
	is_string(arm_value)
	lower(arm_value) == "disabled"
}

missing contains sprintf("attributes.%s", [arm_setting]) if {
	arm
	arm_unknown(arm_setting)
	not vnet_injected
}

deny contains sprintf("%s %s enables public network access", [attrs.resource_type, attrs.name]) if {
	not arm
	attrs.config[setting] in {true, "true"}
	not vnet_injected
}

deny contains sprintf("%s %s does not set %s = false (azurerm enables public network access by default)", [attrs.resource_type, attrs.name, setting]) if {
	not arm
	not setting in object.keys(attrs.config)
	not unknown(setting)
	not vnet_injected
}

missing contains sprintf("attributes.config.%s", [setting]) if {
	unknown(setting)
	not vnet_injected
}
