package sdescan.checks.azure.keyvault_recovery_test

import data.sdescan.checks.azure.keyvault_recovery as check
import rego.v1

kv(attrs) := {"resource": {"id": "kv-id", "type": "azure.keyvault.vault", "source": "azure", "attributes": object.union({"name": "kv"}, attrs)}}

test_pass if {
	count(check.deny) == 0 with input as kv({"enable_soft_delete": true, "enable_purge_protection": true})
	count(check.missing) == 0 with input as kv({"enable_soft_delete": true, "enable_purge_protection": true})
}

test_fail if {
	check.deny == {"key vault kv does not have purge protection on (enablePurgeProtection null)"} with input as kv({"enable_soft_delete": true, "enable_purge_protection": null})
	check.deny == {"key vault kv does not have soft delete on (enableSoftDelete false)", "key vault kv does not have purge protection on (enablePurgeProtection false)"} with input as kv({"enable_soft_delete": false, "enable_purge_protection": false})
}

test_missing if {
	count(check.deny) == 0 with input as kv({})
	check.missing == {"attributes.enable_soft_delete", "attributes.enable_purge_protection"} with input as kv({})
}
