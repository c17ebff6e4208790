package sdescan.checks.azure.storage_cmk_test

import data.sdescan.checks.azure.storage_cmk as check
import rego.v1

sa(class, attrs) := {"resource": {"id": "sa-id", "type": "azure.storage.account", "source": "azure", "classification": class, "attributes": object.union({"name": "sa"}, attrs)}}

test_pass if {
	inp := sa("identifiable", {"encryption_key_source": "Microsoft.Keyvault"})
	check.applicable with input as inp
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_fail if {
	check.deny == {"storage account sa is tagged pseudonymised but encrypted with Microsoft.Storage, not a customer-managed key"} with input as sa("pseudonymised", {"encryption_key_source": "Microsoft.Storage"})
}

test_not_applicable if {
	not check.applicable with input as sa("anonymised", {"encryption_key_source": "Microsoft.Storage"})
	not check.applicable with input as {"resource": {"id": "x", "type": "azure.storage.account", "attributes": {"encryption_key_source": "Microsoft.Storage"}}}
}

test_missing if {
	count(check.deny) == 0 with input as sa("identifiable", {})
	check.missing == {"attributes.encryption_key_source"} with input as sa("identifiable", {})
	check.missing == {"attributes.encryption_key_source"} with input as sa("identifiable", {"encryption_key_source": null})
}
