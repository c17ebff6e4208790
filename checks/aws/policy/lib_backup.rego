# Facts shared by the backup checks (BKP-001 to BKP-006). A library, not a check
# (it has no custom.id): the checks of one resource are evaluated together, so
# each rule here is computed once per resource for all of them.
package sdescan.lib.backup

import rego.v1

# subject: the backup checks judge a store that holds classified data or has a
# recovery point objective, unless it is an RDS instance backed up through its
# cluster or, for a read replica, through its source.
default subject := false

subject if {
	in_scope
	not cluster_member
}

in_scope if input.resource.classification

in_scope if input.resource.backup_rpo_hours

cluster_member if {
	input.resource.type == "aws.rds.db_instance"
	input.resource.attributes.db_cluster_identifier
}

cluster_member if {
	input.resource.type == "aws.rds.db_instance"
	input.resource.attributes.read_replica_source
}

# name is how messages name a store: its first attribute of name, table_name,
# db_instance_identifier, db_cluster_identifier, volume_id and file_system_id that
# is present (whatever its value), else its resource id.
name := n if {
	n := input.resource.attributes.name
} else := n if {
	n := input.resource.attributes.table_name
} else := n if {
	n := input.resource.attributes.db_instance_identifier
} else := n if {
	n := input.resource.attributes.db_cluster_identifier
} else := n if {
	n := input.resource.attributes.volume_id
} else := n if {
	n := input.resource.attributes.file_system_id
} else := input.resource.id

# as_of_ns is the assessment time, in nanoseconds since the epoch.
as_of_ns := time.parse_rfc3339_ns(data.sdescan.params.as_of)
