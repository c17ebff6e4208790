# METADATA
# title: Azure Key Vaults have soft delete and purge protection on and use RBAC authorisation
# description: >-
#   The code twin of AZ-KV-001 and of AZ-KV-002's RBAC half, with the same decision
#   (collectors/azure/policy/lib_keyvault.rego); public network access in code is
#   IAC-AZ-001's. Soft delete keeps a deleted vault and its keys recoverable and purge
#   protection stops anyone purging them early, so deleting a key cannot destroy the
#   data it encrypts; Azure RBAC grants data-plane access as reviewed, logged role
#   assignments rather than vault access policies. azurerm leaves purge protection and
#   RBAC authorisation off unless told otherwise (soft delete is always on since azurerm
#   v3); an ARM template that leaves enablePurgeProtection or enableRbacAuthorization
#   unset gets them unset, which the live checks fail (Azure turns soft delete on for
#   every new vault). A value not known offline is not assessed.
# custom:
#   id: IAC-AZ-004
#   severity: high
#   resource_types: [iac.terraform.resource, iac.arm.resource]
#   remediation: >-
#     Terraform: azurerm_key_vault with purge_protection_enabled = true and
#     rbac_authorization_enabled = true (enable_rbac_authorization before azurerm 4.x;
#     grant the Key Vault roles with azurerm_role_assignment), soft_delete_retention_days
#     as needed. ARM/Bicep: Microsoft.KeyVault/vaults properties enablePurgeProtection
#     true, enableRbacAuthorization true and enableSoftDelete true (or left out).
package sdescan.checks.iac.azure_keyvault

import data.sdescan.lib.azure_keyvault as keyvault
import data.sdescan.lib.iac_azure as iac
import rego.v1

# The decision is lib_keyvault's, shared with AZ-KV-001 and AZ-KV-002: the
# vault is normalised to the live facts' shape first.

default applicable := false

applicable if iac.tf(input.resource, "azurerm_key_vault")

applicable if iac.arm(input.resource, "Microsoft.KeyVault/vaults")

attrs := input.resource.attributes

tf if input.resource.type == "iac.terraform.resource"

judged := ["enable_soft_delete", "enable_purge_protection", "enable_rbac_authorization"]

# Terraform: each setting's arguments (current name first, then older ones)
# and azurerm's default. soft_delete_enabled is azurerm v2's (soft delete
# cannot be turned off since v3).
tf_args := {
	"enable_soft_delete": {"names": ["soft_delete_enabled"], "default": true},
	"enable_purge_protection": {"names": ["purge_protection_enabled"], "default": false},
	"enable_rbac_authorization": {"names": ["rbac_authorization_enabled", "enable_rbac_authorization"], "default": false},
}

# ARM: soft delete is turned on for a new vault that leaves it out; the
# others are left unset (null).
arm_defaults := {
	"enable_soft_delete": true,
	"enable_purge_protection": null,
	"enable_rbac_authorization": null,
}

written(k) := iac.bool(iac.tf_arg(attrs, tf_args[k].names, tf_args[k].default)) if tf

written(k) := iac.bool_or_null(iac.arm_prop(attrs, [keyvault.settings[k].property], arm_defaults[k])) if not tf

# vault is the vault in the live facts' shape.
vault := {k: v | some k in judged; v := written(k)}

setting(k) := tf_args[k].names[0] if tf

setting(k) := keyvault.settings[k].property if not tf

what := {
	"enable_soft_delete": "does not have soft delete on",
	"enable_purge_protection": "does not have purge protection on",
	"enable_rbac_authorization": "uses access policies, not RBAC authorisation",
}

written_in_code(k) if {
	tf
	iac.tf_written(attrs, tf_args[k].names)
}

written_in_code(k) if {
	not tf
	_ = attrs.properties[keyvault.settings[k].property]
}

how(k) := sprintf("%s = %v", [setting(k), vault[k]]) if written_in_code(k)

how(k) := sprintf("%s not set: %v by default", [setting(k), vault[k]]) if {
	not written_in_code(k)
	vault[k] != null
}

how(k) := sprintf("%s not set", [setting(k)]) if {
	not written_in_code(k)
	vault[k] == null
}

deny contains sprintf("%s %s %s (%s)", [attrs.resource_type, attrs.name, what[k], how(k)]) if {
	some k in keyvault.failing(vault, judged)
}

missing contains sprintf("attributes.config.%s", [tf_args[k].names[0]]) if {
	tf
	some k in keyvault.unknown(vault, judged)
}

missing contains sprintf("attributes.properties.%s", [keyvault.settings[k].property]) if {
	not tf
	some k in keyvault.unknown(vault, judged)
}
