package sdescan.checks.iac.azure_keyvault_test

import data.sdescan.checks.iac.azure_keyvault as check
import data.sdescan.lib.azure_keyvault as keyvault
import rego.v1

tf(cfg, unknown) := {"resource": {"id": "x", "type": "iac.terraform.resource", "source": "iac", "attributes": {"mode": "resource", "resource_type": "azurerm_key_vault", "name": "kv", "config": cfg, "unknown_attributes": unknown}}}

arm(props, unknown) := {"resource": {"id": "x", "type": "iac.arm.resource", "source": "iac", "attributes": {"resource_type": "Microsoft.KeyVault/vaults", "name": "kv", "properties": props, "unknown_attributes": unknown}}}

test_pass if {
	count(check.deny) == 0 with input as tf({"purge_protection_enabled": true, "rbac_authorization_enabled": true}, [])
	count(check.missing) == 0 with input as tf({"purge_protection_enabled": true, "rbac_authorization_enabled": true}, [])
	count(check.deny) == 0 with input as tf({"purge_protection_enabled": true, "enable_rbac_authorization": true}, [])
	count(check.deny) == 0 with input as arm({"enablePurgeProtection": true, "enableRbacAuthorization": true}, [])
	count(check.deny) == 0 with input as arm({"enableSoftDelete": true, "enablePurgeProtection": true, "enableRbacAuthorization": true}, [])
}

test_fail_tf_defaults if {
	check.deny == {
		"azurerm_key_vault kv does not have purge protection on (purge_protection_enabled not set: false by default)",
		"azurerm_key_vault kv uses access policies, not RBAC authorisation (rbac_authorization_enabled not set: false by default)",
	} with input as tf({}, [])
}

# azurerm v2 could turn soft delete off.
test_fail_soft_delete_off if {
	check.deny == {"azurerm_key_vault kv does not have soft delete on (soft_delete_enabled = false)"} with input as tf({"soft_delete_enabled": false, "purge_protection_enabled": true, "rbac_authorization_enabled": true}, [])
	check.deny == {"Microsoft.KeyVault/vaults kv does not have soft delete on (enableSoftDelete = false)"} with input as arm({"enableSoftDelete": false, "enablePurgeProtection": true, "enableRbacAuthorization": true}, [])
}

test_fail_arm_unset if {
	check.deny == {
		"Microsoft.KeyVault/vaults kv does not have purge protection on (enablePurgeProtection not set)",
		"Microsoft.KeyVault/vaults kv uses access policies, not RBAC authorisation (enableRbacAuthorization not set)",
	} with input as arm({}, [])
}

test_missing if {
	inp := tf({"purge_protection_enabled": true}, ["enable_rbac_authorization"])
	check.missing == {"attributes.config.rbac_authorization_enabled"} with input as inp
	count(check.deny) == 0 with input as inp
	arm_inp := arm({"enablePurgeProtection": true}, ["properties.enableRbacAuthorization"])
	check.missing == {"attributes.properties.enableRbacAuthorization"} with input as arm_inp
	count(check.deny) == 0 with input as arm_inp
}

# Public network access is IAC-AZ-001's, not this check's.
test_public_access_not_judged if {
	count(check.deny) == 0 with input as tf({"purge_protection_enabled": true, "rbac_authorization_enabled": true, "public_network_access_enabled": true}, [])
}

# Equivalence with AZ-KV-001/002: the normalised vault is the live shape.
test_equivalence if {
	live := {"enable_soft_delete": true, "enable_purge_protection": false, "enable_rbac_authorization": true}
	check.vault == live with input as tf({"rbac_authorization_enabled": true}, [])
	keyvault.failing(live, check.judged) == {"enable_purge_protection"}
	check.vault == {"enable_soft_delete": true, "enable_purge_protection": null, "enable_rbac_authorization": true} with input as arm({"enableRbacAuthorization": true}, [])
}
