package sdescan.checks.aws.rds_backup_retention_test

import data.sdescan.checks.aws.rds_backup_retention as check
import rego.v1

instance(attrs) := {"resource": {"id": "aws://111111111111/eu-west-2/rds/db-instance/db1", "type": "aws.rds.db_instance", "source": "aws", "attributes": object.union({"db_instance_identifier": "db1"}, attrs)}}

cluster(attrs) := {"resource": {"id": "aws://111111111111/eu-west-2/rds/db-cluster/c1", "type": "aws.rds.db_cluster", "source": "aws", "attributes": object.union({"db_cluster_identifier": "c1"}, attrs)}}

test_pass if {
	inp := instance({"backup_retention_period": 7})
	check.applicable with input as inp
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_pass_cluster if {
	inp := cluster({"backup_retention_period": 35})
	check.applicable with input as inp
	count(check.deny) == 0 with input as inp
}

test_fail_disabled if {
	check.deny == {"DB instance db1 keeps automated backups for 0 days (need 7 or more)"} with input as instance({"backup_retention_period": 0})
}

test_fail_cluster_short if {
	check.deny == {"DB cluster c1 keeps automated backups for 1 days (need 7 or more)"} with input as cluster({"backup_retention_period": 1})
}

test_not_applicable_cluster_member if {
	not check.applicable with input as instance({"db_cluster_identifier": "c1", "backup_retention_period": 1})
}

test_not_applicable_read_replica if {
	not check.applicable with input as instance({"read_replica_source": "db0", "backup_retention_period": 0})
}

test_missing if {
	inp := instance({"storage_encrypted": true})
	check.applicable with input as inp
	check.missing == {"attributes.backup_retention_period"} with input as inp
	count(check.deny) == 0 with input as inp
}
