package sdescan.checks.aws.iam_root_access_keys_test

import data.sdescan.checks.aws.iam_root_access_keys as check
import rego.v1

account(attrs) := {"resource": {"id": "aws://111111111111/global/account", "type": "aws.account", "source": "aws", "scope": {"account": "111111111111"}, "attributes": attrs}}

test_pass if {
	inp := account({"root_access_keys_present": false})
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_fail if {
	check.deny == {"root user of account 111111111111 has access keys"} with input as account({"root_access_keys_present": true})
}

test_missing if {
	inp := account({"root_mfa_enabled": true})
	check.missing == {"attributes.root_access_keys_present"} with input as inp
	count(check.deny) == 0 with input as inp
}
