# METADATA
# title: Storage accounts refuse shared-key access (Microsoft Entra ID only)
# description: >-
#   An account key grants full access to everything in the account, is not tied to a
#   person and leaves no per-user trail; SAS tokens signed with it are as strong. With
#   allowSharedKeyAccess false every request must be authorised with Microsoft Entra ID,
#   so access follows RBAC and is attributable. Unset means shared keys are allowed.
# custom:
#   id: AZ-ST-005
#   severity: medium
#   resource_types: [azure.storage.account]
#   remediation: >-
#     Move clients to Entra ID authorisation, then az storage account update
#     --allow-shared-key-access false. Terraform: azurerm_storage_account with
#     shared_access_key_enabled = false.
package sdescan.checks.azure.storage_shared_key

import data.sdescan.lib.azure_storage as storage
import rego.v1

# The decision is lib_storage's, shared with IAC-AZ-002.

attrs := input.resource.attributes

account := object.get(attrs, "name", input.resource.id)

deny contains sprintf("storage account %s allows shared-key access (allowSharedKeyAccess %v)", [account, attrs.allow_shared_key_access]) if {
	"allow_shared_key_access" in storage.failing(attrs)
}

missing contains "attributes.allow_shared_key_access" if {
	"allow_shared_key_access" in storage.unknown(attrs)
}
