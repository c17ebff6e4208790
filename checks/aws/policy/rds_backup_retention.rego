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

import rego.v1

# Automated backups must be kept at least 7 days (written as a literal below:
# a constant rule is evaluated again for every resource).

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

deny contains sprintf("%s keeps automated backups for %d days (need %d or more)", [label, input.resource.attributes.backup_retention_period, 7]) if {
	input.resource.attributes.backup_retention_period < 7
}

missing contains "attributes.backup_retention_period" if {
	not is_number(object.get(input.resource.attributes, "backup_retention_period", null))
}
