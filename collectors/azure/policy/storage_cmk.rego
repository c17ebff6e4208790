# METADATA
# title: Storage accounts holding identifiable or pseudonymised data use a customer-managed key
# description: >-
#   A customer-managed key in Key Vault (encryption keySource Microsoft.Keyvault) puts
#   the data behind a key the SDE controls: access to it can be revoked, its use is
#   logged, and it can be rotated on the SDE's schedule. Microsoft-managed keys are
#   accepted for accounts not tagged (with the classification tag) as holding
#   identifiable or pseudonymised data; untagged accounts are not judged.
# custom:
#   id: AZ-ST-006
#   severity: medium
#   resource_types: [azure.storage.account]
#   remediation: >-
#     Configure the account's encryption with a customer-managed key in Key Vault
#     (az storage account update --encryption-key-source Microsoft.Keyvault ...).
#     Terraform: azurerm_storage_account_customer_managed_key.
package sdescan.checks.azure.storage_cmk

import rego.v1

attrs := input.resource.attributes

account := object.get(attrs, "name", input.resource.id)

default applicable := false

applicable if input.resource.classification in {"identifiable", "pseudonymised"}

deny contains msg if {
	is_string(attrs.encryption_key_source)
	lower(attrs.encryption_key_source) != "microsoft.keyvault"
	msg := sprintf("storage account %s is tagged %s but encrypted with %s, not a customer-managed key", [account, input.resource.classification, attrs.encryption_key_source])
}

missing contains "attributes.encryption_key_source" if {
	not is_string(object.get(attrs, "encryption_key_source", null))
}
