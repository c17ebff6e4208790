package sdescan.checks.aws.securityhub_enabled_test

import data.sdescan.checks.aws.securityhub_enabled as check
import rego.v1

region(attrs) := {"resource": {"id": "aws://111111111111/eu-west-2/region", "type": "aws.region", "source": "aws", "scope": {"account": "111111111111", "region": "eu-west-2"}, "attributes": attrs}}

test_pass if {
	inp := region({"security_hub_enabled": true})
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_fail if {
	check.deny == {"Security Hub is not enabled in account 111111111111 region eu-west-2"} with input as region({"security_hub_enabled": false})
}

test_missing if {
	inp := region({"ebs_encryption_by_default": true})
	check.missing == {"attributes.security_hub_enabled"} with input as inp
	count(check.deny) == 0 with input as inp
}
