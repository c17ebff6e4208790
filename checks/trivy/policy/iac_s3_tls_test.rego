package sdescan.checks.iac.s3_tls_test

import data.sdescan.checks.iac.s3_tls as check
import rego.v1

tf(policy) := {"resource": {"id": "iac:main.tf#aws_s3_bucket_policy.p", "type": "iac.terraform.resource", "source": "iac", "attributes": {"resource_type": "aws_s3_bucket_policy", "name": "p", "config": {"policy": policy}}}}

tls_deny := {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}

allow := {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}

test_pass if {
	inp := tf(json.marshal({"Statement": [allow, tls_deny]}))
	check.applicable with input as inp
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_pass_cloudformation if {
	inp := {"resource": {"id": "x", "type": "iac.cloudformation.resource", "source": "iac", "attributes": {"resource_type": "AWS::S3::BucketPolicy", "name": "P", "properties": {"PolicyDocument": {"Statement": tls_deny}}}}}
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_fail if {
	count(check.deny) == 1 with input as tf(json.marshal({"Statement": [allow]}))
}

test_missing if {
	inp := {"resource": {"id": "x", "type": "iac.terraform.resource", "source": "iac", "attributes": {"resource_type": "aws_s3_bucket_policy", "name": "p", "config": {}}}}
	check.missing == {"attributes.config.policy"} with input as inp
	count(check.deny) == 0 with input as inp
}

test_not_applicable if {
	not check.applicable with input as {"resource": {"id": "x", "type": "iac.terraform.resource", "source": "iac", "attributes": {"resource_type": "aws_s3_bucket"}}}
}
