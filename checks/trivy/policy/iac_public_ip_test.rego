package sdescan.checks.iac.public_ip_test

import data.sdescan.checks.iac.public_ip as check
import rego.v1

tf(t, cfg, unknown) := {"resource": {"id": "x", "type": "iac.terraform.resource", "source": "iac", "attributes": {"resource_type": t, "name": "n", "config": cfg, "unknown_attributes": unknown}}}

test_pass if {
	inp := tf("aws_instance", {"associate_public_ip_address": false}, [])
	check.applicable with input as inp
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_fail_instance if {
	count(check.deny) == 1 with input as tf("aws_instance", {"associate_public_ip_address": true}, [])
}

test_fail_launch_template if {
	count(check.deny) == 1 with input as tf("aws_launch_template", {"network_interfaces": [{"associate_public_ip_address": "true"}]}, [])
}

test_fail_subnet_cloudformation if {
	count(check.deny) == 1 with input as {"resource": {"id": "x", "type": "iac.cloudformation.resource", "source": "iac", "attributes": {"resource_type": "AWS::EC2::Subnet", "name": "S", "properties": {"MapPublicIpOnLaunch": true}}}}
}

test_missing if {
	inp := tf("aws_instance", {}, ["associate_public_ip_address"])
	check.missing == {"attributes.config.associate_public_ip_address"} with input as inp
	count(check.deny) == 0 with input as inp
}

test_not_applicable if {
	not check.applicable with input as tf("aws_s3_bucket", {}, [])
}
