package sdescan.checks.iac.s3_tls_test

import data.sdescan.checks.iac.s3_tls as check
import rego.v1

# Statements as the IaC parser writes them: normalised by checks/policydoc, as the
# live collector's.
tls_deny := {
	"effect": "Deny",
	"principals": {"AWS": ["*"]},
	"actions": ["s3:*"],
	"resources": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
	"conditions": {"Bool": {"aws:securetransport": ["false"]}},
}

allow := {"effect": "Allow", "principals": {"AWS": ["arn:aws:iam::111111111111:root"]}, "actions": ["s3:GetObject"], "resources": ["arn:aws:s3:::b/*"]}

tf(attrs) := {"resource": {"id": "iac:main.tf#aws_s3_bucket_policy.p", "type": "iac.terraform.resource", "source": "iac", "attributes": object.union({"resource_type": "aws_s3_bucket_policy", "name": "p", "config": {"bucket": "b"}}, attrs)}}

cfn(attrs) := {"resource": {"id": "iac:t.yaml#P", "type": "iac.cloudformation.resource", "source": "iac", "attributes": object.union({"resource_type": "AWS::S3::BucketPolicy", "name": "P", "properties": {"Bucket": {"Ref": "B"}}}, attrs)}}

policy(statements) := {"policy": {"present": true, "statements": statements}}

test_pass if {
	inp := tf(policy([allow, tls_deny]))
	check.applicable with input as inp
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_pass_cloudformation if {
	inp := cfn(policy([tls_deny]))
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_fail if {
	count(check.deny) == 1 with input as tf(policy([allow]))
}

# A deny for one principal is not a deny for everyone.
test_fail_one_principal if {
	st := object.union(tls_deny, {"principals": {"AWS": ["arn:aws:iam::111111111111:root"]}})
	count(check.deny) == 1 with input as tf(policy([st]))
}

# Another bucket's objects, when the bucket is known.
test_fail_other_bucket if {
	st := object.union(object.remove(tls_deny, {"resources"}), {"resources": ["arn:aws:s3:::other/*"]})
	count(check.deny) == 1 with input as tf(policy([st]))
}

test_missing if {
	inp := tf({})
	check.missing == {"attributes.policy.statements"} with input as inp
	count(check.deny) == 0 with input as inp
}

test_missing_cloudformation if {
	inp := cfn({})
	check.missing == {"attributes.policy.statements"} with input as inp
	count(check.deny) == 0 with input as inp
}

test_inline_bucket_policy if {
	inp := {"resource": {"id": "x", "type": "iac.terraform.resource", "source": "iac", "attributes": {"resource_type": "aws_s3_bucket", "name": "b", "config": {"bucket": "b", "policy": "{}"}, "policy": {"present": true, "statements": [allow]}}}}
	check.applicable with input as inp
	count(check.deny) == 1 with input as inp
}

test_inline_bucket_policy_unknown if {
	inp := {"resource": {"id": "x", "type": "iac.terraform.resource", "source": "iac", "attributes": {"resource_type": "aws_s3_bucket", "name": "b", "config": {}, "unknown_attributes": ["policy"]}}}
	check.applicable with input as inp
	check.missing == {"attributes.policy.statements"} with input as inp
}

test_not_applicable if {
	not check.applicable with input as {"resource": {"id": "x", "type": "iac.terraform.resource", "source": "iac", "attributes": {"resource_type": "aws_s3_bucket", "config": {}, "unknown_attributes": []}}}
}
