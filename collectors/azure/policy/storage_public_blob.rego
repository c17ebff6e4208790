# METADATA
# title: Storage accounts disallow anonymous blob access
# description: >-
#   With allowBlobPublicAccess on, any container can be made readable by anyone on the
#   internet without credentials, one setting away from publishing research data. The
#   account setting must be explicitly false: when Azure reports it unset, accounts
#   created before the secure default allow anonymous access, so unset fails too.
# custom:
#   id: AZ-ST-001
#   severity: critical
#   resource_types: [azure.storage.account]
#   remediation: >-
#     Set allowBlobPublicAccess to false on the account (az storage account update
#     --allow-blob-public-access false). Terraform: azurerm_storage_account with
#     allow_nested_items_to_be_public = false.
package sdescan.checks.azure.storage_public_blob

import data.sdescan.lib.azure_storage as storage
import rego.v1

# The decision is lib_storage's, shared with IAC-AZ-002.

attrs := input.resource.attributes

account := object.get(attrs, "name", input.resource.id)

deny contains sprintf("storage account %s allows anonymous blob access", [account]) if {
	"allow_blob_public_access" in storage.failing(attrs)
	attrs.allow_blob_public_access == true
}

deny contains sprintf("storage account %s does not disallow anonymous blob access (allowBlobPublicAccess unset)", [account]) if {
	"allow_blob_public_access" in storage.failing(attrs)
	attrs.allow_blob_public_access == null
}

missing contains "attributes.allow_blob_public_access" if {
	"allow_blob_public_access" in storage.unknown(attrs)
}
