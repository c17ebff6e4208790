package sdescan.checks.aws.rds_encryption_test

import data.sdescan.checks.aws.rds_encryption as check
import rego.v1

instance(attrs) := {"resource": {"id": "aws://111111111111/eu-west-2/rds/db-instance/db1", "type": "aws.rds.db_instance", "source": "aws", "attributes": object.union({"db_instance_identifier": "db1"}, attrs)}}

cluster(attrs) := {"resource": {"id": "aws://111111111111/eu-west-2/rds/db-cluster/c1", "type": "aws.rds.db_cluster", "source": "aws", "attributes": object.union({"db_cluster_identifier": "c1"}, attrs)}}

test_pass_instance if {
	inp := instance({"storage_encrypted": true})
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_pass_cluster if {
	count(check.deny) == 0 with input as cluster({"storage_encrypted": true})
}

test_fail_instance if {
	check.deny == {"DB instance db1 is not encrypted at rest"} with input as instance({"storage_encrypted": false})
}

test_fail_cluster if {
	check.deny == {"DB cluster c1 is not encrypted at rest"} with input as cluster({"storage_encrypted": false})
}

test_missing if {
	inp := instance({"publicly_accessible": false})
	check.missing == {"attributes.storage_encrypted"} with input as inp
	count(check.deny) == 0 with input as inp
}
