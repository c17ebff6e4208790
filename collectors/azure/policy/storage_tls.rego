# METADATA
# title: Storage accounts accept HTTPS only, with TLS 1.2 or later
# description: >-
#   Data in transit to and from the SDE's storage must be encrypted with a current
#   protocol: supportsHttpsTrafficOnly must be true and minimumTlsVersion TLS1_2 or
#   later. Unset counts as not compliant: older accounts default to accepting HTTP and
#   TLS 1.0.
# custom:
#   id: AZ-ST-002
#   severity: high
#   resource_types: [azure.storage.account]
#   remediation: >-
#     az storage account update --https-only true --min-tls-version TLS1_2. Terraform:
#     azurerm_storage_account with https_traffic_only_enabled = true and
#     min_tls_version = "TLS1_2".
package sdescan.checks.azure.storage_tls

import data.sdescan.lib.azure_storage as storage
import rego.v1

# The decision is lib_storage's, shared with IAC-AZ-002.

attrs := input.resource.attributes

account := object.get(attrs, "name", input.resource.id)

deny contains sprintf("storage account %s accepts plain HTTP (supportsHttpsTrafficOnly %v)", [account, attrs.https_only]) if {
	"https_only" in storage.failing(attrs)
}

deny contains sprintf("storage account %s accepts TLS below 1.2 (minimumTlsVersion %v)", [account, attrs.minimum_tls_version]) if {
	"minimum_tls_version" in storage.failing(attrs)
}

missing contains sprintf("attributes.%s", [key]) if {
	some key in (storage.unknown(attrs) & {"https_only", "minimum_tls_version"})
}
