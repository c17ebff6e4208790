package sdescan.checks.aws.iam_access_key_age_test

import data.sdescan.checks.aws.iam_access_key_age as check
import rego.v1

params := {"as_of": "2026-11-20T09:00:00Z", "break_glass_roles": []}

user(keys) := {"resource": {"id": "aws://111111111111/global/iam/user/ci", "type": "aws.iam.user", "source": "aws", "attributes": {"user_name": "ci", "access_keys": keys}}}

test_pass if {
	inp := user([
		{"access_key_id": "AKIA1", "status": "Active", "created": "2026-09-01T00:00:00Z", "last_used": null},
		{"access_key_id": "AKIA2", "status": "Inactive", "created": "2024-01-01T00:00:00Z"},
	])
	count(check.deny) == 0 with input as inp with data.sdescan.params as params
	count(check.missing) == 0 with input as inp with data.sdescan.params as params
}

test_pass_no_keys if {
	count(check.deny) == 0 with input as user([]) with data.sdescan.params as params
	count(check.missing) == 0 with input as user([]) with data.sdescan.params as params
}

test_fail_old_key if {
	check.deny == {"IAM user ci: active access key AKIA1 is 90 days old (limit 90)"} with input as user([{"access_key_id": "AKIA1", "status": "Active", "created": "2026-08-22T09:00:00Z"}])
		with data.sdescan.params as params
}

test_missing_keys if {
	inp := {"resource": {"id": "u", "type": "aws.iam.user", "attributes": {"user_name": "ci"}}}
	check.missing == {"attributes.access_keys"} with input as inp with data.sdescan.params as params
	count(check.deny) == 0 with input as inp with data.sdescan.params as params
}

test_missing_created if {
	inp := user([{"access_key_id": "AKIA1", "status": "Active"}])
	check.missing == {"attributes.access_keys[0].created"} with input as inp with data.sdescan.params as params
	count(check.deny) == 0 with input as inp with data.sdescan.params as params
}

test_missing_as_of if {
	inp := user([{"access_key_id": "AKIA1", "status": "Active", "created": "2020-01-01T00:00:00Z"}])
	check.missing == {"data.sdescan.params.as_of"} with input as inp with data.sdescan.params as {}
	count(check.deny) == 0 with input as inp with data.sdescan.params as {}
}
