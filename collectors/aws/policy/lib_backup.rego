# Facts shared by the backup checks (BKP-001 to BKP-006). A library, not a check
# (it has no custom.id): the checks of one resource are evaluated together, so
# each rule here is computed once per resource for all of them. (Whether a check
# applies stays in each check: referring to a rule here costs more than the
# few input lookups it would share.)
package sdescan.lib.backup

import rego.v1

# name is how messages name a store: its first attribute of name, table_name,
# db_instance_identifier, db_cluster_identifier, volume_id and file_system_id that
# is present (whatever its value), else its resource id. (file_system_id is read
# with object.get, which leaves the rule's type open: a present null or false
# counts, as the tests show, where opa check --strict would type a direct
# reference as a string.)
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
} else := object.get(input.resource.attributes, "file_system_id", input.resource.id)

# azure: the store is an Azure one, whose attributes.backup has Azure's parts
# (azure_backup for what protects it, vault entries with soft delete and
# geo-redundancy) where an AWS store's has aws_backup and copy jobs.
azure if startswith(input.resource.type, "azure.")
