package sdescan.checks.azure.storage_public_blob_test

import data.sdescan.checks.azure.storage_public_blob as check
import rego.v1

sa(attrs) := {"resource": {"id": "/subscriptions/s/resourcegroups/rg/providers/microsoft.storage/storageaccounts/sa", "type": "azure.storage.account", "source": "azure", "attributes": object.union({"name": "sa"}, attrs)}}

test_pass if {
	count(check.deny) == 0 with input as sa({"allow_blob_public_access": false})
	count(check.missing) == 0 with input as sa({"allow_blob_public_access": false})
}

test_fail_allowed if {
	check.deny == {"storage account sa allows anonymous blob access"} with input as sa({"allow_blob_public_access": true})
}

test_fail_unset if {
	check.deny == {"storage account sa does not disallow anonymous blob access (allowBlobPublicAccess unset)"} with input as sa({"allow_blob_public_access": null})
}

test_missing if {
	count(check.deny) == 0 with input as sa({})
	check.missing == {"attributes.allow_blob_public_access"} with input as sa({})
}
