package sdescan.checks.iac.azure_storage_test

import data.sdescan.checks.iac.azure_storage as check
import data.sdescan.lib.azure_storage as storage
import rego.v1

tf(cfg, unknown) := {"resource": {"id": "x", "type": "iac.terraform.resource", "source": "iac", "attributes": {"mode": "resource", "resource_type": "azurerm_storage_account", "name": "sa", "config": cfg, "unknown_attributes": unknown}}}

arm(props, unknown) := {"resource": {"id": "x", "type": "iac.arm.resource", "source": "iac", "attributes": {"resource_type": "Microsoft.Storage/storageAccounts", "name": "sa", "api_version": "2023-05-01", "properties": props, "unknown_attributes": unknown}}}

good_tf := {"allow_nested_items_to_be_public": false, "shared_access_key_enabled": false}

good_arm := {"allowBlobPublicAccess": false, "minimumTlsVersion": "TLS1_2", "allowSharedKeyAccess": false}

test_pass if {
	count(check.deny) == 0 with input as tf(good_tf, [])
	count(check.missing) == 0 with input as tf(good_tf, [])
	count(check.deny) == 0 with input as arm(good_arm, [])
	count(check.missing) == 0 with input as arm(good_arm, [])
	check.applicable with input as tf(good_tf, [])
	check.applicable with input as arm(good_arm, [])
}

# azurerm's defaults: nested items may be public, shared keys allowed; HTTPS
# only and TLS 1.2 pass.
test_fail_tf_defaults if {
	check.deny == {
		"azurerm_storage_account sa allows anonymous blob access (allow_nested_items_to_be_public not set: true by default)",
		"azurerm_storage_account sa allows shared-key access (shared_access_key_enabled not set: true by default)",
	} with input as tf({}, [])
}

test_fail_tf_written if {
	check.deny == {"azurerm_storage_account sa accepts plain HTTP (https_traffic_only_enabled = false)"} with input as tf(object.union(good_tf, {"https_traffic_only_enabled": false}), [])
	check.deny == {"azurerm_storage_account sa accepts TLS below 1.2 (min_tls_version = TLS1_1)"} with input as tf(object.union(good_tf, {"min_tls_version": "TLS1_1"}), [])
	check.deny == {"azurerm_storage_account sa allows anonymous blob access (allow_nested_items_to_be_public = true)"} with input as tf(object.union(good_tf, {"allow_nested_items_to_be_public": true}), [])
}

# azurerm v3's argument name is read too.
test_tf_older_names if {
	count(check.deny) == 1 with input as tf(object.union(good_tf, {"enable_https_traffic_only": false}), [])
	count(check.deny) == 0 with input as tf(object.union(good_tf, {"min_tls_version": "TLS1_3"}), [])
}

test_missing_tf if {
	inp := tf({"shared_access_key_enabled": false}, ["allow_nested_items_to_be_public", "min_tls_version"])
	check.missing == {"attributes.config.allow_nested_items_to_be_public", "attributes.config.min_tls_version"} with input as inp
	count(check.deny) == 0 with input as inp
}

# A value the provider would refuse is not assessed, never passed.
test_not_a_bool if {
	check.missing == {"attributes.config.shared_access_key_enabled"} with input as tf(object.union(good_tf, {"shared_access_key_enabled": "maybe"}), [])
}

test_fail_arm_defaults if {
	check.deny == {
		"Microsoft.Storage/storageAccounts sa allows anonymous blob access (allowBlobPublicAccess not set)",
		"Microsoft.Storage/storageAccounts sa accepts TLS below 1.2 (minimumTlsVersion not set)",
		"Microsoft.Storage/storageAccounts sa allows shared-key access (allowSharedKeyAccess not set)",
	} with input as arm({}, [])
}

# Before API version 2019-04-01 HTTPS only was off unless set.
test_arm_old_api_https if {
	inp := {"resource": {"id": "x", "type": "iac.arm.resource", "source": "iac", "attributes": {"resource_type": "Microsoft.Storage/storageAccounts", "name": "sa", "api_version": "2018-07-01", "properties": good_arm, "unknown_attributes": []}}}
	check.deny == {"Microsoft.Storage/storageAccounts sa accepts plain HTTP (supportsHttpsTrafficOnly not set)"} with input as inp
}

test_arm_expression if {
	inp := arm({"minimumTlsVersion": "TLS1_2", "allowSharedKeyAccess": false}, ["properties.allowBlobPublicAccess"])
	check.missing == {"attributes.properties.allowBlobPublicAccess"} with input as inp
	count(check.deny) == 0 with input as inp
}

test_arm_type_any_case if {
	inp := {"resource": {"id": "x", "type": "iac.arm.resource", "source": "iac", "attributes": {"resource_type": "microsoft.storage/STORAGEACCOUNTS", "name": "sa", "properties": {}, "unknown_attributes": []}}}
	check.applicable with input as inp
}

test_not_applicable if {
	not check.applicable with input as {"resource": {"id": "x", "type": "iac.terraform.resource", "source": "iac", "attributes": {"mode": "data", "resource_type": "azurerm_storage_account", "name": "sa", "config": {}, "unknown_attributes": []}}}
	not check.applicable with input as {"resource": {"id": "x", "type": "iac.terraform.resource", "source": "iac", "attributes": {"mode": "resource", "resource_type": "azurerm_storage_container", "name": "c", "config": {}, "unknown_attributes": []}}}
}

# Equivalence with AZ-ST-001/002/005: the code is normalised into the live
# facts' shape, which the shared library then judges; the live account that
# Azure would report gets the same verdict.
test_equivalence if {
	live := {"allow_blob_public_access": true, "https_only": true, "minimum_tls_version": "TLS1_2", "allow_shared_key_access": true}
	check.account == live with input as tf({}, [])
	storage.failing(live) == {"allow_blob_public_access", "allow_shared_key_access"}
	arm_live := {"allow_blob_public_access": null, "https_only": true, "minimum_tls_version": null, "allow_shared_key_access": null}
	check.account == arm_live with input as arm({}, [])
	storage.failing(arm_live) == {"allow_blob_public_access", "minimum_tls_version", "allow_shared_key_access"}
	check.account == {"allow_blob_public_access": false, "https_only": true, "minimum_tls_version": "TLS1_2", "allow_shared_key_access": false} with input as tf(good_tf, [])
}
