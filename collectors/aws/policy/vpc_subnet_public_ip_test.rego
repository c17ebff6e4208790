package sdescan.checks.aws.vpc_subnet_public_ip_test

import data.sdescan.checks.aws.vpc_subnet_public_ip as check
import rego.v1

subnet(attrs) := {"resource": {"id": "aws://111111111111/eu-west-2/ec2/subnet/subnet-1", "type": "aws.ec2.subnet", "source": "aws", "attributes": object.union({"subnet_id": "subnet-1"}, attrs)}}

test_pass if {
	inp := subnet({"map_public_ip_on_launch": false})
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_fail if {
	check.deny == {"subnet subnet-1 auto-assigns public IP addresses"} with input as subnet({"map_public_ip_on_launch": true})
}

test_missing if {
	inp := subnet({"vpc_id": "vpc-1"})
	check.missing == {"attributes.map_public_ip_on_launch"} with input as inp
	count(check.deny) == 0 with input as inp
}

test_missing_not_boolean if {
	inp := subnet({"map_public_ip_on_launch": null})
	check.missing == {"attributes.map_public_ip_on_launch"} with input as inp
	count(check.deny) == 0 with input as inp
}
