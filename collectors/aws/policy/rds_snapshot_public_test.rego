package sdescan.checks.aws.rds_snapshot_public_test

import data.sdescan.checks.aws.rds_snapshot_public as check
import rego.v1

snapshot(attrs) := {"resource": {"id": "aws://111111111111/eu-west-2/rds/db-snapshot/s1", "type": "aws.rds.db_snapshot", "source": "aws", "attributes": object.union({"kind": "db", "snapshot_identifier": "s1", "snapshot_type": "manual", "db_identifier": "db1", "status": "available"}, attrs)}}

test_private if {
	inp := snapshot({"restore_shared_with": []})
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_shared_with_named_account_passes if {
	count(check.deny) == 0 with input as snapshot({"restore_shared_with": ["222222222222"]})
}

test_public_db_snapshot_fails if {
	check.deny == {"DB snapshot s1 is public: any AWS account can copy and restore it"} with input as snapshot({"restore_shared_with": ["222222222222", "all"]})
}

test_public_cluster_snapshot_fails if {
	check.deny == {"DB cluster snapshot s1 is public: any AWS account can copy and restore it"} with input as snapshot({"kind": "cluster", "restore_shared_with": ["all"]})
}

# AWS does not let automated snapshots be shared: nothing to read, a pass.
test_automated_passes_unread if {
	inp := snapshot({"snapshot_type": "automated"})
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

# A manual (or AWS Backup) snapshot whose attribute could not be read is not
# assessed, never private.
test_unread_is_missing if {
	inp := snapshot({"snapshot_type": "awsbackup"})
	check.missing == {"attributes.restore_shared_with"} with input as inp
	count(check.deny) == 0 with input as inp
}
