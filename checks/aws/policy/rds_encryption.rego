# METADATA
# title: RDS DB instances and clusters are encrypted at rest
# description: >-
#   Databases in an SDE often hold linked patient-level records. Encryption at rest
#   (which also covers automated backups, snapshots and read replicas) protects them
#   if storage media or snapshots are exposed, and ties access to a KMS key policy.
#   Encryption cannot be switched on for an existing database: it needs a migration.
# custom:
#   id: AWS-RDS-001
#   severity: high
#   resource_types: [aws.rds.db_instance, aws.rds.db_cluster]
#   remediation: >-
#     Restore an encrypted copy: snapshot the database, copy the snapshot with a KMS
#     key, restore from it and switch over. Terraform: aws_db_instance /
#     aws_rds_cluster with storage_encrypted = true and kms_key_id set.
package sdescan.checks.aws.rds_encryption

import rego.v1

attrs := input.resource.attributes

label := sprintf("DB instance %s", [attrs.db_instance_identifier]) if {
	input.resource.type == "aws.rds.db_instance"
} else := sprintf("DB cluster %s", [attrs.db_cluster_identifier]) if {
	input.resource.type == "aws.rds.db_cluster"
} else := input.resource.id

deny contains sprintf("%s is not encrypted at rest", [label]) if {
	attrs.storage_encrypted == false
}

missing contains "attributes.storage_encrypted" if {
	not "storage_encrypted" in object.keys(attrs)
}
