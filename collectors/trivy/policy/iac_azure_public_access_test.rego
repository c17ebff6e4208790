package sdescan.checks.iac.azure_public_access_test

import data.sdescan.checks.iac.azure_public_access as check
import rego.v1

tf(t, cfg, unknown) := {"resource": {"id": "x", "type": "iac.terraform.resource", "source": "iac", "attributes": {"mode": "resource", "resource_type": t, "name": "n", "config": cfg, "unknown_attributes": unknown}}}

test_pass if {
	inp := tf("azurerm_key_vault", {"public_network_access_enabled": false}, [])
	check.applicable with input as inp
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_pass_vnet_injected if {
	inp := tf("azurerm_postgresql_flexible_server", {}, ["delegated_subnet_id"])
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_fail_enabled if {
	check.deny == {"azurerm_storage_account n enables public network access"} with input as tf("azurerm_storage_account", {"public_network_access_enabled": true}, [])
}

test_fail_default if {
	check.deny == {"azurerm_mssql_server n does not set public_network_access_enabled = false (azurerm enables public network access by default)"} with input as tf("azurerm_mssql_server", {}, [])
	count(check.deny) == 1 with input as tf("azurerm_mysql_flexible_server", {}, [])
}

test_missing if {
	inp := tf("azurerm_storage_account", {}, ["public_network_access_enabled"])
	check.missing == {"attributes.config.public_network_access_enabled"} with input as inp
	count(check.deny) == 0 with input as inp
}

test_not_applicable if {
	not check.applicable with input as tf("azurerm_resource_group", {}, [])
	not check.applicable with input as {"resource": {"id": "x", "type": "iac.terraform.resource", "source": "iac", "attributes": {"mode": "data", "resource_type": "azurerm_key_vault", "name": "n", "config": {}, "unknown_attributes": []}}}
}

arm_res(t, props, unknown) := {"resource": {"id": "x", "type": "iac.arm.resource", "source": "iac", "attributes": {"resource_type": t, "name": "r", "properties": props, "unknown_attributes": unknown}}}

test_arm_pass if {
	every t in ["Microsoft.Storage/storageAccounts", "Microsoft.KeyVault/vaults", "microsoft.sql/SERVERS"] {
		count(check.deny) == 0 with input as arm_res(t, {"publicNetworkAccess": "Disabled"}, [])
		count(check.missing) == 0 with input as arm_res(t, {"publicNetworkAccess": "disabled"}, [])
	}
	count(check.deny) == 0 with input as arm_res("Microsoft.DBforPostgreSQL/flexibleServers", {"network": {"publicNetworkAccess": "Disabled"}}, [])
	count(check.deny) == 0 with input as arm_res("Microsoft.DBforMySQL/flexibleServers", {"network": {"delegatedSubnetResourceId": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/db"}}, [])
}

test_arm_fail if {
	check.deny == {"Microsoft.Storage/storageAccounts r enables public network access (publicNetworkAccess Enabled)"} with input as arm_res("Microsoft.Storage/storageAccounts", {"publicNetworkAccess": "Enabled"}, [])
	check.deny == {"Microsoft.KeyVault/vaults r does not set publicNetworkAccess to Disabled (Azure enables public network access by default)"} with input as arm_res("Microsoft.KeyVault/vaults", {}, [])
	check.deny == {"Microsoft.DBforPostgreSQL/flexibleServers r does not set network.publicNetworkAccess to Disabled (Azure enables public network access by default)"} with input as arm_res("Microsoft.DBforPostgreSQL/flexibleServers", {}, [])
}

test_arm_expression if {
	inp := arm_res("Microsoft.Sql/servers", {}, ["properties.publicNetworkAccess"])
	check.missing == {"attributes.properties.publicNetworkAccess"} with input as inp
	count(check.deny) == 0 with input as inp
	check.missing == {"attributes.properties.network.publicNetworkAccess"} with input as arm_res("Microsoft.DBforMySQL/flexibleServers", {}, ["properties.network"])
}

test_arm_not_applicable if {
	not check.applicable with input as arm_res("Microsoft.Network/virtualNetworks", {}, [])
}
