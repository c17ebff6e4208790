package sdescan.checks.azure.storage_soft_delete_test

import data.sdescan.checks.azure.storage_soft_delete as check
import rego.v1

sa(attrs) := {"resource": {"id": "sa-id", "type": "azure.storage.account", "source": "azure", "attributes": object.union({"name": "sa"}, attrs)}}

test_pass if {
	inp := sa({"blob_service": {"present": true, "soft_delete_enabled": true, "soft_delete_days": 14, "versioning_enabled": true}})
	check.applicable with input as inp
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_fail if {
	check.deny == {"storage account sa has blob soft delete off", "storage account sa has blob versioning off"} with input as sa({"blob_service": {"present": true, "soft_delete_enabled": false, "soft_delete_days": 0, "versioning_enabled": false}})
	check.deny == {"storage account sa has blob versioning off"} with input as sa({"blob_service": {"present": true, "soft_delete_enabled": true, "soft_delete_days": 7, "versioning_enabled": false}})
}

test_not_applicable_file_storage if {
	not check.applicable with input as sa({"blob_service": {"present": false}})
}

test_missing if {
	check.applicable with input as sa({})
	count(check.deny) == 0 with input as sa({})
	check.missing == {"attributes.blob_service"} with input as sa({})
	check.missing == {"attributes.blob_service.versioning_enabled"} with input as sa({"blob_service": {"present": true, "soft_delete_enabled": true}})
}
