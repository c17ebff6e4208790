# METADATA
# title: RDS snapshots are not public
# description: >-
#   A DB or DB cluster snapshot whose restore attribute includes all can be copied
#   and restored by any AWS account: the whole database, every linked record in it,
#   is disclosed. Sharing with named accounts is a decision the SDE records; public
#   is never one. Automated snapshots cannot be shared, so they pass.
# custom:
#   id: AWS-RDS-004
#   severity: critical
#   resource_types: [aws.rds.db_snapshot]
#   remediation: >-
#     Remove all from the restore attribute (aws rds modify-db-snapshot-attribute
#     --db-snapshot-identifier ID --attribute-name restore --values-to-remove all, or
#     modify-db-cluster-snapshot-attribute for a cluster snapshot) and treat the
#     database as disclosed. Encrypt snapshots with a customer-managed key: an
#     encrypted snapshot cannot be made public.
package sdescan.checks.aws.rds_snapshot_public

import data.sdescan.lib.facts
import rego.v1

label := sprintf("DB cluster snapshot %s", [input.resource.attributes.snapshot_identifier]) if {
	input.resource.attributes.kind == "cluster"
} else := sprintf("DB snapshot %s", [input.resource.attributes.snapshot_identifier])

deny contains sprintf("%s is public: any AWS account can copy and restore it", [label]) if {
	some v in input.resource.attributes.restore_shared_with
	v == "all"
}

automated if input.resource.attributes.snapshot_type == "automated"

missing contains "attributes.restore_shared_with" if {
	not automated
	not facts.present("restore_shared_with")
}
