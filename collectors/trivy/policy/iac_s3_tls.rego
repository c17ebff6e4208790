# METADATA
# title: S3 bucket policies deny requests made without TLS
# description: >-
#   Research data must never cross a network in clear. A bucket policy that denies every
#   request where aws:SecureTransport is false makes S3 refuse plain HTTP, whatever client
#   or SDK an analyst uses. One statement must on its own be a Deny for every principal
#   (Principal "*"), all S3 actions ("s3:*" or "*") and the bucket's objects
#   ("<bucket ARN>/*" or "*"), with no condition but Bool (or BoolIfExists)
#   aws:SecureTransport = false: the same decision as AWS-S3-004 over the same
#   normalised statements (collectors/aws/policy/lib_s3_policy.rego). An
#   aws_iam_policy_document is rendered offline; a policy sdescan cannot render (a value
#   known only once deployed, source or override documents, dynamic blocks) is not
#   assessed.
# custom:
#   id: IAC-S3-001
#   severity: high
#   resource_types: [iac.terraform.resource, iac.cloudformation.resource]
#   remediation: >-
#     Add a statement to the bucket policy: Effect Deny, Principal "*", Action "s3:*",
#     Resource the bucket and its objects, Condition Bool aws:SecureTransport "false".
#     Terraform: in aws_s3_bucket_policy (or its aws_iam_policy_document).
package sdescan.checks.iac.s3_tls

import data.sdescan.lib.s3_policy
import rego.v1

default applicable := false

applicable if input.resource.attributes.resource_type in {"aws_s3_bucket_policy", "AWS::S3::BucketPolicy"}

# An aws_s3_bucket with an inline policy argument (older AWS providers), known
# or not.
applicable if {
	input.resource.attributes.resource_type == "aws_s3_bucket"
	input.resource.attributes.config.policy
}

applicable if {
	input.resource.attributes.resource_type == "aws_s3_bucket"
	"policy" in input.resource.attributes.unknown_attributes
}

attrs := input.resource.attributes

# bucket is the policy's bucket name when it is written as a literal; null when it
# is a reference (the policy's object ARNs then count for any bucket).
default bucket := null

bucket := attrs.config.bucket if {
	attrs.resource_type in {"aws_s3_bucket_policy", "aws_s3_bucket"}
	is_string(attrs.config.bucket)
}

bucket := attrs.properties.Bucket if {
	attrs.resource_type == "AWS::S3::BucketPolicy"
	is_string(attrs.properties.Bucket)
}

deny contains sprintf("bucket policy %s has no statement denying requests without TLS (aws:SecureTransport false)", [attrs.name]) if {
	applicable
	statements_known
	not s3_policy.denies_insecure_transport(attrs.policy.statements, bucket)
}

missing contains "attributes.policy.statements" if {
	applicable
	not statements_known
}

statements_known if is_array(attrs.policy.statements)
