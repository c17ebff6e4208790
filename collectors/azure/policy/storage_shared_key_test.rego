package sdescan.checks.azure.storage_shared_key_test

import data.sdescan.checks.azure.storage_shared_key as check
import rego.v1

sa(attrs) := {"resource": {"id": "sa-id", "type": "azure.storage.account", "source": "azure", "attributes": object.union({"name": "sa"}, attrs)}}

test_pass if {
	count(check.deny) == 0 with input as sa({"allow_shared_key_access": false})
	count(check.missing) == 0 with input as sa({"allow_shared_key_access": false})
}

test_fail if {
	check.deny == {"storage account sa allows shared-key access (allowSharedKeyAccess true)"} with input as sa({"allow_shared_key_access": true})
	check.deny == {"storage account sa allows shared-key access (allowSharedKeyAccess null)"} with input as sa({"allow_shared_key_access": null})
}

test_missing if {
	count(check.deny) == 0 with input as sa({})
	check.missing == {"attributes.allow_shared_key_access"} with input as sa({})
}
