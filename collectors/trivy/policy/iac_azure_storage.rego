# METADATA
# title: Azure storage accounts disallow anonymous blob access, accept HTTPS only with TLS 1.2 or later, and refuse shared keys
# description: >-
#   The code twin of AZ-ST-001, AZ-ST-002 and AZ-ST-005, with the same decision
#   (collectors/azure/policy/lib_storage.rego). Anonymous blob access puts one setting
#   between research data and the internet; plain HTTP or TLS below 1.2 leaves data in
#   transit weakly protected; an account key grants everything in the account without a
#   person behind it. A setting the code leaves out counts as what the provider (azurerm)
#   or Azure (ARM templates) then applies: azurerm allows nested items to be public and
#   shared keys unless told otherwise; an ARM template that leaves allowBlobPublicAccess,
#   minimumTlsVersion or allowSharedKeyAccess unset gets them unset, which the live checks
#   fail. A value not known offline is not assessed.
# custom:
#   id: IAC-AZ-002
#   severity: critical
#   resource_types: [iac.terraform.resource, iac.arm.resource]
#   remediation: >-
#     Terraform: azurerm_storage_account with allow_nested_items_to_be_public = false,
#     https_traffic_only_enabled = true (the default), min_tls_version = "TLS1_2" (the
#     default) and shared_access_key_enabled = false (with storage_use_azuread = true on
#     the provider). ARM/Bicep: Microsoft.Storage/storageAccounts properties
#     allowBlobPublicAccess false, supportsHttpsTrafficOnly true, minimumTlsVersion
#     "TLS1_2" and allowSharedKeyAccess false.
package sdescan.checks.iac.azure_storage

import data.sdescan.lib.azure_storage as storage
import data.sdescan.lib.iac_azure as iac
import rego.v1

# The decision is lib_storage's, shared with AZ-ST-001, AZ-ST-002 and
# AZ-ST-005: the account is normalised to the live facts' shape first.

default applicable := false

applicable if iac.tf(input.resource, "azurerm_storage_account")

applicable if iac.arm(input.resource, "Microsoft.Storage/storageAccounts")

attrs := input.resource.attributes

tf if input.resource.type == "iac.terraform.resource"

# Terraform: each setting's arguments (azurerm v4's name first, then older
# ones) and azurerm's default when none is written.
tf_args := {
	"allow_blob_public_access": {"names": ["allow_nested_items_to_be_public", "allow_blob_public_access"], "default": true},
	"https_only": {"names": ["https_traffic_only_enabled", "enable_https_traffic_only"], "default": true},
	"minimum_tls_version": {"names": ["min_tls_version"], "default": "TLS1_2"},
	"allow_shared_key_access": {"names": ["shared_access_key_enabled"], "default": true},
}

# ARM: supportsHttpsTrafficOnly defaults to true since API version
# 2019-04-01; the other settings are left unset (null) when not written.
https_default if {
	object.get(attrs, "api_version", "") >= "2019-04-01"
} else := null

arm_defaults := {
	"allow_blob_public_access": null,
	"https_only": https_default,
	"minimum_tls_version": null,
	"allow_shared_key_access": null,
}

# written(k): setting k as the code gives it, or its default; undefined when
# not known offline or not a value the setting takes.
written(k) := v if {
	tf
	k != "minimum_tls_version"
	v := iac.bool(iac.tf_arg(attrs, tf_args[k].names, tf_args[k].default))
}

written("minimum_tls_version") := v if {
	tf
	v := iac.string_or_null(iac.tf_arg(attrs, tf_args.minimum_tls_version.names, tf_args.minimum_tls_version.default))
}

written(k) := v if {
	not tf
	k != "minimum_tls_version"
	v := iac.bool_or_null(iac.arm_prop(attrs, [storage.settings[k]], arm_defaults[k]))
}

written("minimum_tls_version") := v if {
	not tf
	v := iac.string_or_null(iac.arm_prop(attrs, ["minimumTlsVersion"], null))
}

# account is the account in the live facts' shape.
account := {k: v | some k, _ in storage.settings; v := written(k)}

# setting(k): the code's name of setting k, for messages.
setting(k) := tf_args[k].names[0] if tf

setting(k) := storage.settings[k] if not tf

what := {
	"allow_blob_public_access": "allows anonymous blob access",
	"https_only": "accepts plain HTTP",
	"minimum_tls_version": "accepts TLS below 1.2",
	"allow_shared_key_access": "allows shared-key access",
}

# how(k): how the code sets k (written, or left to the default).
how(k) := sprintf("%s = %v", [setting(k), account[k]]) if written_in_code(k)

how(k) := sprintf("%s not set: %v by default", [setting(k), account[k]]) if {
	not written_in_code(k)
	account[k] != null
}

how(k) := sprintf("%s not set", [setting(k)]) if {
	not written_in_code(k)
	account[k] == null
}

written_in_code(k) if {
	tf
	iac.tf_written(attrs, tf_args[k].names)
}

written_in_code(k) if {
	not tf
	_ = attrs.properties[storage.settings[k]]
}

deny contains sprintf("%s %s %s (%s)", [attrs.resource_type, attrs.name, what[k], how(k)]) if {
	some k in storage.failing(account)
}

missing contains sprintf("attributes.config.%s", [tf_args[k].names[0]]) if {
	tf
	some k in storage.unknown(account)
}

missing contains sprintf("attributes.properties.%s", [storage.settings[k]]) if {
	not tf
	some k in storage.unknown(account)
}
