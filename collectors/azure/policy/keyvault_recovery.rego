# METADATA
# title: Key Vaults have soft delete and purge protection on
# description: >-
#   The keys that encrypt an SDE's data must survive a mistaken or malicious deletion:
#   soft delete keeps a deleted vault and its keys recoverable, and purge protection
#   stops anyone, an administrator included, from purging them before the retention
#   period ends. Without them, deleting a key destroys the data it encrypts.
# custom:
#   id: AZ-KV-001
#   severity: high
#   resource_types: [azure.keyvault.vault]
#   remediation: >-
#     az keyvault update --enable-purge-protection true (soft delete is on for every
#     new vault). Terraform: azurerm_key_vault with purge_protection_enabled = true and
#     soft_delete_retention_days set.
package sdescan.checks.azure.keyvault_recovery

import data.sdescan.lib.azure_keyvault as keyvault
import rego.v1

# The decision is lib_keyvault's, shared with IAC-AZ-004.

judged := ["enable_soft_delete", "enable_purge_protection"]

attrs := input.resource.attributes

vault := object.get(attrs, "name", input.resource.id)

deny contains sprintf("key vault %s does not have soft delete on (enableSoftDelete %v)", [vault, attrs.enable_soft_delete]) if {
	"enable_soft_delete" in keyvault.failing(attrs, judged)
}

deny contains sprintf("key vault %s does not have purge protection on (enablePurgeProtection %v)", [vault, attrs.enable_purge_protection]) if {
	"enable_purge_protection" in keyvault.failing(attrs, judged)
}

missing contains sprintf("attributes.%s", [key]) if {
	some key in keyvault.unknown(attrs, judged)
}
