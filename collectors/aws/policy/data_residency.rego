# METADATA
# title: Identifiable and pseudonymised data is held only in the allowed regions
# description: >-
#   An SDE holding identifiable or pseudonymised data keeps it where its data sharing
#   agreements, DPIA and the NHS data location policy allow: by default the UK (AWS
#   London, eu-west-2; Azure UK South and UK West). A bucket, database, table, disk,
#   file system, snapshot or backup vault elsewhere, a global table replicated abroad, or
#   a backup plan copying a store's recovery points to a vault in another region, puts
#   the data under another jurisdiction. Each classified store is judged by its own
#   region (an S3 bucket by its location, wherever the scan ran); its backups by the
#   regions of the vaults its plans copy to (declared) and its copy jobs went to (seen).
#   A region that could not be read is not assessed, never passed.
# custom:
#   id: AWS-S3-007
#   severity: high
#   resource_types: [aws.s3.bucket, aws.rds.db_instance, aws.rds.db_cluster, aws.rds.db_snapshot, aws.dynamodb.table, aws.ec2.volume, aws.ec2.snapshot, aws.efs.file_system, aws.backup.vault, aws.backup.plan, azure.storage.account, azure.sql.database, azure.postgresql.flexible_server, azure.compute.disk, azure.recoveryservices.vault, azure.dataprotection.backup_vault]
#   remediation: >-
#     Move the data to an allowed region (a new bucket, database or file system there,
#     the data copied and the old store deleted), remove replicas and copy actions whose
#     destination is outside (Terraform: aws_backup_plan rule copy_action
#     destination_vault_arn, aws_dynamodb_table replica), and prevent it recurring with an
#     organisation SCP denying actions outside the allowed regions (aws:RequestedRegion) or
#     Azure Policy's allowed locations. If another region is agreed, list it in
#     data_residency.allowed_regions.
package sdescan.checks.aws.data_residency

import rego.v1

# Classified data only: identifiable and pseudonymised (anonymised and public
# data may be held anywhere).
default applicable := false

applicable if input.resource.classification in {"identifiable", "pseudonymised"}

# allowed are the configured regions, lower-cased (data_residency.allowed_regions;
# default eu-west-2, uksouth, ukwest).
allowed := {lower(r) | some r in data.sdescan.params.data_residency.allowed_regions}

# region_of(name): a region name as AWS and Azure write it, compared without case;
# EU is S3's legacy location name for eu-west-1. Undefined for an empty name.
region_of(name) := "eu-west-1" if upper(name) == "EU"

region_of(name) := lower(name) if {
	upper(name) != "EU"
	name != ""
}

# region is where the resource itself is; undefined when not known (a bucket
# whose location could not be read has no region in its scope).
region := region_of(input.resource.scope.region)

# arn_region(arn): the region an ARN names (its fourth field); undefined when it
# names none.
arn_region(arn) := region_of(split(arn, ":")[3]) if count(split(arn, ":")) > 4

kinds := {
	"aws.s3.bucket": "S3 bucket",
	"aws.rds.db_instance": "RDS instance",
	"aws.rds.db_cluster": "RDS cluster",
	"aws.rds.db_snapshot": "RDS snapshot",
	"aws.dynamodb.table": "DynamoDB table",
	"aws.ec2.volume": "EBS volume",
	"aws.ec2.snapshot": "EBS snapshot",
	"aws.efs.file_system": "EFS file system",
	"aws.backup.vault": "backup vault",
	"aws.backup.plan": "backup plan",
	"azure.storage.account": "storage account",
	"azure.sql.database": "SQL database",
	"azure.postgresql.flexible_server": "PostgreSQL server",
	"azure.compute.disk": "managed disk",
	"azure.recoveryservices.vault": "Recovery Services vault",
	"azure.dataprotection.backup_vault": "Backup vault",
}

# name is how messages name the resource: its first name attribute present,
# else its ID.
name_keys := ["name", "table_name", "db_instance_identifier", "db_cluster_identifier", "snapshot_identifier", "snapshot_id", "volume_id", "file_system_id"]

names := [n | some k in name_keys; n := object.get(input.resource.attributes, k, ""); is_string(n); n != ""]

label := sprintf("%s %s", [object.get(kinds, input.resource.type, input.resource.type), names[0]]) if {
	count(names) > 0
} else := sprintf("%s %s", [object.get(kinds, input.resource.type, input.resource.type), input.resource.id])

# outside(r): region r is not allowed (never when no region is allowed at all:
# the parameters are then missing, and the check cannot assess).
outside(r) if {
	count(allowed) > 0
	not r in allowed
}

allowed_text := concat(", ", sort([r | some r in allowed]))

# --- the resource itself ----------------------------------------------------------

deny contains sprintf("%s holds %s data in %s, outside the allowed regions (%s)", [label, input.resource.classification, region, allowed_text]) if {
	outside(region)
}

missing contains "scope.region" if not region

# --- DynamoDB global tables: every replica holds the data --------------------------

deny contains sprintf("%s holds %s data and is replicated to %s, outside the allowed regions (%s)", [label, input.resource.classification, r, allowed_text]) if {
	some rep in input.resource.attributes.replica_regions
	r := region_of(rep)
	outside(r)
}

missing contains "attributes.replica_regions" if {
	input.resource.type == "aws.dynamodb.table"
	not is_array(object.get(input.resource.attributes, "replica_regions", null))
}

# --- S3 replication: every replica holds the data ---------------------------------

deny contains sprintf("%s holds %s data and replicates it to %s in %s, outside the allowed regions (%s)", [label, input.resource.classification, d.destination, r, allowed_text]) if {
	some d in input.resource.attributes.replication_destination_regions
	r := region_of(d.region)
	outside(r)
}

# A replica whose region is not known (another account's bucket, or one whose
# location could not be read) is not assessed.
missing contains sprintf("region of replication destination %s", [d.destination]) if {
	some d in input.resource.attributes.replication_destination_regions
	not region_of(object.get(d, "region", ""))
}

missing contains "attributes.replication_destination_regions" if {
	input.resource.type == "aws.s3.bucket"
	not is_array(object.get(input.resource.attributes, "replication_destination_regions", null))
}

# --- backups and their copies ------------------------------------------------------
# A copy action in a plan rule copies each recovery point to its destination
# vault, whose ARN names the region: judged where it is declared, whether or not
# the destination region was scanned. On a store, the plans whose selections
# assign it (selected_by); on a plan (tagged classified), its own rules.

copy_targets contains arn if {
	some s in input.resource.attributes.backup.aws_backup.selected_by
	some r in s.rules
	some c in r.copy_actions
	arn := c.destination_backup_vault_arn
}

copy_targets contains arn if {
	input.resource.type == "aws.backup.plan"
	some r in input.resource.attributes.rules
	some c in r.copy_actions
	arn := c.destination_backup_vault_arn
}

deny contains sprintf("%s holds %s data and its backups are copied to vault %s in %s, outside the allowed regions (%s)", [label, input.resource.classification, arn, r, allowed_text]) if {
	some arn in copy_targets
	r := arn_region(arn)
	outside(r)
}

# Copy jobs seen in the last 35 days (completed), whatever declared them.
deny contains sprintf("%s holds %s data and its backups were copied to vault %s in %s, outside the allowed regions (%s)", [label, input.resource.classification, arn, r, allowed_text]) if {
	some arn in input.resource.attributes.backup.copy_destinations
	not arn in copy_targets
	r := arn_region(arn)
	outside(r)
}

# Recovery points found in a vault abroad (a region read by the scan), whatever
# put them there.
deny contains sprintf("%s holds %s data and has recovery points in a backup vault in %s, outside the allowed regions (%s)", [label, input.resource.classification, r, allowed_text]) if {
	some pr in input.resource.attributes.backup.recovery_point_regions
	r := region_of(pr)
	outside(r)
}

missing contains "attributes.backup.recovery_point_regions" if {
	startswith(input.resource.type, "aws.")
	input.resource.attributes.backup
	not is_array(object.get(input.resource, ["attributes", "backup", "recovery_point_regions"], null))
}

# A copy destination whose region cannot be read from its ARN is not assessed.
missing contains sprintf("region of copy destination %s", [arn]) if {
	some arn in (copy_targets | {a | some a in object.get(input.resource, ["attributes", "backup", "copy_destinations"], [])})
	not arn_region(arn)
}

# A plan whose selection the facts cannot decide for the store, and that would
# copy it outside, may or may not copy it: not assessed.
missing contains sprintf("attributes.backup.aws_backup.unresolved (plan %s would copy to %s)", [u.plan_name, r]) if {
	some u in input.resource.attributes.backup.aws_backup.unresolved
	some rule in u.rules
	some c in rule.copy_actions
	r := arn_region(c.destination_backup_vault_arn)
	outside(r)
}

# An AWS data store's backups are joined onto it by the collector (an RDS
# instance in a cluster is backed up through its cluster); without them where
# its copies go is unknown.
missing contains "attributes.backup" if {
	input.resource.type in {"aws.s3.bucket", "aws.rds.db_instance", "aws.rds.db_cluster", "aws.dynamodb.table", "aws.ec2.volume", "aws.efs.file_system"}
	not input.resource.attributes.backup
	object.get(input.resource.attributes, "db_cluster_identifier", "") == ""
}

# What protects an AWS store must be known to tell where its backups go; an
# Azure store's backups stay in its vault's region and the vault is judged
# itself (geo-redundant copies go to the paired region).
missing contains "attributes.backup.aws_backup" if {
	startswith(input.resource.type, "aws.")
	input.resource.attributes.backup
	not input.resource.attributes.backup.aws_backup
}

missing contains "attributes.backup.copy_destinations" if {
	startswith(input.resource.type, "aws.")
	input.resource.attributes.backup
	not input.resource.attributes.backup.copy_destinations
}

missing contains "data.sdescan.params.data_residency.allowed_regions" if count(allowed) == 0
