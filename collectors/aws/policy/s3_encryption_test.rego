package sdescan.checks.aws.s3_encryption_test

import data.sdescan.checks.aws.s3_encryption as check
import rego.v1

bucket(attrs, class) := {"resource": {
	"id": "aws://111111111111/eu-west-2/s3/bucket/b",
	"type": "aws.s3.bucket",
	"source": "aws",
	"scope": {"account": "111111111111", "region": "eu-west-2"},
	"tags": {},
	"classification": class,
	"attributes": attrs,
}}

test_pass_kms if {
	inp := bucket({"encryption": {"sse_algorithm": "aws:kms"}}, "pseudonymised")
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_pass_dsse if {
	count(check.deny) == 0 with input as bucket({"encryption": {"sse_algorithm": "aws:kms:dsse"}}, "identifiable")
}

test_pass_sse_s3_untagged if {
	inp := {"resource": {"id": "b", "type": "aws.s3.bucket", "attributes": {"encryption": {"sse_algorithm": "AES256"}}}}
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_pass_sse_s3_anonymised if {
	count(check.deny) == 0 with input as bucket({"encryption": {"sse_algorithm": "AES256"}}, "anonymised")
}

test_fail_sse_s3_pseudonymised if {
	count(check.deny) == 1 with input as bucket({"encryption": {"sse_algorithm": "AES256"}}, "pseudonymised")
}

test_fail_sse_s3_identifiable if {
	count(check.deny) == 1 with input as bucket({"encryption": {"sse_algorithm": "AES256"}}, "identifiable")
}

test_fail_no_encryption if {
	count(check.deny) == 1 with input as bucket({"encryption": {"sse_algorithm": "none"}}, "public")
}

test_missing if {
	inp := bucket({"versioning_enabled": true}, "identifiable")
	check.missing == {"attributes.encryption.sse_algorithm"} with input as inp
	count(check.deny) == 0 with input as inp
}
