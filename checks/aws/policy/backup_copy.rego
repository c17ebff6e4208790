# METADATA
# title: A store's backups are copied to another region or account
# description: >-
#   Backups in the same account and region as the data share their fate: a compromised
#   account or a regional outage takes both. A copy action in the backup plan (or copy jobs
#   seen in the last 35 days) to another region or, better, another account keeps a
#   recovery point out of reach.
# custom:
#   id: BKP-004
#   severity: medium
#   resource_types: [aws.s3.bucket, aws.rds.db_instance, aws.rds.db_cluster, aws.dynamodb.table, aws.ec2.volume, aws.efs.file_system]
#   remediation: >-
#     Add a copy action to the plan's rules (Terraform: aws_backup_plan rule copy_action
#     with destination_vault_arn in another region or a dedicated backup account).
package sdescan.checks.aws.backup_copy

import rego.v1

attrs := input.resource.attributes

default applicable := false

applicable if {
	in_scope
	not cluster_member
}

in_scope if input.resource.classification
in_scope if input.resource.backup_rpo_hours

# An RDS instance in a cluster is backed up through its cluster; a read replica
# through its source.
cluster_member if {
	input.resource.type == "aws.rds.db_instance"
	attrs.db_cluster_identifier
}

cluster_member if {
	input.resource.type == "aws.rds.db_instance"
	attrs.read_replica_source
}

name := object.get(attrs, "name", object.get(attrs, "table_name", object.get(attrs, "db_instance_identifier", object.get(attrs, "db_cluster_identifier", object.get(attrs, "volume_id", object.get(attrs, "file_system_id", input.resource.id))))))

b := attrs.backup

elsewhere(arn) if {
	parts := split(arn, ":")
	count(parts) > 4
	parts[3] != object.get(input.resource.scope, "region", "")
}

elsewhere(arn) if {
	parts := split(arn, ":")
	count(parts) > 4
	parts[4] != object.get(input.resource.scope, "account", "")
}

destinations contains c.destination_backup_vault_arn if {
	some s in b.aws_backup.selected_by
	some r in s.rules
	some c in r.copy_actions
}

destinations contains d if {
	some d in b.copy_destinations
}

copied if {
	some d in destinations
	elsewhere(d)
}

deny contains sprintf("backups of %s are not copied to another region or account", [name]) if {
	not copied
	known
}

known if b.aws_backup
known if b.copy_destinations

missing contains "attributes.backup.aws_backup" if {
	not copied
	not known
}
