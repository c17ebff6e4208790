# METADATA
# title: S3 bucket policies deny requests made without TLS
# description: >-
#   Research data must never cross a network in clear. A bucket policy that denies every
#   request where aws:SecureTransport is false makes S3 refuse plain HTTP, whatever client
#   or SDK an analyst uses.
# custom:
#   id: IAC-S3-001
#   severity: high
#   resource_types: [iac.terraform.resource, iac.cloudformation.resource]
#   remediation: >-
#     Add a statement to the bucket policy: Effect Deny, Principal "*", Action "s3:*",
#     Resource the bucket and its objects, Condition Bool aws:SecureTransport "false".
#     Terraform: in aws_s3_bucket_policy (or its aws_iam_policy_document).
package sdescan.checks.iac.s3_tls

import rego.v1

default applicable := false

applicable if input.resource.attributes.resource_type in {"aws_s3_bucket_policy", "AWS::S3::BucketPolicy"}

attrs := input.resource.attributes

# The policy document, decoded: Terraform holds it as JSON text, CloudFormation as an object.
doc := json.unmarshal(attrs.config.policy) if {
	is_string(attrs.config.policy)
	json.is_valid(attrs.config.policy)
}

doc := attrs.properties.PolicyDocument if is_object(attrs.properties.PolicyDocument)

as_list(x) := x if is_array(x)

as_list(x) := [x] if not is_array(x)

denies_insecure(s) if {
	s.Effect == "Deny"
	some k, v in s.Condition.Bool
	lower(k) == "aws:securetransport"
	lower(sprintf("%v", [v])) == "false"
}

deny contains sprintf("bucket policy %s has no statement denying requests without TLS (aws:SecureTransport false)", [attrs.name]) if {
	doc
	not any_denies
}

any_denies if {
	some s in as_list(doc.Statement)
	denies_insecure(s)
}

missing contains "attributes.config.policy" if {
	attrs.resource_type == "aws_s3_bucket_policy"
	not doc
}

missing contains "attributes.properties.PolicyDocument" if {
	attrs.resource_type == "AWS::S3::BucketPolicy"
	not doc
}
