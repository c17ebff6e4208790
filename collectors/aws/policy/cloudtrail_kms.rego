# METADATA
# title: CloudTrail logs are encrypted with a KMS key
# description: >-
#   Audit logs reveal who accessed which data and how the environment is built.
#   Encrypting them with a customer managed KMS key means reading them needs an
#   explicit key grant, kept apart from the people whose actions they record.
# custom:
#   id: AWS-CT-003
#   severity: medium
#   resource_types: [aws.cloudtrail.trail]
#   remediation: >-
#     Terraform: aws_cloudtrail with kms_key_id = aws_kms_key.cloudtrail.arn (the key
#     policy must allow cloudtrail.amazonaws.com to GenerateDataKey*).
package sdescan.checks.aws.cloudtrail_kms

import data.sdescan.lib.facts
import rego.v1

deny contains sprintf("trail %s logs are not encrypted with a KMS key", [object.get(input.resource.attributes, "name", input.resource.id)]) if {
	input.resource.attributes.kms_encrypted == false
}

missing contains "attributes.kms_encrypted" if {
	not facts.present("kms_encrypted")
}
