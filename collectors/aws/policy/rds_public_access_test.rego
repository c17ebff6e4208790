package sdescan.checks.aws.rds_public_access_test

import data.sdescan.checks.aws.rds_public_access as check
import rego.v1

instance(attrs) := {"resource": {"id": "aws://111111111111/eu-west-2/rds/db-instance/db1", "type": "aws.rds.db_instance", "source": "aws", "attributes": object.union({"db_instance_identifier": "db1"}, attrs)}}

test_pass if {
	inp := instance({"publicly_accessible": false})
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_fail if {
	check.deny == {"DB instance db1 is publicly accessible"} with input as instance({"publicly_accessible": true})
}

test_missing if {
	inp := instance({"storage_encrypted": true})
	check.missing == {"attributes.publicly_accessible"} with input as inp
	count(check.deny) == 0 with input as inp
}
