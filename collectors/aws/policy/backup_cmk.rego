# METADATA
# title: Recovery points are encrypted with a customer-managed KMS key
# description: >-
#   A customer-managed key lets the SDE control, audit and revoke access to its backups
#   independently of the data store, and is required to share encrypted backups with a
#   separate backup account. Recovery points that are unencrypted, or encrypted with a
#   key the SDE does not manage, fail. On Azure, the vault must be encrypted with a
#   customer-managed key in Key Vault.
# custom:
#   id: BKP-005
#   severity: medium
#   resource_types: [aws.s3.bucket, aws.rds.db_instance, aws.rds.db_cluster, aws.dynamodb.table, aws.ec2.volume, aws.efs.file_system, azure.storage.account, azure.sql.database, azure.postgresql.flexible_server, azure.compute.disk, azure.compute.virtual_machine]
#   remediation: >-
#     Create vaults with a customer-managed key (Terraform: aws_backup_vault kms_key_arn)
#     and send the plans' rules to them. Azure: azurerm_recovery_services_vault encryption
#     (key_id), or a Backup vault with encryption settings using a Key Vault key.
package sdescan.checks.aws.backup_cmk

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

deny contains sprintf("some recovery points of %s are not encrypted", [backup.name]) if {
	input.resource.attributes.backup.recovery_points.count > 0
	input.resource.attributes.backup.recovery_points.all_encrypted == false
}

deny contains sprintf("recovery points of %s are in vault %s, encrypted with a key type %s, not a customer-managed KMS key", [backup.name, v.name, v.encryption_key_type]) if {
	not backup.azure
	some v in input.resource.attributes.backup.recovery_points.vaults
	v.encryption_key_type
	v.encryption_key_type != "CUSTOMER_MANAGED_KMS_KEY"
}

missing contains "attributes.backup.recovery_points" if not input.resource.attributes.backup.recovery_points

missing contains sprintf("attributes.backup.recovery_points.vaults[%s].encryption_key_type", [v.name]) if {
	some v in input.resource.attributes.backup.recovery_points.vaults
	not v.encryption_key_type
}

deny contains sprintf("recovery points of %s are in vault %s, encrypted with %s, not a customer-managed key", [backup.name, v.name, lower(replace(v.encryption_key_type, "_", " "))]) if {
	backup.azure
	some v in input.resource.attributes.backup.recovery_points.vaults
	v.encryption_key_type
	not backup_store.vault_cmk(v)
}
