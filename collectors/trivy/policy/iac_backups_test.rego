package sdescan.checks.iac.backups_test

import data.sdescan.checks.iac.backups as check
import rego.v1

tf(t, cfg, unknown) := {"resource": {"id": "x", "type": "iac.terraform.resource", "source": "iac", "attributes": {"mode": "resource", "resource_type": t, "name": "n", "config": cfg, "unknown_attributes": unknown}}}

efs(extra) := {"resource": {"id": "x", "type": "iac.terraform.resource", "source": "iac", "attributes": object.union({"mode": "resource", "resource_type": "aws_efs_file_system", "name": "n", "config": {}, "unknown_attributes": []}, extra)}}

cfn(t, props) := {"resource": {"id": "x", "type": "iac.cloudformation.resource", "source": "iac", "attributes": {"resource_type": t, "name": "N", "properties": props}}}

ok(inp) if {
	check.applicable with input as inp
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_pass if {
	ok(tf("aws_dynamodb_table", {"point_in_time_recovery": [{"enabled": true}]}, []))
	ok(tf("aws_db_instance", {"backup_retention_period": 7}, []))
	ok(tf("aws_rds_cluster", {"backup_retention_period": 35}, []))
	ok(efs({"efs_backup_policy_status": "ENABLED"}))
	ok(cfn("AWS::DynamoDB::Table", {"PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": true}}))
	ok(cfn("AWS::RDS::DBCluster", {"BackupRetentionPeriod": "7"}))
	ok(cfn("AWS::EFS::FileSystem", {"BackupPolicy": {"Status": "ENABLED"}}))
}

test_fail_dynamodb if {
	check.deny == {"DynamoDB table n does not enable point-in-time recovery"} with input as tf("aws_dynamodb_table", {}, [])
	check.deny == {"DynamoDB table n does not enable point-in-time recovery"} with input as tf("aws_dynamodb_table", {"point_in_time_recovery": [{"enabled": false}]}, [])
	check.deny == {"DynamoDB table N does not enable point-in-time recovery"} with input as cfn("AWS::DynamoDB::Table", {})
	count(check.deny) == 1 with input as cfn("AWS::DynamoDB::Table", {"PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": "false"}})
}

test_fail_rds if {
	check.deny == {"aws_db_instance n keeps automated backups for 0 days (need 7 or more)"} with input as tf("aws_db_instance", {"backup_retention_period": 0}, [])
	check.deny == {"aws_db_instance n keeps automated backups for 6 days (need 7 or more)"} with input as tf("aws_db_instance", {"backup_retention_period": 6}, [])

	# Left out: AWS keeps them 1 day.
	check.deny == {"aws_rds_cluster n keeps automated backups for 1 days (AWS's default: the code sets no backup retention) (need 7 or more)"} with input as tf("aws_rds_cluster", {}, [])
	count(check.deny) == 1 with input as cfn("AWS::RDS::DBInstance", {"BackupRetentionPeriod": 0})
	check.deny == {"AWS::RDS::DBCluster N keeps automated backups for 1 days (AWS's default: the code sets no BackupRetentionPeriod) (need 7 or more)"} with input as cfn("AWS::RDS::DBCluster", {})
	count(check.deny) == 1 with input as cfn("AWS::RDS::DBInstance", {"BackupRetentionPeriod": "3"})
}

test_fail_efs if {
	check.deny == {"EFS file system n has no aws_efs_backup_policy in this configuration"} with input as efs({"efs_backup_policy_status": ""})
	check.deny == {"EFS file system n: its backup policy is DISABLED"} with input as efs({"efs_backup_policy_status": "DISABLED"})
	check.deny == {"EFS file system N: its backup policy is DISABLED"} with input as cfn("AWS::EFS::FileSystem", {"BackupPolicy": {"Status": "DISABLED"}})
	check.deny == {"EFS file system N does not enable its backup policy"} with input as cfn("AWS::EFS::FileSystem", {})
}

test_missing if {
	inp := tf("aws_db_instance", {}, ["backup_retention_period"])
	check.missing == {"attributes.config.backup_retention_period"} with input as inp
	count(check.deny) == 0 with input as inp
	inp2 := tf("aws_dynamodb_table", {"point_in_time_recovery": [{}]}, [])
	check.missing == {"attributes.config.point_in_time_recovery.enabled"} with input as inp2
	count(check.deny) == 0 with input as inp2
	check.missing == {"attributes.efs_backup_policy_status"} with input as efs({})
	count(check.deny) == 0 with input as efs({})
	inp3 := cfn("AWS::RDS::DBInstance", {"BackupRetentionPeriod": {"Ref": "Days"}})
	check.missing == {"attributes.properties.BackupRetentionPeriod"} with input as inp3
	count(check.deny) == 0 with input as inp3
	inp4 := cfn("AWS::DynamoDB::Table", {"PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": {"Ref": "Pitr"}}})
	check.missing == {"attributes.properties.PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled"} with input as inp4
	count(check.deny) == 0 with input as inp4
	inp5 := cfn("AWS::EFS::FileSystem", {"BackupPolicy": {"Status": {"Ref": "Status"}}})
	check.missing == {"attributes.properties.BackupPolicy.Status"} with input as inp5
	count(check.deny) == 0 with input as inp5
}

test_not_applicable if {
	not check.applicable with input as tf("aws_s3_bucket", {}, [])
	not check.applicable with input as tf("aws_db_instance", {"replicate_source_db": "cohort"}, [])
	not check.applicable with input as tf("aws_db_instance", {}, ["cluster_identifier"])
	not check.applicable with input as cfn("AWS::RDS::DBInstance", {"DBClusterIdentifier": {"Ref": "Cluster"}})
}
