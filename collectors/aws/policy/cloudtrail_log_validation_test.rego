package sdescan.checks.aws.cloudtrail_log_validation_test

import data.sdescan.checks.aws.cloudtrail_log_validation as check
import rego.v1

trail(attrs) := {"resource": {"id": "aws://111111111111/eu-west-2/cloudtrail/trail/main", "type": "aws.cloudtrail.trail", "source": "aws", "attributes": object.union({"name": "main"}, attrs)}}

test_pass if {
	inp := trail({"log_file_validation_enabled": true})
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_fail if {
	check.deny == {"trail main does not have log file validation enabled"} with input as trail({"log_file_validation_enabled": false})
}

test_missing if {
	inp := trail({"is_logging": true})
	check.missing == {"attributes.log_file_validation_enabled"} with input as inp
	count(check.deny) == 0 with input as inp
}
