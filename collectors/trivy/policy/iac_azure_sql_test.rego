package sdescan.checks.iac.azure_sql_test

import data.sdescan.checks.iac.azure_sql as check
import data.sdescan.lib.azure_sql as sql
import rego.v1

tf(cfg, unknown) := {"resource": {"id": "x", "type": "iac.terraform.resource", "source": "iac", "attributes": {"mode": "resource", "resource_type": "azurerm_mssql_server", "name": "sql", "config": cfg, "unknown_attributes": unknown}}}

arm(props, unknown) := {"resource": {"id": "x", "type": "iac.arm.resource", "source": "iac", "attributes": {"resource_type": "Microsoft.Sql/servers", "name": "sql", "properties": props, "unknown_attributes": unknown}}}

entra_only := {"azuread_administrator": [{"login_username": "a", "object_id": "b", "azuread_authentication_only": true}]}

test_pass if {
	count(check.deny) == 0 with input as tf(entra_only, [])
	count(check.missing) == 0 with input as tf(entra_only, [])
	count(check.deny) == 0 with input as tf(object.union(entra_only, {"minimum_tls_version": "1.2"}), [])
	count(check.deny) == 0 with input as arm({"minimalTlsVersion": "1.3", "administrators": {"azureADOnlyAuthentication": true}}, [])
}

test_fail_tls if {
	check.deny == {"azurerm_mssql_server sql accepts TLS below 1.2 (minimum_tls_version 1.0)"} with input as tf(object.union(entra_only, {"minimum_tls_version": "1.0"}), [])
	check.deny == {"azurerm_mssql_server sql accepts TLS below 1.2 (minimum_tls_version Disabled)"} with input as tf(object.union(entra_only, {"minimum_tls_version": "Disabled"}), [])
	check.deny == {"Microsoft.Sql/servers sql accepts TLS below 1.2 (minimalTlsVersion null)"} with input as arm({"administrators": {"azureADOnlyAuthentication": true}}, [])
	check.deny == {"Microsoft.Sql/servers sql accepts TLS below 1.2 (minimalTlsVersion None)"} with input as arm({"minimalTlsVersion": "None", "administrators": {"azureADOnlyAuthentication": true}}, [])
}

test_fail_sql_logins if {
	msg := "azurerm_mssql_server sql allows SQL authentication (not Microsoft Entra-only) (azuread_administrator.azuread_authentication_only false)"
	check.deny == {msg} with input as tf({}, [])
	check.deny == {msg} with input as tf({"azuread_administrator": [{"login_username": "a", "object_id": "b"}]}, [])
	check.deny == {msg} with input as tf({"azuread_administrator": [{"login_username": "a", "object_id": "b", "azuread_authentication_only": false}]}, [])
	check.deny == {"Microsoft.Sql/servers sql allows SQL authentication (not Microsoft Entra-only) (administrators.azureADOnlyAuthentication false)"} with input as arm({"minimalTlsVersion": "1.2"}, [])
}

test_missing if {
	inp := tf({"azuread_administrator": [{"login_username": "a", "object_id": "b"}]}, ["azuread_administrator.0.azuread_authentication_only", "minimum_tls_version"])
	check.missing == {"attributes.config.minimum_tls_version", "attributes.config.azuread_administrator.azuread_authentication_only"} with input as inp
	count(check.deny) == 0 with input as inp
	check.missing == {"attributes.config.azuread_administrator.azuread_authentication_only"} with input as tf({}, ["azuread_administrator"])
	arm_inp := arm({"minimalTlsVersion": "1.2"}, ["properties.administrators"])
	check.missing == {"attributes.properties.administrators.azureADOnlyAuthentication"} with input as arm_inp
	count(check.deny) == 0 with input as arm_inp
}

# Equivalence with AZ-SQL-002: the normalised server is the live shape.
test_equivalence if {
	live := {"minimal_tls_version": "1.2", "azure_ad_only_authentication": true}
	check.server == live with input as tf(entra_only, [])
	check.server == live with input as arm({"minimalTlsVersion": "1.2", "administrators": {"azureADOnlyAuthentication": true}}, [])
	count(sql.failing(live, check.judged)) == 0
	check.server == {"minimal_tls_version": null, "azure_ad_only_authentication": false} with input as arm({}, [])
}

# Another argument of the administrator block not known offline (an object_id
# from a data source) does not hide the one judged.
test_other_admin_argument_unknown if {
	inp := tf({"azuread_administrator": [{"login_username": "a", "azuread_authentication_only": true}]}, ["azuread_administrator.0.object_id"])
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}
