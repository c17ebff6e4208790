package sdescan.checks.azure.keyvault_access_test

import data.sdescan.checks.azure.keyvault_access as check
import rego.v1

kv(attrs) := {"resource": {"id": "kv-id", "type": "azure.keyvault.vault", "source": "azure", "attributes": object.union({"name": "kv"}, attrs)}}

test_pass if {
	count(check.deny) == 0 with input as kv({"public_network_access": "Disabled", "enable_rbac_authorization": true})
	count(check.missing) == 0 with input as kv({"public_network_access": "Disabled", "enable_rbac_authorization": true})
}

test_fail if {
	check.deny == {"key vault kv is open to public networks (publicNetworkAccess null)", "key vault kv uses access policies, not RBAC authorisation (enableRbacAuthorization null)"} with input as kv({"public_network_access": null, "enable_rbac_authorization": null})
	check.deny == {"key vault kv is open to public networks (publicNetworkAccess Enabled)"} with input as kv({"public_network_access": "Enabled", "enable_rbac_authorization": true})
}

test_missing if {
	count(check.deny) == 0 with input as kv({})
	check.missing == {"attributes.public_network_access", "attributes.enable_rbac_authorization"} with input as kv({})
}
