package sdescan.checks.azure.storage_network_test

import data.sdescan.checks.azure.storage_network as check
import rego.v1

sa(attrs) := {"resource": {"id": "sa-id", "type": "azure.storage.account", "source": "azure", "attributes": object.union({"name": "sa"}, attrs)}}

test_pass if {
	count(check.deny) == 0 with input as sa({"public_network_access": "Disabled", "network_default_action": "Allow"})
	count(check.deny) == 0 with input as sa({"public_network_access": "Enabled", "network_default_action": "Deny"})
	count(check.deny) == 0 with input as sa({"public_network_access": null, "network_default_action": "Deny"})
	count(check.missing) == 0 with input as sa({"public_network_access": "Disabled"})
}

test_fail if {
	check.deny == {"storage account sa is reachable from public networks (publicNetworkAccess Enabled, network rules default action Allow)"} with input as sa({"public_network_access": "Enabled", "network_default_action": "Allow"})
	check.deny == {"storage account sa is reachable from public networks (publicNetworkAccess null, network rules default action null)"} with input as sa({"public_network_access": null, "network_default_action": null})
	count(check.deny) == 1 with input as sa({"public_network_access": "SecuredByPerimeter", "network_default_action": "Allow"})
}

test_missing if {
	count(check.deny) == 0 with input as sa({"public_network_access": "Enabled"})
	check.missing == {"attributes.network_default_action"} with input as sa({"public_network_access": "Enabled"})
	check.missing == {"attributes.public_network_access", "attributes.network_default_action"} with input as sa({})
}
