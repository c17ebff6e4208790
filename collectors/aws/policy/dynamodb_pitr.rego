# METADATA
# title: DynamoDB tables have point-in-time recovery
# description: >-
#   Point-in-time recovery keeps continuous backups for 35 days, so a table damaged by a
#   faulty job, an operator error or malicious writes can be restored to any second
#   before the damage.
# custom:
#   id: AWS-DDB-001
#   severity: medium
#   resource_types: [aws.dynamodb.table]
#   remediation: >-
#     Terraform: aws_dynamodb_table with point_in_time_recovery { enabled = true }
#     (aws dynamodb update-continuous-backups).
package sdescan.checks.aws.dynamodb_pitr

import data.sdescan.lib.backup_store
import rego.v1

# The decision is lib_backup_store's, shared with IAC-BKP-001.

deny contains sprintf("DynamoDB table %s does not have point-in-time recovery", [object.get(input.resource.attributes, "table_name", input.resource.id)]) if {
	backup_store.pitr_off(input.resource.attributes)
}

missing contains "attributes.point_in_time_recovery_enabled" if {
	backup_store.pitr_unknown(input.resource.attributes)
}
