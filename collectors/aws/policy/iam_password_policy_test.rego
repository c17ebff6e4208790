package sdescan.checks.aws.iam_password_policy_test

import data.sdescan.checks.aws.iam_password_policy as check
import rego.v1

account(attrs) := {"resource": {"id": "aws://111111111111/global/account", "type": "aws.account", "source": "aws", "scope": {"account": "111111111111"}, "attributes": attrs}}

test_pass if {
	inp := account({"password_policy": {"present": true, "minimum_password_length": 14, "password_reuse_prevention": 24}})
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_fail_absent_policy if {
	check.deny == {"account 111111111111 has no IAM password policy"} with input as account({"password_policy": {"present": false}})
}

test_fail_short if {
	check.deny == {"account 111111111111 password policy minimum length is 8 (need 14 or more)"} with input as account({"password_policy": {"present": true, "minimum_password_length": 8, "password_reuse_prevention": 24}})
}

test_fail_reuse if {
	check.deny == {"account 111111111111 password policy prevents reuse of the last 0 passwords (need 24 or more)"} with input as account({"password_policy": {"present": true, "minimum_password_length": 16, "password_reuse_prevention": 0}})
}

test_missing if {
	inp := account({"root_mfa_enabled": true})
	check.missing == {"attributes.password_policy.present"} with input as inp
	count(check.deny) == 0 with input as inp
}

test_missing_field if {
	inp := account({"password_policy": {"present": true, "minimum_password_length": 14}})
	check.missing == {"attributes.password_policy.password_reuse_prevention"} with input as inp
	count(check.deny) == 0 with input as inp
}
