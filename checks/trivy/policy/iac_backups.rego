# METADATA
# title: Stateful resources declare backups or point-in-time recovery
# description: >-
#   Research data held in a database or a file system must survive a faulty pipeline,
#   an operator's mistake or ransomware: DynamoDB tables need point-in-time recovery,
#   RDS instances and clusters a backup retention of at least one day, and EFS file
#   systems an enabled backup policy. A setting left to the provider's default is not
#   a declared backup.
# custom:
#   id: IAC-BKP-001
#   severity: medium
#   resource_types: [iac.terraform.resource, iac.cloudformation.resource]
#   remediation: >-
#     Terraform: point_in_time_recovery { enabled = true } on aws_dynamodb_table;
#     backup_retention_period = 7 (or more, up to 35) on aws_db_instance and
#     aws_rds_cluster; an aws_efs_backup_policy with backup_policy { status = "ENABLED" }
#     for each aws_efs_file_system. CloudFormation: PointInTimeRecoverySpecification,
#     BackupRetentionPeriod, BackupPolicy { Status: ENABLED }.
package sdescan.checks.iac.backups

import rego.v1

default applicable := false

attrs := input.resource.attributes

tf if input.resource.type == "iac.terraform.resource"

cfn if input.resource.type == "iac.cloudformation.resource"

rds_tf := {"aws_db_instance", "aws_rds_cluster"}

rds_cfn := {"AWS::RDS::DBInstance", "AWS::RDS::DBCluster"}

# A read replica or an Aurora cluster member is backed up by its source or cluster.
replica_args := {"replicate_source_db", "cluster_identifier"}

applicable if {
	tf
	attrs.mode == "resource"
	attrs.resource_type in {"aws_dynamodb_table", "aws_efs_file_system"}
}

applicable if {
	tf
	attrs.mode == "resource"
	attrs.resource_type in rds_tf
	not tf_replica
}

tf_replica if {
	attrs.resource_type == "aws_db_instance"
	some a in replica_args
	a in (object.keys(attrs.config) | {x | some x in attrs.unknown_attributes})
}

applicable if {
	cfn
	attrs.resource_type in {"AWS::DynamoDB::Table", "AWS::EFS::FileSystem", "AWS::RDS::DBCluster"}
}

applicable if {
	cfn
	attrs.resource_type == "AWS::RDS::DBInstance"
	not cfn_replica
}

cfn_replica if {
	some a in {"SourceDBInstanceIdentifier", "DBClusterIdentifier", "SourceDBClusterIdentifier"}
	attrs.properties[a]
}

unknown(a) if a in attrs.unknown_attributes

# --- DynamoDB ----------------------------------------------------------------------

pitr := object.get(attrs.config, "point_in_time_recovery", [])

deny contains sprintf("DynamoDB table %s does not enable point-in-time recovery", [attrs.name]) if {
	tf
	attrs.resource_type == "aws_dynamodb_table"
	count(pitr) == 0
}

deny contains sprintf("DynamoDB table %s disables point-in-time recovery", [attrs.name]) if {
	tf
	attrs.resource_type == "aws_dynamodb_table"
	some b in pitr
	b.enabled == false
}

missing contains "attributes.config.point_in_time_recovery.enabled" if {
	tf
	attrs.resource_type == "aws_dynamodb_table"
	some b in pitr
	not is_boolean(object.get(b, "enabled", null))
}

cfn_pitr := object.get(attrs.properties, ["PointInTimeRecoverySpecification", "PointInTimeRecoveryEnabled"], null)

deny contains sprintf("DynamoDB table %s does not enable point-in-time recovery", [attrs.name]) if {
	cfn
	attrs.resource_type == "AWS::DynamoDB::Table"
	cfn_pitr in {null, false, "false"}
}

missing contains "attributes.properties.PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled" if {
	cfn
	attrs.resource_type == "AWS::DynamoDB::Table"
	not cfn_pitr in {null, false, "false", true, "true"}
}

# --- RDS ---------------------------------------------------------------------------

# A retention written as a number, or a number in a string (CloudFormation).
days(x) := x if is_number(x)

days(x) := to_number(x) if {
	is_string(x)
	regex.match(`^[0-9]+$`, x)
}

deny contains sprintf("%s %s declares no backup_retention_period (backups left to the default)", [attrs.resource_type, attrs.name]) if {
	tf
	attrs.resource_type in rds_tf
	not "backup_retention_period" in object.keys(attrs.config)
	not unknown("backup_retention_period")
}

deny contains sprintf("%s %s keeps automated backups for %v days", [attrs.resource_type, attrs.name, n]) if {
	tf
	attrs.resource_type in rds_tf
	n := days(attrs.config.backup_retention_period)
	n < 1
}

missing contains "attributes.config.backup_retention_period" if {
	tf
	attrs.resource_type in rds_tf
	unknown("backup_retention_period")
}

missing contains "attributes.config.backup_retention_period" if {
	tf
	attrs.resource_type in rds_tf
	r := attrs.config.backup_retention_period
	not days(r)
}

deny contains sprintf("%s %s declares no BackupRetentionPeriod (backups left to the default)", [attrs.resource_type, attrs.name]) if {
	cfn
	attrs.resource_type in rds_cfn
	not "BackupRetentionPeriod" in object.keys(attrs.properties)
}

deny contains sprintf("%s %s keeps automated backups for %v days", [attrs.resource_type, attrs.name, n]) if {
	cfn
	attrs.resource_type in rds_cfn
	n := days(attrs.properties.BackupRetentionPeriod)
	n < 1
}

# A parameter reference or an intrinsic function: not resolved offline.
missing contains "attributes.properties.BackupRetentionPeriod" if {
	cfn
	attrs.resource_type in rds_cfn
	r := attrs.properties.BackupRetentionPeriod
	not days(r)
}

# --- EFS ---------------------------------------------------------------------------

deny contains sprintf("EFS file system %s has no aws_efs_backup_policy in this configuration", [attrs.name]) if {
	tf
	attrs.resource_type == "aws_efs_file_system"
	attrs.efs_backup_policy_status == ""
}

deny contains sprintf("EFS file system %s: its backup policy is %s", [attrs.name, s]) if {
	tf
	attrs.resource_type == "aws_efs_file_system"
	s := attrs.efs_backup_policy_status
	not s in {"", "ENABLED"}
}

missing contains "attributes.efs_backup_policy_status" if {
	tf
	attrs.resource_type == "aws_efs_file_system"
	not is_string(object.get(attrs, "efs_backup_policy_status", null))
}

cfn_efs := object.get(attrs.properties, ["BackupPolicy", "Status"], null)

deny contains sprintf("EFS file system %s does not enable its backup policy", [attrs.name]) if {
	cfn
	attrs.resource_type == "AWS::EFS::FileSystem"
	cfn_efs in {null, "DISABLED", "DISABLING"}
}

missing contains "attributes.properties.BackupPolicy.Status" if {
	cfn
	attrs.resource_type == "AWS::EFS::FileSystem"
	not is_string(cfn_efs)
	cfn_efs != null
}
