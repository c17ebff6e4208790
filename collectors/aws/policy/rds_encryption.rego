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

import data.sdescan.lib.facts
import rego.v1

label := sprintf("DB instance %s", [input.resource.attributes.db_instance_identifier]) if {
	input.resource.type == "aws.rds.db_instance"
} else := sprintf("DB cluster %s", [input.resource.attributes.db_cluster_identifier]) if {
	input.resource.type == "aws.rds.db_cluster"
} else := input.resource.id

deny contains sprintf("%s is not encrypted at rest", [label]) if {
	input.resource.attributes.storage_encrypted == false
}

missing contains "attributes.storage_encrypted" if {
	not facts.present("storage_encrypted")
}
