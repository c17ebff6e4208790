# METADATA
# title: Customer managed symmetric KMS keys rotate automatically
# description: >-
#   Automatic rotation gives a KMS key new cryptographic material regularly (yearly by
#   default), limiting how much data any one key version protects. Applies to enabled,
#   customer managed, symmetric keys created in KMS; AWS managed keys rotate on their
#   own, and asymmetric, HMAC and imported keys cannot rotate automatically.
# custom:
#   id: AWS-KMS-001
#   severity: medium
#   resource_types: [aws.kms.key]
#   remediation: >-
#     Terraform: aws_kms_key with enable_key_rotation = true (optionally
#     rotation_period_in_days); or aws kms enable-key-rotation --key-id KEY.
package sdescan.checks.aws.kms_rotation

import data.sdescan.lib.facts
import rego.v1

default applicable := false

# Applicable unless a fact explicitly rules the key out; an unknown fact is reported
# as missing instead of silently skipping the key.
applicable if {
	not excluded
}

excluded if input.resource.attributes.key_manager != "CUSTOMER"

excluded if input.resource.attributes.key_spec != "SYMMETRIC_DEFAULT"

excluded if input.resource.attributes.key_state != "Enabled"

excluded if input.resource.attributes.origin != "AWS_KMS"

deny contains sprintf("KMS key %s does not have automatic rotation enabled", [object.get(input.resource.attributes, "key_id", input.resource.id)]) if {
	input.resource.attributes.rotation_enabled == false

	# Only when the key is known to be in scope: otherwise report what is missing.
	input.resource.attributes.key_manager == "CUSTOMER"
	input.resource.attributes.key_spec == "SYMMETRIC_DEFAULT"
	input.resource.attributes.key_state == "Enabled"
}

missing contains sprintf("attributes.%s", [f]) if {
	some f in ["key_manager", "key_spec", "key_state", "rotation_enabled"]
	not facts.present(f)
}
