# METADATA
# title: Each data store's newest recovery point is younger than its RPO
# description: >-
#   The recovery point objective (RPO) is how much data the SDE can afford to lose: the
#   tag backup-rpo-hours on the store, or the configured default (24 hours). A store is
#   judged by the best of its mechanisms: point-in-time recovery (DynamoDB PITR, RDS
#   automated backups; on Azure, SQL Database and PostgreSQL automated backups) restores to
#   minutes ago; otherwise the newest completed AWS Backup recovery point or EBS snapshot (on
#   Azure, the newest recovery point of a Recovery Services or Backup vault item) must be
#   younger than the RPO.
# custom:
#   id: BKP-002
#   severity: high
#   resource_types: [aws.s3.bucket, aws.rds.db_instance, aws.rds.db_cluster, aws.dynamodb.table, aws.ec2.volume, aws.efs.file_system, azure.storage.account, azure.sql.database, azure.postgresql.flexible_server, azure.compute.disk, azure.compute.virtual_machine]
#   remediation: >-
#     Schedule backups at least as often as the RPO (an AWS Backup rule with a cron
#     schedule), or enable point-in-time recovery where the service offers it; investigate
#     failed backup jobs.
package sdescan.checks.aws.backup_rpo

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

as_of_ns := time.parse_rfc3339_ns(data.sdescan.params.as_of)

rpo := object.get(input.resource, "backup_rpo_hours", data.sdescan.params.backup_default_rpo_hours)

continuous if {
	some n in input.resource.attributes.backup.native
	n.mechanism in backup_store.continuous_mechanisms
	n.enabled == true
}

newest contains input.resource.attributes.backup.recovery_points.newest_completed

newest contains n.newest if {
	some n in input.resource.attributes.backup.native
	n.mechanism in {"ebs-snapshots", "rds-snapshots"}
	n.newest
}

age_hours(t) := (as_of_ns - time.parse_rfc3339_ns(t)) / 3600000000000

fresh if {
	some t in newest
	age_hours(t) <= rpo
}

deny contains sprintf("the newest recovery point of %s (completed %s, about %d hours before the assessment) is older than its RPO of %v hours", [backup.name, latest, round(age_hours(latest)), rpo]) if {
	not continuous
	count(newest) > 0
	not fresh
	latest := max(newest)
}

deny contains sprintf("%s has no recovery point at all, so its RPO of %v hours cannot be met", [backup.name, rpo]) if {
	not continuous
	count(newest) == 0
	input.resource.attributes.backup.recovery_points.count == 0
	not ebs_unknown
}

ebs_unknown if {
	input.resource.type == "aws.ec2.volume"
	not ebs_read
}

ebs_read if {
	some n in input.resource.attributes.backup.native
	n.mechanism == "ebs-snapshots"
}

missing contains "attributes.backup" if not input.resource.attributes.backup

missing contains "attributes.backup.recovery_points" if {
	input.resource.attributes.backup
	not continuous
	not fresh
	not input.resource.attributes.backup.recovery_points
}

missing contains "data.sdescan.params.as_of" if not data.sdescan.params.as_of
