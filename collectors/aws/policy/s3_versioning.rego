# METADATA
# title: S3 buckets have versioning enabled
# description: >-
#   Versioning keeps every earlier version of an object, so data deleted or overwritten
#   by mistake, by a faulty pipeline or by ransomware can be recovered, and changes to
#   research data remain traceable.
# custom:
#   id: AWS-S3-003
#   severity: medium
#   resource_types: [aws.s3.bucket]
#   remediation: >-
#     Enable versioning (with a lifecycle rule expiring old versions).
#     Terraform: aws_s3_bucket_versioning with versioning_configuration { status = "Enabled" }.
package sdescan.checks.aws.s3_versioning

import data.sdescan.lib.facts
import rego.v1

bucket_name := object.get(input.resource.attributes, "name", input.resource.id)

deny contains sprintf("bucket %s does not have versioning enabled", [bucket_name]) if {
	input.resource.attributes.versioning_enabled == false
}

missing contains "attributes.versioning_enabled" if {
	not facts.present("versioning_enabled")
}
