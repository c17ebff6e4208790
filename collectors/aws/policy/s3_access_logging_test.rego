package sdescan.checks.aws.s3_access_logging_test

import data.sdescan.checks.aws.s3_access_logging as check
import rego.v1

bucket(attrs) := {"resource": {"id": "aws://111111111111/eu-west-2/s3/bucket/b", "type": "aws.s3.bucket", "source": "aws", "attributes": attrs}}

test_pass if {
	inp := bucket({"logging": {"enabled": true, "target_bucket": "logs", "target_prefix": "b/"}})
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_fail if {
	count(check.deny) == 1 with input as bucket({"logging": {"enabled": false}})
}

test_missing if {
	inp := bucket({"versioning_enabled": true})
	check.missing == {"attributes.logging.enabled"} with input as inp
	count(check.deny) == 0 with input as inp
}
