package sdescan.checks.azure.databricks_workspace_test

import data.sdescan.checks.azure.databricks_workspace as check
import rego.v1

dbx(attrs) := {"resource": {"id": "dbx-id", "type": "azure.databricks.workspace", "source": "azure", "attributes": object.union({"name": "dbx"}, attrs)}}

good := {"enable_no_public_ip": true, "public_network_access": "Disabled", "required_nsg_rules": "NoAzureDatabricksRules"}

test_pass if {
	count(check.deny) == 0 with input as dbx(good)
	count(check.missing) == 0 with input as dbx(good)
	count(check.deny) == 0 with input as dbx(object.union(good, {"public_network_access": "disabled", "required_nsg_rules": null}))
}

test_fail_public_ip if {
	check.deny == {"Databricks workspace dbx gives its cluster nodes public IP addresses (enableNoPublicIp false: no secure cluster connectivity)"} with input as dbx(object.union(good, {"enable_no_public_ip": false}))
}

test_fail_public_access if {
	check.deny == {"Databricks workspace dbx allows public network access (publicNetworkAccess Enabled)"} with input as dbx(object.union(good, {"public_network_access": "Enabled", "required_nsg_rules": "AllRules"}))
	check.deny == {"Databricks workspace dbx allows public network access (publicNetworkAccess not set: Enabled by default)"} with input as dbx(object.union(good, {"public_network_access": null}))
}

test_fail_both if {
	count(check.deny) == 2 with input as dbx({"enable_no_public_ip": false, "public_network_access": null})
}

test_missing if {
	# enableNoPublicIp unset: its default changed across API versions, so unknown.
	check.missing == {"attributes.enable_no_public_ip"} with input as dbx(object.union(good, {"enable_no_public_ip": null}))
	count(check.deny) == 0 with input as dbx(object.union(good, {"enable_no_public_ip": null}))

	# Still judged on what is known.
	check.deny == {"Databricks workspace dbx allows public network access (publicNetworkAccess Enabled)"} with input as dbx({"enable_no_public_ip": null, "public_network_access": "Enabled"})

	count(check.deny) == 0 with input as dbx({})
	check.missing == {"attributes.enable_no_public_ip", "attributes.public_network_access"} with input as dbx({})
}
