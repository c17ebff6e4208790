package sdescan.checks.aws.s3_versioning_test

import data.sdescan.checks.aws.s3_versioning as check
import rego.v1

bucket(attrs) := {"resource": {"id": "aws://111111111111/eu-west-2/s3/bucket/b", "type": "aws.s3.bucket", "source": "aws", "attributes": attrs}}

test_pass if {
	inp := bucket({"versioning_enabled": true})
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_fail if {
	count(check.deny) == 1 with input as bucket({"versioning_enabled": false})
}

test_missing if {
	inp := bucket({"mfa_delete_enabled": false})
	check.missing == {"attributes.versioning_enabled"} with input as inp
	count(check.deny) == 0 with input as inp
}
