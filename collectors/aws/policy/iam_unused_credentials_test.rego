package sdescan.checks.aws.iam_unused_credentials_test

import data.sdescan.checks.aws.iam_unused_credentials as check
import rego.v1

params := {"as_of": "2026-11-20T09:00:00Z", "break_glass_roles": []}

user(attrs) := {"resource": {"id": "aws://111111111111/global/iam/user/bob", "type": "aws.iam.user", "source": "aws", "attributes": object.union({"user_name": "bob"}, attrs)}}

test_pass if {
	inp := user({
		"password_enabled": true, "password_created": "2025-01-01T00:00:00Z", "password_last_used": "2026-11-19T08:00:00Z",
		"access_keys": [
			{"access_key_id": "AKIA1", "status": "Active", "created": "2026-10-30T00:00:00Z", "last_used": null},
			{"access_key_id": "AKIA2", "status": "Active", "created": "2025-10-30T00:00:00Z", "last_used": "2026-11-01T00:00:00Z"},
			{"access_key_id": "AKIA3", "status": "Inactive", "created": "2020-01-01T00:00:00Z", "last_used": null},
		],
	})
	count(check.deny) == 0 with input as inp with data.sdescan.params as params
	count(check.missing) == 0 with input as inp with data.sdescan.params as params
}

test_pass_no_credentials if {
	inp := user({"password_enabled": false, "access_keys": []})
	count(check.deny) == 0 with input as inp with data.sdescan.params as params
	count(check.missing) == 0 with input as inp with data.sdescan.params as params
}

test_fail_password_idle if {
	inp := user({"password_enabled": true, "password_created": "2025-01-01T00:00:00Z", "password_last_used": "2026-10-06T09:00:00Z", "access_keys": []})
	check.deny == {"IAM user bob: console password unused for 45 days"} with input as inp with data.sdescan.params as params
}

test_fail_password_never_used if {
	inp := user({"password_enabled": true, "password_created": "2026-01-01T00:00:00Z", "password_last_used": null, "access_keys": []})
	count(check.deny) == 1 with input as inp with data.sdescan.params as params
}

test_fail_key_idle if {
	inp := user({"password_enabled": false, "access_keys": [{"access_key_id": "AKIA9", "status": "Active", "created": "2025-01-01T00:00:00Z", "last_used": "2026-06-01T00:00:00Z"}]})
	check.deny == {"IAM user bob: active access key AKIA9 unused for 172 days"} with input as inp with data.sdescan.params as params
}

test_fail_key_never_used if {
	inp := user({"password_enabled": false, "access_keys": [{"access_key_id": "AKIA9", "status": "Active", "created": "2026-01-01T00:00:00Z", "last_used": null}]})
	count(check.deny) == 1 with input as inp with data.sdescan.params as params
}

test_missing if {
	inp := user({})
	check.missing == {"attributes.password_enabled", "attributes.access_keys"} with input as inp with data.sdescan.params as params
	count(check.deny) == 0 with input as inp with data.sdescan.params as params
}

test_missing_last_used if {
	inp := user({"password_enabled": true, "password_created": "2020-01-01T00:00:00Z", "access_keys": [{"access_key_id": "AKIA9", "status": "Active", "created": "2020-01-01T00:00:00Z"}]})
	check.missing == {"attributes.password_last_used", "attributes.access_keys[0].last_used"} with input as inp with data.sdescan.params as params
	count(check.deny) == 0 with input as inp with data.sdescan.params as params
}
