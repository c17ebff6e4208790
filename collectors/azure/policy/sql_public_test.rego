package sdescan.checks.azure.sql_public_test

import data.sdescan.checks.azure.sql_public as check
import rego.v1

srv(attrs) := {"resource": {"id": "sql-id", "type": "azure.sql.server", "source": "azure", "attributes": object.union({"name": "sql"}, attrs)}}

test_pass if {
	count(check.deny) == 0 with input as srv({"public_network_access": "Disabled"})
	count(check.missing) == 0 with input as srv({"public_network_access": "Disabled"})
}

test_fail if {
	check.deny == {"SQL server sql is open to public networks (publicNetworkAccess Enabled)"} with input as srv({"public_network_access": "Enabled"})
	check.deny == {"SQL server sql is open to public networks (publicNetworkAccess null)"} with input as srv({"public_network_access": null})
	check.deny == {"SQL server sql is open to public networks (publicNetworkAccess SecuredByPerimeter)"} with input as srv({"public_network_access": "SecuredByPerimeter"})
}

test_missing if {
	count(check.deny) == 0 with input as srv({})
	check.missing == {"attributes.public_network_access"} with input as srv({})
}
