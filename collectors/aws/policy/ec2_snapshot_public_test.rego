package sdescan.checks.aws.ec2_snapshot_public_test

import data.sdescan.checks.aws.ec2_snapshot_public as check
import rego.v1

snapshot(attrs) := {"resource": {"id": "aws://111111111111/eu-west-2/ec2/snapshot/snap-1", "type": "aws.ec2.snapshot", "source": "aws", "attributes": object.union({"snapshot_id": "snap-1", "encrypted": true}, attrs)}}

test_private if {
	inp := snapshot({"create_volume_permissions": {"groups": [], "user_ids": []}})
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_shared_with_named_accounts_passes if {
	count(check.deny) == 0 with input as snapshot({"create_volume_permissions": {"groups": [], "user_ids": ["222222222222"]}})
}

test_public_fails if {
	check.deny == {"EBS snapshot snap-1 is public: any AWS account can create a volume from it"} with input as snapshot({"create_volume_permissions": {"groups": ["all"], "user_ids": []}})
}

test_public_and_shared_fails if {
	count(check.deny) == 1 with input as snapshot({"create_volume_permissions": {"groups": ["all"], "user_ids": ["222222222222"]}})
}

# A permission that could not be read is not assessed, never private.
test_unread_is_missing if {
	inp := snapshot({})
	check.missing == {"attributes.create_volume_permissions"} with input as inp
	count(check.deny) == 0 with input as inp
}
