# METADATA
# title: Every classified data store is selected by an AWS Backup plan
# description: >-
#   A backup plan is the organisation's stated intent to back a store up on a schedule,
#   with a retention and, ideally, a copy elsewhere. A store holding classified research
#   data that no plan selects depends on someone remembering to take backups. Selections
#   are resolved as AWS Backup does (resources, exclusions, tag conditions); one the facts
#   cannot decide makes this check unable to assess the store, never a pass. On Azure, the
#   store must be protected by a Recovery Services or Backup vault item that still schedules
#   backups (a virtual machine's protects its disks), or, for a SQL database, a long-term
#   retention policy; automated backups alone do not count, as RDS's do not.
# custom:
#   id: BKP-001
#   severity: high
#   resource_types: [aws.s3.bucket, aws.rds.db_instance, aws.rds.db_cluster, aws.dynamodb.table, aws.ec2.volume, aws.efs.file_system, azure.storage.account, azure.sql.database, azure.postgresql.flexible_server, azure.compute.disk, azure.compute.virtual_machine]
#   remediation: >-
#     Assign the store to an AWS Backup plan, for example by tag: Terraform
#     aws_backup_selection with a condition on aws:ResourceTag/data-classification, or
#     resources = ["*"] with exclusions. Azure: protect the store in a Recovery Services vault
#     (azurerm_backup_protected_vm, azurerm_backup_protected_file_share) or a Backup vault
#     (azurerm_data_protection_backup_instance_disk, _postgresql_flexible_server, _blob_storage),
#     or give a SQL database a long-term retention policy (azurerm_mssql_database
#     long_term_retention_policy).
package sdescan.checks.aws.backup_plan_selected

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

native_on contains n.mechanism if {
	some n in input.resource.attributes.backup.native
	n.enabled == true
}

hint := "" if count(native_on) == 0

hint := sprintf(" (it relies on %s alone)", [concat(", ", sort(native_on))]) if count(native_on) > 0

deny contains sprintf("%s (%s) is not selected by any AWS Backup plan%s", [backup.name, object.get(input.resource, "classification", "with an RPO"), hint]) if {
	not backup.azure
	count(input.resource.attributes.backup.aws_backup.selected_by) == 0
	count(input.resource.attributes.backup.aws_backup.unresolved) == 0
}

missing contains "attributes.backup.aws_backup" if {
	not backup.azure
	not input.resource.attributes.backup.aws_backup
}

missing contains sprintf("attributes.backup.aws_backup (selection %s of plan %s cannot be decided: %s)", [u.selection, u.plan_name, u.reason]) if {
	count(input.resource.attributes.backup.aws_backup.selected_by) == 0
	some u in input.resource.attributes.backup.aws_backup.unresolved
}

# --- Azure ----------------------------------------------------------------------

# stopped names the vault items that protect the store no more (protection
# stopped or suspended), for the message.
stopped contains sprintf("%s in %s", [p.protection_state, p.vault]) if {
	some p in input.resource.attributes.backup.azure_backup.protected_by
	p.active == false
}

azure_hint := "" if count(stopped) == 0

azure_hint := sprintf("; protection %s", [concat(", ", sort(stopped))]) if count(stopped) > 0

deny contains sprintf("%s (%s) is not protected by any Azure Backup vault or long-term retention policy%s%s", [backup.name, object.get(input.resource, "classification", "with an RPO"), hint, azure_hint]) if {
	backup.azure
	input.resource.attributes.backup.azure_backup
	count(backup_store.active_protections) == 0
}

missing contains "attributes.backup.azure_backup" if {
	backup.azure
	not input.resource.attributes.backup.azure_backup
}
