# METADATA
# title: CloudWatch log groups keep logs for a year and are KMS-encrypted
# description: >-
#   Logs are audit evidence: an investigation or an assessor may need events from many
#   months back, so log groups keep events for at least 365 days (or never expire).
#   Logs can also contain identifiers and query text, so they are encrypted with a KMS
#   key whose policy limits who can read them.
# custom:
#   id: AWS-LOGS-001
#   severity: low
#   resource_types: [aws.logs.log_group]
#   remediation: >-
#     Terraform: aws_cloudwatch_log_group with retention_in_days = 365 (or more) and
#     kms_key_id = aws_kms_key.logs.arn (the key policy must allow
#     logs.<region>.amazonaws.com).
package sdescan.checks.aws.logs_retention_kms

import data.sdescan.lib.facts
import rego.v1

# Log events must be kept at least 365 days (written as a literal below: a
# constant rule is evaluated again for every resource).

name := object.get(input.resource.attributes, "log_group_name", input.resource.id)

# retention_in_days 0 means events never expire.
deny contains sprintf("log group %s keeps events for %d days (need %d or more)", [name, input.resource.attributes.retention_in_days, 365]) if {
	input.resource.attributes.retention_in_days > 0
	input.resource.attributes.retention_in_days < 365
}

deny contains sprintf("log group %s is not encrypted with a KMS key", [name]) if {
	input.resource.attributes.kms_encrypted == false
}

missing contains "attributes.retention_in_days" if {
	not is_number(object.get(input.resource.attributes, "retention_in_days", null))
}

missing contains "attributes.kms_encrypted" if {
	not facts.present("kms_encrypted")
}
