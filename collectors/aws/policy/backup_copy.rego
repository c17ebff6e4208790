# METADATA
# title: A store's backups are copied to another region or account
# description: >-
#   Backups in the same account and region as the data share their fate: a compromised
#   account or a regional outage takes both. A copy action in the backup plan (or copy jobs
#   seen in the last 35 days) to another region or, better, another account keeps a
#   recovery point out of reach. On Azure, a geo-redundant vault (or one with cross-region
#   restore) holding the store's recovery points, or geo-redundant automated backups (SQL
#   Database, PostgreSQL), keeps a copy in the paired region.
# custom:
#   id: BKP-004
#   severity: medium
#   resource_types: [aws.s3.bucket, aws.rds.db_instance, aws.rds.db_cluster, aws.dynamodb.table, aws.ec2.volume, aws.efs.file_system, azure.storage.account, azure.sql.database, azure.postgresql.flexible_server, azure.compute.disk, azure.compute.virtual_machine]
#   remediation: >-
#     Add a copy action to the plan's rules (Terraform: aws_backup_plan rule copy_action
#     with destination_vault_arn in another region or a dedicated backup account). Azure: a
#     GeoRedundant vault with cross-region restore (azurerm_recovery_services_vault
#     storage_mode_type, cross_region_restore_enabled), geo-redundant backup storage for SQL
#     Database and PostgreSQL (geo_redundant_backup_enabled).
package sdescan.checks.aws.backup_copy

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

# elsewhere(arn): the vault ARN names another region or another account than
# the store's.
elsewhere(arn) if {
	parts := split(arn, ":")
	count(parts) > 4
	[parts[3], parts[4]] != [object.get(input.resource.scope, "region", ""), object.get(input.resource.scope, "account", "")]
}

copied if {
	some s in input.resource.attributes.backup.aws_backup.selected_by
	some r in s.rules
	some c in r.copy_actions
	elsewhere(c.destination_backup_vault_arn)
}

copied if {
	some d in input.resource.attributes.backup.copy_destinations
	elsewhere(d)
}

deny contains sprintf("backups of %s are not copied to another region or account", [backup.name]) if {
	not backup.azure
	not copied
	known
}

known if input.resource.attributes.backup.aws_backup

known if input.resource.attributes.backup.copy_destinations

missing contains "attributes.backup.aws_backup" if {
	not backup.azure
	not copied
	not known
}

# --- Azure ----------------------------------------------------------------------
# A geo-redundant vault (or one with cross-region restore) holding the store's
# recovery points keeps a copy in the paired region; so do geo-redundant
# automated backups (SQL Database, PostgreSQL).

copied if {
	backup.azure
	some v in input.resource.attributes.backup.recovery_points.vaults
	backup_store.vault_geo(v)
}

copied if {
	backup.azure
	some n in input.resource.attributes.backup.native
	n.enabled == true
	n.geo_redundant == true
}

deny contains sprintf("backups of %s are not copied to another region (no geo-redundant vault or geo-redundant automated backups)", [backup.name]) if {
	backup.azure
	not copied
	input.resource.attributes.backup.azure_backup
	input.resource.attributes.backup.recovery_points
}

missing contains "attributes.backup.azure_backup" if {
	backup.azure
	not copied
	not input.resource.attributes.backup.azure_backup
}

missing contains "attributes.backup.recovery_points" if {
	backup.azure
	not copied
	input.resource.attributes.backup.azure_backup
	not input.resource.attributes.backup.recovery_points
}
