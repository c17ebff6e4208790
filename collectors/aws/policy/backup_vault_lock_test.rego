package sdescan.checks.aws.backup_vault_lock_test

import data.sdescan.checks.aws.backup_vault_lock as check
import rego.v1

store(points) := {"resource": {"id": "x", "type": "aws.dynamodb.table", "classification": "pseudonymised", "attributes": {"table_name": "t", "backup": {"native": [], "recovery_points": points}}}}

test_locked if {
	inp := store({"count": 2, "vaults": [{"name": "v", "locked": true, "lock_mode": "compliance"}]})
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_unlocked if {
	check.deny == {"recovery points of t are kept in vault open, which has no vault lock"} with input as store({"count": 2, "vaults": [{"name": "v", "locked": true}, {"name": "open", "locked": false}]})
}

test_unknown if {
	inp := {"resource": {"id": "x", "type": "aws.dynamodb.table", "classification": "pseudonymised", "attributes": {"table_name": "t", "backup": {"native": []}}}}
	check.missing == {"attributes.backup.recovery_points"} with input as inp
}

test_no_points_not_applicable if {
	not check.applicable with input as store({"count": 0})
}
