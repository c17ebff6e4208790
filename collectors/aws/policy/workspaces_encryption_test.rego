package sdescan.checks.aws.workspaces_encryption_test

import data.sdescan.checks.aws.workspaces_encryption as check
import rego.v1

ws(attrs) := {"resource": {"id": "aws://111111111111/eu-west-2/workspaces/workspace/ws-1", "type": "aws.workspaces.workspace", "source": "aws", "attributes": object.union({"workspace_id": "ws-1"}, attrs)}}

test_pass if {
	inp := ws({"root_volume_encryption_enabled": true, "user_volume_encryption_enabled": true})
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_fail_root if {
	check.deny == {"WorkSpace ws-1 root volume is not encrypted"} with input as ws({"root_volume_encryption_enabled": false, "user_volume_encryption_enabled": true})
}

test_fail_user if {
	check.deny == {"WorkSpace ws-1 user volume is not encrypted"} with input as ws({"root_volume_encryption_enabled": true, "user_volume_encryption_enabled": false})
}

test_missing if {
	inp := ws({"root_volume_encryption_enabled": true})
	check.missing == {"attributes.user_volume_encryption_enabled"} with input as inp
	count(check.deny) == 0 with input as inp
}
