# METADATA
# title: S3 Block Public Access is fully on for every bucket
# description: >-
#   The four Block Public Access settings stop a mistaken ACL or bucket policy from
#   publishing data to the internet. Each setting counts as on when it is on at the
#   bucket level or at the account level (S3 applies the most restrictive of the two).
#   The collector copies the account-level settings onto each bucket as
#   account_public_access_block.
# custom:
#   id: AWS-S3-002
#   severity: critical
#   resource_types: [aws.s3.bucket]
#   remediation: >-
#     Turn on all four settings at the account level (Terraform:
#     aws_s3_account_public_access_block with block_public_acls, ignore_public_acls,
#     block_public_policy and restrict_public_buckets = true) or on the bucket
#     (aws_s3_bucket_public_access_block).
package sdescan.checks.aws.s3_public_access_block

import rego.v1

bucket_name := object.get(input.resource.attributes, "name", input.resource.id)

deny contains msg if {
	some s in ["block_public_acls", "ignore_public_acls", "block_public_policy", "restrict_public_buckets"]
	input.resource.attributes.public_access_block[s] == false
	input.resource.attributes.account_public_access_block[s] == false
	msg := sprintf("bucket %s: %s is off at both bucket and account level", [bucket_name, s])
}

missing contains sprintf("attributes.%s.%s", [level, s]) if {
	some s in ["block_public_acls", "ignore_public_acls", "block_public_policy", "restrict_public_buckets"]

	# s is on at neither level
	not input.resource.attributes.public_access_block[s] == true
	not input.resource.attributes.account_public_access_block[s] == true
	some level in ["public_access_block", "account_public_access_block"]
	not is_boolean(object.get(input.resource.attributes, [level, s], null))
}
