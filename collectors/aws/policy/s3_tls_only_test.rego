package sdescan.checks.aws.s3_tls_only_test

import data.sdescan.checks.aws.s3_tls_only as check
import rego.v1

bucket(attrs) := {"resource": {"id": "aws://111111111111/eu-west-2/s3/bucket/b", "type": "aws.s3.bucket", "source": "aws", "attributes": attrs}}

tls_statement := {
	"effect": "Deny",
	"principals": {"AWS": ["*"]},
	"actions": ["s3:*"],
	"resources": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
	"conditions": {"Bool": {"aws:securetransport": ["false"]}},
}

test_pass if {
	inp := bucket({"name": "b", "policy": {"present": true, "statements": [tls_statement]}})
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

# with_fields replaces whole fields (object.union alone would merge nested objects).
with_fields(fields) := object.union(object.remove(tls_statement, object.keys(fields)), fields)

test_pass_bool_if_exists if {
	st := with_fields({"conditions": {"BoolIfExists": {"aws:securetransport": ["false"]}}})
	count(check.deny) == 0 with input as bucket({"policy": {"present": true, "statements": [st]}})
}

test_fail_no_policy if {
	count(check.deny) == 1 with input as bucket({"policy": {"present": false, "statements": []}})
}

test_fail_policy_without_tls_deny if {
	allow := {"effect": "Allow", "principals": {"AWS": ["arn:aws:iam::111111111111:role/analyst"]}, "actions": ["s3:GetObject"], "resources": ["arn:aws:s3:::b/*"]}
	count(check.deny) == 1 with input as bucket({"policy": {"present": true, "statements": [allow]}})
}

test_fail_condition_true if {
	st := with_fields({"conditions": {"Bool": {"aws:securetransport": ["true"]}}})
	count(check.deny) == 1 with input as bucket({"policy": {"present": true, "statements": [st]}})
}

test_fail_narrow_action if {
	st := with_fields({"actions": ["s3:PutObject"]})
	count(check.deny) == 1 with input as bucket({"policy": {"present": true, "statements": [st]}})
}

test_fail_one_principal if {
	st := with_fields({"principals": {"AWS": ["arn:aws:iam::111111111111:root"]}})
	count(check.deny) == 1 with input as bucket({"name": "b", "policy": {"present": true, "statements": [st]}})
}

test_fail_bucket_arn_only if {
	st := with_fields({"resources": ["arn:aws:s3:::b"]})
	count(check.deny) == 1 with input as bucket({"name": "b", "policy": {"present": true, "statements": [st]}})
}

test_fail_other_bucket if {
	st := with_fields({"resources": ["arn:aws:s3:::other/*"]})
	count(check.deny) == 1 with input as bucket({"name": "b", "policy": {"present": true, "statements": [st]}})
}

test_fail_narrowed if {
	st := with_fields({"conditions": {"Bool": {"aws:securetransport": ["false"]}, "StringEquals": {"aws:sourcevpc": ["vpc-1"]}}})
	count(check.deny) == 1 with input as bucket({"name": "b", "policy": {"present": true, "statements": [st]}})
}

test_missing if {
	inp := bucket({"versioning_enabled": true})
	check.missing == {"attributes.policy.present"} with input as inp
	count(check.deny) == 0 with input as inp
}

test_missing_statements if {
	inp := bucket({"policy": {"present": true}})
	check.missing == {"attributes.policy.statements"} with input as inp
	count(check.deny) == 0 with input as inp
}
