# The backup checks (BKP-001 to BKP-006) on Azure stores, in the shape the
# Azure collector joins (collectors/azure/backupjoin.go): a machine backed up
# recently, one whose newest point is stale, an unprotected disk, stores whose
# vault items could not be read (unknown, never "no backup"), SQL Database and
# PostgreSQL automated backups, SQL long-term retention.
package sdescan.checks.aws.backup_azure_test

import data.sdescan.checks.aws.backup_cmk as cmk
import data.sdescan.checks.aws.backup_copy as copy
import data.sdescan.checks.aws.backup_plan_selected as selected
import data.sdescan.checks.aws.backup_retention as retention
import data.sdescan.checks.aws.backup_rpo as rpo
import data.sdescan.checks.aws.backup_vault_lock as lock
import rego.v1

params := {"as_of": "2026-12-01T10:00:00Z", "backup_default_rpo_hours": 24, "backup_min_retention_days": 35}

store(typ, name, backup) := {"resource": {
	"id": sprintf("/subscriptions/1/resourcegroups/rg/providers/x/%s", [name]),
	"type": typ, "classification": "identifiable",
	"scope": {"account": "1", "region": "uksouth"},
	"attributes": {"name": name, "backup": backup},
}}

# A locked, geo-redundant Recovery Services vault with a customer-managed key.
good_vault := {
	"name": "rsv", "id": "rsv-id", "vault_type": "recovery-services", "locked": true, "lock_mode": "compliance",
	"immutability_state": "Locked", "soft_delete": true, "geo_redundant": true, "cross_region_restore": true,
	"storage_redundancy": "GeoRedundant", "encryption_key_type": "CUSTOMER_MANAGED_KEY",
}

# A Backup vault with none of that.
plain_vault := {
	"name": "bv", "id": "bv-id", "vault_type": "backup-vault", "locked": false, "immutability_state": "Disabled",
	"soft_delete": false, "geo_redundant": false, "cross_region_restore": false,
	"storage_redundancy": "LocallyRedundant", "encryption_key_type": "PLATFORM_MANAGED_KEY",
}

item(vault, state, active, days) := {
	"vault": vault.name, "vault_id": vault.id, "vault_type": vault.vault_type, "policy": "DefaultPolicy",
	"protection_state": state, "active": active, "retention_days": days,
}

vm(newest, vault) := store("azure.compute.virtual_machine", "vm", {
	"resource_id": "vm-id", "native": [],
	"azure_backup": {"protected_by": [item(vault, "Protected", true, 35)]},
	"recovery_points": {"count": 1, "completed": 1, "newest_completed": newest, "all_encrypted": true, "min_delete_after_days": 35, "vaults": [vault]},
})

fresh := vm("2026-12-01T04:00:00Z", good_vault)

stale := vm("2026-11-25T04:00:00Z", good_vault)

# An unattached disk nothing protects, every vault read.
loose := store("azure.compute.disk", "disk-loose", {"resource_id": "d", "native": [], "azure_backup": {"protected_by": []}, "recovery_points": {"count": 0, "completed": 0}})

# A disk whose vaults' items could not be read.
unknown := store("azure.compute.disk", "disk-unknown", {"resource_id": "d", "native": []})

sql(ltr, days, geo) := store("azure.sql.database", "research", {
	"resource_id": "db", "native": [{"mechanism": "sql-automated-backups", "enabled": true, "retention_days": days, "storage_redundancy": "Geo", "geo_redundant": geo}],
	"azure_backup": {"protected_by": ltr}, "recovery_points": {"count": 0, "completed": 0},
})

ltr(days) := [{"vault": null, "vault_type": "sql-long-term-retention", "policy": "default", "protection_state": "Protected", "active": true, "retention_days": days}]

postgres_unknown_points := store("azure.postgresql.flexible_server", "pg", {
	"resource_id": "pg", "native": [{"mechanism": "postgres-automated-backups", "enabled": true, "retention_days": 7, "geo_redundant": false}],
	"azure_backup": {"protected_by": [item(plain_vault, "ProtectionConfigured", true, 35)]},
})

# --- a machine backed up six hours ago, in a good vault: every check passes ----------

test_fresh_passes_all if {
	every c in [
		count(selected.deny), count(selected.missing), count(rpo.deny), count(rpo.missing), count(lock.deny), count(lock.missing),
		count(copy.deny), count(copy.missing), count(cmk.deny), count(cmk.missing), count(retention.deny), count(retention.missing),
	] {
		c == 0
	} with input as fresh with data.sdescan.params as params
	selected.applicable with input as fresh
}

# --- stale: six days old against a 24-hour RPO -----------------------------------

test_stale_fails_rpo if {
	rpo.deny == {"the newest recovery point of vm (completed 2026-11-25T04:00:00Z, about 150 hours before the assessment) is older than its RPO of 24 hours"} with input as stale with data.sdescan.params as params
	count(selected.deny) == 0 with input as stale
}

# --- none: an unprotected disk ----------------------------------------------------

test_none_fails if {
	selected.deny == {"disk-loose (identifiable) is not protected by any Azure Backup vault or long-term retention policy"} with input as loose
	rpo.deny == {"disk-loose has no recovery point at all, so its RPO of 24 hours cannot be met"} with input as loose with data.sdescan.params as params
	copy.deny == {"backups of disk-loose are not copied to another region (no geo-redundant vault or geo-redundant automated backups)"} with input as loose
	retention.deny == {"disk-loose has no backups whose retention could be judged"} with input as loose with data.sdescan.params as params
	not lock.applicable with input as loose
	not cmk.applicable with input as loose
}

test_stopped_protection_fails if {
	inp := store("azure.compute.virtual_machine", "vm", {
		"resource_id": "vm", "native": [],
		"azure_backup": {"protected_by": [item(good_vault, "ProtectionStopped", false, 35)]},
		"recovery_points": {"count": 1, "completed": 1, "newest_completed": "2026-12-01T04:00:00Z", "vaults": [good_vault]},
	})
	selected.deny == {"vm (identifiable) is not protected by any Azure Backup vault or long-term retention policy; protection ProtectionStopped in rsv"} with input as inp
}

# --- unknown: the vaults' items could not be read: missing, never "no backup" -------

test_unknown_is_missing_not_fail if {
	count(selected.deny) == 0 with input as unknown
	selected.missing == {"attributes.backup.azure_backup"} with input as unknown
	count(rpo.deny) == 0 with input as unknown with data.sdescan.params as params
	rpo.missing == {"attributes.backup.recovery_points"} with input as unknown with data.sdescan.params as params
	count(copy.deny) == 0 with input as unknown
	copy.missing == {"attributes.backup.azure_backup"} with input as unknown
	count(retention.deny) == 0 with input as unknown with data.sdescan.params as params
	retention.missing == {"attributes.backup.azure_backup"} with input as unknown with data.sdescan.params as params
	lock.missing == {"attributes.backup.recovery_points"} with input as unknown
	cmk.missing == {"attributes.backup.recovery_points"} with input as unknown
}

test_points_unknown_but_automated_backups_meet_rpo if {
	count(rpo.deny) == 0 with input as postgres_unknown_points with data.sdescan.params as params
	count(rpo.missing) == 0 with input as postgres_unknown_points with data.sdescan.params as params
	count(selected.deny) == 0 with input as postgres_unknown_points
	copy.missing == {"attributes.backup.recovery_points"} with input as postgres_unknown_points
	count(retention.missing) == 0 with input as postgres_unknown_points with data.sdescan.params as params
}

test_retention_unknown_is_missing if {
	inp := store("azure.compute.virtual_machine", "vm", {
		"resource_id": "vm", "native": [],
		"azure_backup": {"protected_by": [object.remove(item(good_vault, "Protected", true, 0), ["retention_days"])]},
		"recovery_points": {"count": 1, "completed": 1, "newest_completed": "2026-12-01T04:00:00Z", "retention_unknown": true, "vaults": [good_vault]},
	})
	count(retention.deny) == 0 with input as inp with data.sdescan.params as params
	retention.missing == {"attributes.backup.recovery_points.min_delete_after_days (a backup policy could not be read)"} with input as inp with data.sdescan.params as params
}

# --- vaults: lock, soft delete, geo-redundancy, key --------------------------------

test_plain_vault_fails_lock_copy_cmk if {
	inp := vm("2026-12-01T04:00:00Z", plain_vault)
	lock.deny == {
		"recovery points of vm are kept in vault bv, which has no immutability (vault lock)",
		"recovery points of vm are kept in vault bv, whose soft delete is off",
	} with input as inp
	copy.deny == {"backups of vm are not copied to another region (no geo-redundant vault or geo-redundant automated backups)"} with input as inp
	cmk.deny == {"recovery points of vm are in vault bv, encrypted with platform managed key, not a customer-managed key"} with input as inp
}

test_unlocked_immutability_counts_as_lock if {
	v := object.union(good_vault, {"immutability_state": "Unlocked", "lock_mode": "governance"})
	count(lock.deny) == 0 with input as vm("2026-12-01T04:00:00Z", v)
}

test_cross_region_restore_counts_as_copy if {
	v := object.union(plain_vault, {"geo_redundant": true, "cross_region_restore": true})
	count(copy.deny) == 0 with input as vm("2026-12-01T04:00:00Z", v)
}

# --- SQL Database -------------------------------------------------------------------

test_sql_automated_backups if {
	inp := sql(ltr(35), 7, true)
	count(selected.deny) == 0 with input as inp
	count(rpo.deny) == 0 with input as inp with data.sdescan.params as params
	count(rpo.missing) == 0 with input as inp with data.sdescan.params as params
	count(copy.deny) == 0 with input as inp
	count(retention.deny) == 0 with input as inp with data.sdescan.params as params
	not lock.applicable with input as inp
}

test_sql_without_long_term_retention if {
	inp := sql([], 7, false)
	selected.deny == {"research (identifiable) is not protected by any Azure Backup vault or long-term retention policy (it relies on sql-automated-backups alone)"} with input as inp
	count(rpo.deny) == 0 with input as inp with data.sdescan.params as params
	retention.deny == {"research keeps automated backups 7 days, less than the minimum of 35"} with input as inp with data.sdescan.params as params
	copy.deny == {"backups of research are not copied to another region (no geo-redundant vault or geo-redundant automated backups)"} with input as inp
}

test_sql_short_long_term_retention if {
	retention.deny == {"the long-term retention policy of research keeps backups 28 days, less than the minimum of 35"} with input as sql(ltr(28), 7, true) with data.sdescan.params as params
}

test_vault_retention_too_short if {
	inp := store("azure.compute.virtual_machine", "vm", {
		"resource_id": "vm", "native": [],
		"azure_backup": {"protected_by": [item(good_vault, "Protected", true, 30)]},
		"recovery_points": {"count": 1, "completed": 1, "newest_completed": "2026-12-01T04:00:00Z", "min_delete_after_days": 30, "vaults": [good_vault]},
	})
	retention.deny == {"recovery points of vm are kept only 30 days, less than the minimum of 35"} with input as inp with data.sdescan.params as params
}

test_unclassified_not_applicable if {
	not selected.applicable with input as {"resource": {"id": "x", "type": "azure.compute.disk", "attributes": {"name": "d"}}}
}
