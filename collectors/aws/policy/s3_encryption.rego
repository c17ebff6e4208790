# METADATA
# title: S3 buckets are encrypted by default with a KMS key
# description: >-
#   Default encryption with a KMS key (SSE-KMS or DSSE-KMS) puts every read of the data
#   behind a key policy you control and logs each use of the key in CloudTrail, so access
#   to research data can be restricted and audited separately from S3 permissions.
#   SSE-S3 (AES256, keys held by S3) is accepted only for buckets not tagged as holding
#   identifiable or pseudonymised data.
# custom:
#   id: AWS-S3-001
#   severity: high
#   resource_types: [aws.s3.bucket]
#   remediation: >-
#     Set the bucket's default encryption to SSE-KMS with a customer managed key and
#     enable the bucket key. Terraform: aws_s3_bucket_server_side_encryption_configuration
#     with rule { apply_server_side_encryption_by_default { sse_algorithm = "aws:kms"
#     kms_master_key_id = aws_kms_key.data.arn } bucket_key_enabled = true }.
package sdescan.checks.aws.s3_encryption

import rego.v1

bucket_name := object.get(input.resource.attributes, "name", input.resource.id)

deny contains sprintf("bucket %s has no default encryption", [bucket_name]) if {
	input.resource.attributes.encryption.sse_algorithm == "none"
}

deny contains msg if {
	input.resource.attributes.encryption.sse_algorithm == "AES256"
	input.resource.classification in {"identifiable", "pseudonymised"}
	msg := sprintf("bucket %s is tagged %s but encrypted with SSE-S3 (AES256), not a KMS key", [bucket_name, input.resource.classification])
}

missing contains "attributes.encryption.sse_algorithm" if {
	not input.resource.attributes.encryption.sse_algorithm
}
