# METADATA
# title: S3 buckets have server access logging enabled
# description: >-
#   Server access logs record every request made to a bucket (who, what, when, from
#   where). They are the evidence an SDE needs to show who accessed research data and
#   to investigate suspected misuse.
# custom:
#   id: AWS-S3-005
#   severity: medium
#   resource_types: [aws.s3.bucket]
#   remediation: >-
#     Enable server access logging to a dedicated, access-restricted log bucket.
#     Terraform: aws_s3_bucket_logging with target_bucket and target_prefix.
package sdescan.checks.aws.s3_access_logging

import rego.v1

bucket_name := object.get(input.resource.attributes, "name", input.resource.id)

deny contains sprintf("bucket %s does not have server access logging enabled", [bucket_name]) if {
	input.resource.attributes.logging.enabled == false
}

missing contains "attributes.logging.enabled" if {
	not is_boolean(object.get(input.resource.attributes, ["logging", "enabled"], null))
}
