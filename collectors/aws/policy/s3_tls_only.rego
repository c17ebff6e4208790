# METADATA
# title: S3 bucket policies deny requests made without TLS
# description: >-
#   Without a policy statement denying requests where aws:SecureTransport is false, a
#   client can read or write data over plain HTTP, exposing it in transit. One statement
#   of the bucket policy must on its own be a Deny for every principal (Principal "*"),
#   all S3 actions ("s3:*" or "*") and the bucket's objects ("<bucket ARN>/*" or "*"),
#   with no condition but Bool (or BoolIfExists) aws:SecureTransport = false. A deny
#   for some principals or some actions, a NotPrincipal or NotResource deny, a deny
#   narrowed by another condition (aws:SourceVpc…) or aws:SecureTransport under a
#   String operator does not count. The same decision as IAC-S3-001
#   (collectors/aws/policy/lib_s3_policy.rego).
# custom:
#   id: AWS-S3-004
#   severity: high
#   resource_types: [aws.s3.bucket]
#   remediation: >-
#     Add to the bucket policy a statement { Effect = "Deny", Principal = "*",
#     Action = "s3:*", Resource = [bucket ARN, "<bucket ARN>/*"], Condition = { Bool =
#     { "aws:SecureTransport" = "false" } } } (Terraform: aws_s3_bucket_policy with an
#     aws_iam_policy_document data source).
package sdescan.checks.aws.s3_tls_only

import data.sdescan.lib.s3_policy
import rego.v1

bucket_name := object.get(input.resource.attributes, "name", input.resource.id)

deny contains sprintf("bucket %s has no bucket policy, so requests without TLS are not denied", [bucket_name]) if {
	input.resource.attributes.policy.present == false
}

deny contains sprintf("bucket %s policy has no statement denying requests without TLS (aws:SecureTransport false)", [bucket_name]) if {
	input.resource.attributes.policy.present == true
	is_array(input.resource.attributes.policy.statements)
	not s3_policy.denies_insecure_transport(input.resource.attributes.policy.statements, object.get(input.resource.attributes, "name", null))
}

missing contains "attributes.policy.present" if {
	not is_boolean(object.get(input.resource.attributes, ["policy", "present"], null))
}

missing contains "attributes.policy.statements" if {
	input.resource.attributes.policy.present == true
	not input.resource.attributes.policy.statements
}
