# METADATA
# title: Key Vaults are closed to public networks and use RBAC authorisation
# description: >-
#   A vault holding the SDE's keys should be reached through a private endpoint only
#   (publicNetworkAccess Disabled; unset means enabled), and its data-plane access
#   should be granted with Azure RBAC (enableRbacAuthorization), which is assigned,
#   reviewed and logged like every other role, rather than with vault access policies.
# custom:
#   id: AZ-KV-002
#   severity: medium
#   resource_types: [azure.keyvault.vault]
#   remediation: >-
#     Add a private endpoint, then az keyvault update --public-network-access Disabled
#     --enable-rbac-authorization true (after granting the needed Key Vault roles).
#     Terraform: azurerm_key_vault with public_network_access_enabled = false and
#     rbac_authorization_enabled = true.
package sdescan.checks.azure.keyvault_access

import data.sdescan.lib.azure_keyvault as keyvault
import rego.v1

# The decision is lib_keyvault's, shared with IAC-AZ-004 (RBAC) and, for
# public network access in code, IAC-AZ-001.

judged := ["public_network_access", "enable_rbac_authorization"]

attrs := input.resource.attributes

vault := object.get(attrs, "name", input.resource.id)

deny contains sprintf("key vault %s is open to public networks (publicNetworkAccess %v)", [vault, attrs.public_network_access]) if {
	"public_network_access" in keyvault.failing(attrs, judged)
}

deny contains sprintf("key vault %s uses access policies, not RBAC authorisation (enableRbacAuthorization %v)", [vault, attrs.enable_rbac_authorization]) if {
	"enable_rbac_authorization" in keyvault.failing(attrs, judged)
}

missing contains sprintf("attributes.%s", [key]) if {
	some key in keyvault.unknown(attrs, judged)
}
