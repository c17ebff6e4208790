package sdescan.checks.aws.ec2_ebs_default_encryption_test

import data.sdescan.checks.aws.ec2_ebs_default_encryption as check
import rego.v1

region(attrs) := {"resource": {"id": "aws://111111111111/eu-west-2/region", "type": "aws.region", "source": "aws", "scope": {"account": "111111111111", "region": "eu-west-2"}, "attributes": attrs}}

test_pass if {
	inp := region({"ebs_encryption_by_default": true})
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_fail if {
	check.deny == {"EBS encryption by default is off in account 111111111111 region eu-west-2"} with input as region({"ebs_encryption_by_default": false})
}

test_missing if {
	inp := region({"security_hub_enabled": true})
	check.missing == {"attributes.ebs_encryption_by_default"} with input as inp
	count(check.deny) == 0 with input as inp
}
