package sdescan.checks.aws.backup_rpo_test

import data.sdescan.checks.aws.backup_rpo as check
import rego.v1

params := {"as_of": "2026-11-20T09:00:00Z", "backup_default_rpo_hours": 24}

store(typ, backup, extra) := {"resource": object.union({"id": "aws://1/eu-west-2/x", "type": typ, "classification": "identifiable", "attributes": {"name": "s", "backup": backup}}, extra)}

test_fresh_recovery_point if {
	inp := store("aws.s3.bucket", {"native": [], "recovery_points": {"count": 3, "completed": 3, "newest_completed": "2026-11-19T12:00:00Z"}}, {})
	count(check.deny) == 0 with input as inp with data.sdescan.params as params
	count(check.missing) == 0 with input as inp with data.sdescan.params as params
}

test_stale_recovery_point if {
	check.deny == {"the newest recovery point of s (completed 2026-11-18T12:00:00Z, about 45 hours before the assessment) is older than its RPO of 24 hours"} with input as store("aws.s3.bucket", {"native": [], "recovery_points": {"count": 1, "completed": 1, "newest_completed": "2026-11-18T12:00:00Z"}}, {}) with data.sdescan.params as params
}

test_rpo_tag_overrides_default if {
	check.deny == {"the newest recovery point of s (completed 2026-11-20T00:00:00Z, about 9 hours before the assessment) is older than its RPO of 4 hours"} with input as store("aws.s3.bucket", {"native": [], "recovery_points": {"count": 1, "completed": 1, "newest_completed": "2026-11-20T00:00:00Z"}}, {"backup_rpo_hours": 4}) with data.sdescan.params as params
}

test_pitr_meets_rpo if {
	inp := store("aws.dynamodb.table", {"native": [{"mechanism": "dynamodb-pitr", "enabled": true}]}, {})
	count(check.deny) == 0 with input as inp with data.sdescan.params as params
	count(check.missing) == 0 with input as inp with data.sdescan.params as params
}

test_no_recovery_point if {
	check.deny == {"s has no recovery point at all, so its RPO of 24 hours cannot be met"} with input as store("aws.efs.file_system", {"native": [{"mechanism": "efs-automatic-backups", "enabled": false}], "recovery_points": {"count": 0, "completed": 0}}, {}) with data.sdescan.params as params
}

test_ebs_snapshot_counts if {
	inp := store("aws.ec2.volume", {"native": [{"mechanism": "ebs-snapshots", "enabled": true, "count": 2, "newest": "2026-11-20T03:00:00Z"}], "recovery_points": {"count": 0, "completed": 0}}, {})
	count(check.deny) == 0 with input as inp with data.sdescan.params as params
}

test_unreadable_points_missing if {
	inp := store("aws.s3.bucket", {"native": [{"mechanism": "s3-versioning", "enabled": true}]}, {})
	count(check.deny) == 0 with input as inp with data.sdescan.params as params
	check.missing == {"attributes.backup.recovery_points"} with input as inp with data.sdescan.params as params
}

test_ebs_snapshots_unreadable_not_a_fail if {
	inp := store("aws.ec2.volume", {"native": [], "recovery_points": {"count": 0, "completed": 0}}, {})
	count(check.deny) == 0 with input as inp with data.sdescan.params as params
}

test_no_backup_fact_missing if {
	check.missing == {"attributes.backup"} with input as {"resource": {"id": "x", "type": "aws.s3.bucket", "classification": "identifiable", "attributes": {"name": "s"}}} with data.sdescan.params as params
}

# The boundary: a recovery point exactly RPO old meets it; one second older does not.
test_exactly_rpo_meets if {
	count(check.deny) == 0 with input as store("aws.s3.bucket", {"native": [], "recovery_points": {"count": 1, "completed": 1, "newest_completed": "2026-11-19T09:00:00Z"}}, {}) with data.sdescan.params as params
}

test_one_second_over_fails if {
	check.deny == {"the newest recovery point of s (completed 2026-11-19T08:59:59Z, about 24 hours before the assessment) is older than its RPO of 24 hours"} with input as store("aws.s3.bucket", {"native": [], "recovery_points": {"count": 1, "completed": 1, "newest_completed": "2026-11-19T08:59:59Z"}}, {}) with data.sdescan.params as params
}

# Clock skew: AWS stamped the point a little after the collection time; it is fresh.
test_clock_skew_is_fresh if {
	count(check.deny) == 0 with input as store("aws.s3.bucket", {"native": [], "recovery_points": {"count": 1, "completed": 1, "newest_completed": "2026-11-20T09:02:00Z"}}, {}) with data.sdescan.params as params
}

test_rds_snapshot_counts if {
	inp := store("aws.rds.db_instance", {"native": [{"mechanism": "rds-automated-backups", "enabled": false, "retention_days": 0}, {"mechanism": "rds-snapshots", "enabled": true, "count": 1, "newest": "2026-11-20T01:00:00Z"}], "recovery_points": {"count": 0, "completed": 0}}, {})
	count(check.deny) == 0 with input as inp with data.sdescan.params as params
	count(check.missing) == 0 with input as inp with data.sdescan.params as params
}
