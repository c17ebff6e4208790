# METADATA
# title: Stateful resources declare backups or point-in-time recovery
# description: >-
#   Research data held in a database or a file system must survive a faulty pipeline,
#   an operator's mistake or ransomware: DynamoDB tables need point-in-time recovery,
#   RDS instances and clusters automated backups kept at least 7 days, and EFS file
#   systems an enabled backup policy. A setting the code leaves out is judged as AWS's
#   default: no point-in-time recovery, 1 day of RDS backups, no EFS backup policy. The
#   same decisions as AWS-DDB-001 and AWS-RDS-003
#   (collectors/aws/policy/lib_backup_store.rego).
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

import data.sdescan.lib.backup_store as lib
import rego.v1

# The decisions are lib_backup_store's, shared with AWS-DDB-001 (DynamoDB) and
# AWS-RDS-003 (RDS): each store is normalised to the live facts' shape first,
# a setting the code leaves out read as AWS's default.

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

# A point_in_time_recovery block's enabled is required: a block without a
# known one is not known.
pitr_written := [object.get(b, "enabled", null) | some b in object.get(attrs.config, "point_in_time_recovery", [])] if {
	tf
	attrs.resource_type == "aws_dynamodb_table"
}

pitr_value := lib.pitr_default if count(pitr_written) == 0

pitr_value := v if {
	count(pitr_written) > 0
	every w in pitr_written {
		is_boolean(w)
	}
	v := true in pitr_written
}

pitr_value := v if {
	cfn
	attrs.resource_type == "AWS::DynamoDB::Table"
	v := lib.boolean(object.get(attrs.properties, ["PointInTimeRecoverySpecification", "PointInTimeRecoveryEnabled"], lib.pitr_default))
}

table := {"point_in_time_recovery_enabled": v | v := pitr_value}

dynamodb if attrs.resource_type in {"aws_dynamodb_table", "AWS::DynamoDB::Table"}

deny contains sprintf("DynamoDB table %s does not enable point-in-time recovery", [attrs.name]) if {
	dynamodb
	lib.pitr_off(table)
}

missing contains "attributes.config.point_in_time_recovery.enabled" if {
	tf
	dynamodb
	lib.pitr_unknown(table)
}

missing contains "attributes.properties.PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled" if {
	cfn
	dynamodb
	lib.pitr_unknown(table)
}

# --- RDS ---------------------------------------------------------------------------

rds if attrs.resource_type in rds_tf

rds if attrs.resource_type in rds_cfn

# retention_written is the retention as written, or AWS's default when the
# code leaves it out; undefined when Terraform's value is not known offline.
retention_written := object.get(attrs.config, "backup_retention_period", lib.retention_default) if {
	tf
	attrs.resource_type in rds_tf
	not unknown("backup_retention_period")
}

retention_written := object.get(attrs.properties, "BackupRetentionPeriod", lib.retention_default) if {
	cfn
	attrs.resource_type in rds_cfn
}

database := {"backup_retention_period": n | n := lib.days(retention_written)}

# How the message says where the retention comes from.
source := "" if {
	tf
	"backup_retention_period" in object.keys(attrs.config)
}

source := "" if {
	cfn
	"BackupRetentionPeriod" in object.keys(attrs.properties)
}

source := " (AWS's default: the code sets no backup retention)" if {
	tf
	not "backup_retention_period" in object.keys(attrs.config)
}

source := " (AWS's default: the code sets no BackupRetentionPeriod)" if {
	cfn
	not "BackupRetentionPeriod" in object.keys(attrs.properties)
}

deny contains sprintf("%s %s keeps automated backups for %v days%s (need %d or more)", [attrs.resource_type, attrs.name, database.backup_retention_period, source, lib.retention_minimum]) if {
	rds
	lib.retention_short(database)
}

missing contains "attributes.config.backup_retention_period" if {
	tf
	rds
	lib.retention_unknown(database)
}

# A parameter reference or an intrinsic function: not resolved offline.
missing contains "attributes.properties.BackupRetentionPeriod" if {
	cfn
	rds
	lib.retention_unknown(database)
}

# --- EFS ---------------------------------------------------------------------------

# The Terraform parser joins the file system's aws_efs_backup_policy: "" when
# none refers to it (AWS's default: no policy).
efs_written := lib.efs_policy_default if {
	tf
	attrs.efs_backup_policy_status == ""
}

efs_written := s if {
	tf
	s := attrs.efs_backup_policy_status
	s != ""
}

efs_written := object.get(attrs.properties, ["BackupPolicy", "Status"], lib.efs_policy_default) if {
	cfn
	attrs.resource_type == "AWS::EFS::FileSystem"
}

file_system := {"backup_policy_status": s | s := efs_written}

efs if attrs.resource_type in {"aws_efs_file_system", "AWS::EFS::FileSystem"}

deny contains sprintf("EFS file system %s has no aws_efs_backup_policy in this configuration", [attrs.name]) if {
	tf
	efs
	file_system.backup_policy_status == lib.efs_policy_default
}

deny contains sprintf("EFS file system %s does not enable its backup policy", [attrs.name]) if {
	cfn
	efs
	file_system.backup_policy_status == lib.efs_policy_default
}

deny contains sprintf("EFS file system %s: its backup policy is %s", [attrs.name, s]) if {
	efs
	lib.efs_backups_off(file_system)
	s := file_system.backup_policy_status
	s != lib.efs_policy_default
}

missing contains "attributes.efs_backup_policy_status" if {
	tf
	efs
	lib.efs_backups_unknown(file_system)
}

missing contains "attributes.properties.BackupPolicy.Status" if {
	cfn
	efs
	lib.efs_backups_unknown(file_system)
}
