# METADATA
# title: RDS automated backups are kept for at least 7 days
# description: >-
#   Automated backups allow point-in-time recovery after corruption, a bad migration or
#   malicious deletion. At least a week of retention gives time to notice a problem
#   before the last good copy expires. Instances that belong to a cluster are judged on
#   the cluster, and read replicas (which keep no backups of their own) are not judged.
# custom:
#   id: AWS-RDS-003
#   severity: medium
#   resource_types: [aws.rds.db_instance, aws.rds.db_cluster]
#   remediation: >-
#     Terraform: aws_db_instance / aws_rds_cluster with backup_retention_period = 7 (or
#     more, e.g. 35); also consider AWS Backup for longer retention and cross-account copies.
package sdescan.checks.aws.rds_backup_retention

import data.sdescan.lib.backup_store
import rego.v1

# The decision (at least 7 days) is lib_backup_store's, shared with IAC-BKP-001.

default applicable := false

applicable if input.resource.type == "aws.rds.db_cluster"

applicable if {
	input.resource.type == "aws.rds.db_instance"
	not input.resource.attributes.db_cluster_identifier
	not input.resource.attributes.read_replica_source
}

label := sprintf("DB instance %s", [input.resource.attributes.db_instance_identifier]) if {
	input.resource.type == "aws.rds.db_instance"
} else := sprintf("DB cluster %s", [input.resource.attributes.db_cluster_identifier]) if {
	input.resource.type == "aws.rds.db_cluster"
} else := input.resource.id

deny contains sprintf("%s keeps automated backups for %d days (need %d or more)", [label, input.resource.attributes.backup_retention_period, backup_store.retention_minimum]) if {
	backup_store.retention_short(input.resource.attributes)
}

missing contains "attributes.backup_retention_period" if {
	backup_store.retention_unknown(input.resource.attributes)
}
