# METADATA
# title: Storage accounts keep deleted and overwritten blobs (soft delete and versioning)
# description: >-
#   Blob soft delete keeps deleted blobs for a retention period and versioning keeps
#   every overwritten version, so research data deleted or corrupted by mistake, by a
#   compromised account or by ransomware can be recovered. Both must be on in the blob
#   service. File-only (FileStorage) accounts have no blob service and are not judged.
# custom:
#   id: AZ-ST-004
#   severity: medium
#   resource_types: [azure.storage.account]
#   remediation: >-
#     az storage account blob-service-properties update --enable-delete-retention true
#     --delete-retention-days 14 --enable-versioning true. Terraform: azurerm_storage_account
#     blob_properties { versioning_enabled = true delete_retention_policy { days = 14 } }.
package sdescan.checks.azure.storage_soft_delete

import data.sdescan.lib.facts
import rego.v1

attrs := input.resource.attributes

account := object.get(attrs, "name", input.resource.id)

# File-only accounts (the collector records blob_service.present false) have
# no blob service; an account whose blob service could not be read stays
# applicable and is reported missing.
default applicable := false

applicable if not file_only

file_only if attrs.blob_service.present == false

deny contains sprintf("storage account %s has blob soft delete off", [account]) if {
	attrs.blob_service.soft_delete_enabled == false
}

deny contains sprintf("storage account %s has blob versioning off", [account]) if {
	attrs.blob_service.versioning_enabled == false
}

missing contains "attributes.blob_service" if {
	not facts.present("blob_service")
}

missing contains sprintf("attributes.blob_service.%s", [key]) if {
	facts.present("blob_service")
	some key in ["soft_delete_enabled", "versioning_enabled"]
	not is_boolean(object.get(attrs.blob_service, key, null))
}
