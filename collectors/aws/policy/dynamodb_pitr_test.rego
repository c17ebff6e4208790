package sdescan.checks.aws.dynamodb_pitr_test

import data.sdescan.checks.aws.dynamodb_pitr as check
import rego.v1

table(attrs) := {"resource": {"id": "aws://111111111111/eu-west-2/dynamodb/table/t", "type": "aws.dynamodb.table", "source": "aws", "attributes": object.union({"table_name": "t"}, attrs)}}

test_pass if {
	inp := table({"point_in_time_recovery_enabled": true})
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_fail if {
	check.deny == {"DynamoDB table t does not have point-in-time recovery"} with input as table({"point_in_time_recovery_enabled": false})
}

test_missing if {
	inp := table({"sse_type": "KMS"})
	check.missing == {"attributes.point_in_time_recovery_enabled"} with input as inp
	count(check.deny) == 0 with input as inp
}

test_missing_not_boolean if {
	inp := {"resource": {"id": "t", "type": "aws.dynamodb.table", "attributes": {"table_name": "t", "point_in_time_recovery_enabled": null}}}
	check.missing == {"attributes.point_in_time_recovery_enabled"} with input as inp
	count(check.deny) == 0 with input as inp
}
