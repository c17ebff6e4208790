package sdescan.checks.aws.logs_retention_kms_test

import data.sdescan.checks.aws.logs_retention_kms as check
import rego.v1

group(attrs) := {"resource": {"id": "aws://111111111111/eu-west-2/logs/log-group//sde/audit", "type": "aws.logs.log_group", "source": "aws", "attributes": object.union({"log_group_name": "/sde/audit"}, attrs)}}

test_pass if {
	inp := group({"retention_in_days": 400, "kms_encrypted": true})
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_pass_never_expire if {
	count(check.deny) == 0 with input as group({"retention_in_days": 0, "kms_encrypted": true})
}

test_fail_short_retention if {
	check.deny == {"log group /sde/audit keeps events for 30 days (need 365 or more)"} with input as group({"retention_in_days": 30, "kms_encrypted": true})
}

test_fail_not_encrypted if {
	check.deny == {"log group /sde/audit is not encrypted with a KMS key"} with input as group({"retention_in_days": 365, "kms_encrypted": false})
}

test_missing if {
	inp := group({"stored_bytes": 10})
	check.missing == {"attributes.retention_in_days", "attributes.kms_encrypted"} with input as inp
	count(check.deny) == 0 with input as inp
}
