# METADATA
# title: Every classified data store is selected by an AWS Backup plan
# description: >-
#   A backup plan is the organisation's stated intent to back a store up on a schedule,
#   with a retention and, ideally, a copy elsewhere. A store holding classified research
#   data that no plan selects depends on someone remembering to take backups. Selections
#   are resolved as AWS Backup does (resources, exclusions, tag conditions); one the facts
#   cannot decide makes this check unable to assess the store, never a pass.
# custom:
#   id: BKP-001
#   severity: high
#   resource_types: [aws.s3.bucket, aws.rds.db_instance, aws.rds.db_cluster, aws.dynamodb.table, aws.ec2.volume, aws.efs.file_system]
#   remediation: >-
#     Assign the store to an AWS Backup plan, for example by tag: Terraform
#     aws_backup_selection with a condition on aws:ResourceTag/data-classification, or
#     resources = ["*"] with exclusions.
package sdescan.checks.aws.backup_plan_selected

import data.sdescan.lib.backup
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
	count(input.resource.attributes.backup.aws_backup.selected_by) == 0
	count(input.resource.attributes.backup.aws_backup.unresolved) == 0
}

missing contains "attributes.backup.aws_backup" if {
	not input.resource.attributes.backup.aws_backup
}

missing contains sprintf("attributes.backup.aws_backup (selection %s of plan %s cannot be decided: %s)", [u.selection, u.plan_name, u.reason]) if {
	count(input.resource.attributes.backup.aws_backup.selected_by) == 0
	some u in input.resource.attributes.backup.aws_backup.unresolved
}
