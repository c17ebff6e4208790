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
