package sdescan.checks.aws.iam_user_mfa_test

import data.sdescan.checks.aws.iam_user_mfa as check
import rego.v1

user(attrs) := {"resource": {"id": "aws://111111111111/global/iam/user/alice", "type": "aws.iam.user", "source": "aws", "attributes": object.union({"user_name": "alice"}, attrs)}}

test_pass_with_mfa if {
	inp := user({"password_enabled": true, "mfa_devices": [{"serial_number": "arn:aws:iam::111111111111:mfa/alice"}]})
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_pass_no_password if {
	inp := user({"password_enabled": false})
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_fail if {
	check.deny == {"IAM user alice has a console password but no MFA device"} with input as user({"password_enabled": true, "mfa_devices": []})
}

test_missing_password if {
	inp := user({"mfa_devices": []})
	check.missing == {"attributes.password_enabled"} with input as inp
	count(check.deny) == 0 with input as inp
}

test_missing_mfa if {
	inp := user({"password_enabled": true})
	check.missing == {"attributes.mfa_devices"} with input as inp
	count(check.deny) == 0 with input as inp
}
