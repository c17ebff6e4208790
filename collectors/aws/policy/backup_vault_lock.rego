# METADATA
# title: Backup vaults holding a store's recovery points have vault lock
# description: >-
#   Vault lock stops anyone - an attacker with stolen administrator credentials, or ransomware
#   acting through them - from deleting recovery points or shortening their retention.
#   Compliance mode cannot be undone even by the account's root user; governance mode
#   still stops everyone without a specific permission. On Azure, the vault's immutability is
#   its lock (Locked cannot be undone, like compliance mode; Unlocked can, like governance
#   mode), and its soft delete must be on.
# custom:
#   id: BKP-003
#   severity: medium
#   resource_types: [aws.s3.bucket, aws.rds.db_instance, aws.rds.db_cluster, aws.dynamodb.table, aws.ec2.volume, aws.efs.file_system, azure.storage.account, azure.sql.database, azure.postgresql.flexible_server, azure.compute.disk, azure.compute.virtual_machine]
#   remediation: >-
#     Terraform: aws_backup_vault_lock_configuration on the vaults the plans write to
#     (changeable_for_days set for compliance mode, with min_retention_days). Azure: set the
#     vault's immutability (azurerm_recovery_services_vault immutability = "Locked" or
#     "Unlocked", azurerm_data_protection_backup_vault immutability) and keep soft delete on.
package sdescan.checks.aws.backup_vault_lock

import data.sdescan.lib.backup
import data.sdescan.lib.backup_store
import rego.v1

# Applicable to classified stores and stores with an RPO (a rule for each, so
# the rule index skips both for other stores), except RDS instances backed up
# through their cluster or source (cluster_member), where recovery points exist;
# unknown recovery points cannot be judged either way (missing, below).
default applicable := false

applicable if {
	input.resource.classification
	not cluster_member
	not input.resource.attributes.backup.recovery_points
}

applicable if {
	input.resource.backup_rpo_hours
	not cluster_member
	not input.resource.attributes.backup.recovery_points
}

applicable if {
	input.resource.classification
	not cluster_member
	input.resource.attributes.backup.recovery_points.count > 0
}

applicable if {
	input.resource.backup_rpo_hours
	not cluster_member
	input.resource.attributes.backup.recovery_points.count > 0
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

deny contains sprintf("recovery points of %s are kept in vault %s, which has no vault lock", [backup.name, v.name]) if {
	not backup.azure
	some v in input.resource.attributes.backup.recovery_points.vaults
	v.locked != true
}

# Azure: immutability (Unlocked or Locked) is the vault lock; soft delete
# keeps deleted recovery points recoverable for a while.
deny contains sprintf("recovery points of %s are kept in vault %s, which has no immutability (vault lock)", [backup.name, v.name]) if {
	backup.azure
	some v in input.resource.attributes.backup.recovery_points.vaults
	backup_store.vault_unlocked(v)
}

deny contains sprintf("recovery points of %s are kept in vault %s, whose soft delete is off", [backup.name, v.name]) if {
	backup.azure
	some v in input.resource.attributes.backup.recovery_points.vaults
	backup_store.vault_soft_delete_off(v)
}

missing contains "attributes.backup.recovery_points" if not input.resource.attributes.backup.recovery_points
