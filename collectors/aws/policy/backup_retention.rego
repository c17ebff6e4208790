# METADATA
# title: Backups are kept at least the minimum retention
# description: >-
#   Damage is often found late: a corrupting job, a malicious insider or ransomware can go
#   unnoticed for weeks. Backups must be kept at least the configured minimum (default 35
#   days) so that a clean copy still exists when the damage is found. On Azure: the vault
#   items' policies (the shortest retention they state) and the listed recovery points'
#   expiry, a SQL database's long-term retention, and SQL Database or PostgreSQL automated
#   backup retention when nothing else protects the store.
# custom:
#   id: BKP-006
#   severity: medium
#   resource_types: [aws.s3.bucket, aws.rds.db_instance, aws.rds.db_cluster, aws.dynamodb.table, aws.ec2.volume, aws.efs.file_system, azure.storage.account, azure.sql.database, azure.postgresql.flexible_server, azure.compute.disk, azure.compute.virtual_machine]
#   remediation: >-
#     Set the plan rules' lifecycle delete_after to at least the minimum (Terraform:
#     aws_backup_plan rule lifecycle { delete_after = 35 }), or RDS backup_retention_period.
#     Azure: the backup policy's retention (azurerm_backup_policy_vm retention_daily), SQL
#     long_term_retention_policy, PostgreSQL backup_retention_days.
package sdescan.checks.aws.backup_retention

import data.sdescan.lib.backup
import data.sdescan.lib.backup_store
import rego.v1

# Applicable to classified stores and stores with an RPO (a rule for each, so
# the rule index skips both for other stores), except RDS instances backed up
# through their cluster or source (cluster_member).
default applicable := false

applicable if {
	input.resource.classification
	not cluster_member
}

applicable if {
	input.resource.backup_rpo_hours
	not cluster_member
}

# An RDS instance in a cluster is backed up through its cluster; a read replica
# through its source.
cluster_member if {
	input.resource.type == "aws.rds.db_instance"
	input.resource.attributes.db_cluster_identifier
}

cluster_member if {
	input.resource.type == "aws.rds.db_instance"
	input.resource.attributes.read_replica_source
}

minimum := data.sdescan.params.backup_min_retention_days

deny contains sprintf("plan %s rule %s keeps backups of %s %d days, less than the minimum of %d", [s.plan_name, r.rule_name, backup.name, r.lifecycle.delete_after_days, minimum]) if {
	some s in input.resource.attributes.backup.aws_backup.selected_by
	some r in s.rules
	r.lifecycle.delete_after_days < minimum
}

deny contains sprintf("recovery points of %s are kept only %d days, less than the minimum of %d", [backup.name, input.resource.attributes.backup.recovery_points.min_delete_after_days, minimum]) if {
	input.resource.attributes.backup.recovery_points.min_delete_after_days < minimum
}

deny contains sprintf("%s keeps %s %d days, less than the minimum of %d", [backup.name, kind[n.mechanism], n.retention_days, minimum]) if {
	count(object.get(input.resource.attributes.backup, ["aws_backup", "selected_by"], [])) == 0
	some n in input.resource.attributes.backup.native
	n.mechanism in {"rds-automated-backups", "dynamodb-pitr"}
	n.enabled == true
	n.retention_days < minimum
}

kind := {"rds-automated-backups": "automated backups", "dynamodb-pitr": "point-in-time recovery", "sql-automated-backups": "automated backups", "postgres-automated-backups": "automated backups"}

judged if count(input.resource.attributes.backup.aws_backup.selected_by) > 0

judged if input.resource.attributes.backup.recovery_points.count > 0

judged if {
	some n in input.resource.attributes.backup.native
	n.mechanism in backup_store.continuous_mechanisms
	n.enabled == true
	n.retention_days
}

deny contains sprintf("%s has no backups whose retention could be judged", [backup.name]) if {
	not backup.azure
	input.resource.attributes.backup.aws_backup
	input.resource.attributes.backup.recovery_points
	not judged
}

missing contains "attributes.backup.aws_backup" if {
	not backup.azure
	not judged
	not input.resource.attributes.backup.aws_backup
}

missing contains "attributes.backup.recovery_points" if {
	not backup.azure
	not judged
	input.resource.attributes.backup.aws_backup
	not input.resource.attributes.backup.recovery_points
}

# --- Azure ----------------------------------------------------------------------

deny contains sprintf("%s keeps %s %d days, less than the minimum of %d", [backup.name, kind[n.mechanism], n.retention_days, minimum]) if {
	backup.azure
	count(backup_store.active_protections) == 0
	some n in input.resource.attributes.backup.native
	n.mechanism in backup_store.azure_automated_backups
	n.enabled == true
	n.retention_days < minimum
}

deny contains sprintf("the long-term retention policy of %s keeps backups %d days, less than the minimum of %d", [backup.name, p.retention_days, minimum]) if {
	backup.azure
	some p in input.resource.attributes.backup.azure_backup.protected_by
	p.vault_type == "sql-long-term-retention"
	p.retention_days < minimum
}

judged if {
	backup.azure
	some p in backup_store.active_protections
	p.retention_days
}

deny contains sprintf("%s has no backups whose retention could be judged", [backup.name]) if {
	backup.azure
	input.resource.attributes.backup.azure_backup
	input.resource.attributes.backup.recovery_points
	not judged
}

missing contains "attributes.backup.azure_backup" if {
	backup.azure
	not judged
	not input.resource.attributes.backup.azure_backup
}

missing contains "attributes.backup.recovery_points" if {
	backup.azure
	not judged
	input.resource.attributes.backup.azure_backup
	not input.resource.attributes.backup.recovery_points
}

# A vault's backup policies that could not be read leave the retention of its
# items unknown.
missing contains "attributes.backup.recovery_points.min_delete_after_days (a backup policy could not be read)" if {
	backup.azure
	input.resource.attributes.backup.recovery_points.retention_unknown == true
}
