# METADATA
# title: S3 bucket policies deny requests made without TLS
# description: >-
#   Without a policy statement denying requests where aws:SecureTransport is false, a
#   client can read or write data over plain HTTP, exposing it in transit. The bucket
#   policy must contain a Deny statement for every principal and all S3 actions under
#   the condition Bool (or BoolIfExists) aws:SecureTransport = false.
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

import rego.v1

bucket_name := object.get(input.resource.attributes, "name", input.resource.id)

deny contains sprintf("bucket %s has no bucket policy, so requests without TLS are not denied", [bucket_name]) if {
	input.resource.attributes.policy.present == false
}

deny contains sprintf("bucket %s policy has no statement denying requests without TLS (aws:SecureTransport false)", [bucket_name]) if {
	input.resource.attributes.policy.present == true
	is_array(input.resource.attributes.policy.statements)
	not any_tls_deny
}

# any_tls_deny: a statement denies every S3 action to everyone when
# aws:SecureTransport is false.
any_tls_deny if {
	some s in input.resource.attributes.policy.statements
	s.effect == "Deny"
	"*" in s.principals.AWS
	some a in s.actions
	a in {"*", "s3:*"}
	some op in ["Bool", "BoolIfExists"]
	"false" in s.conditions[op]["aws:securetransport"]
}

missing contains "attributes.policy.present" if {
	not is_boolean(object.get(input.resource.attributes, ["policy", "present"], null))
}

missing contains "attributes.policy.statements" if {
	input.resource.attributes.policy.present == true
	not input.resource.attributes.policy.statements
}
