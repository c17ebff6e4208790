package sdescan.checks.aws.ec2_public_ip_test

import data.sdescan.checks.aws.ec2_public_ip as check
import rego.v1

instance(attrs) := {"resource": {"id": "aws://111111111111/eu-west-2/ec2/instance/i-1", "type": "aws.ec2.instance", "source": "aws", "attributes": object.union({"instance_id": "i-1", "state": "running"}, attrs)}}

test_pass if {
	inp := instance({"has_public_ip": false})
	check.applicable with input as inp
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_fail if {
	check.deny == {"instance i-1 has a public IP address (203.0.113.10)"} with input as instance({"has_public_ip": true, "public_ip_address": "203.0.113.10"})
}

test_fail_without_address if {
	check.deny == {"instance i-1 has a public IP address"} with input as instance({"has_public_ip": true})
}

test_not_applicable_terminated if {
	not check.applicable with input as instance({"state": "terminated", "has_public_ip": true})
}

test_missing if {
	inp := instance({"metadata_options": {"http_tokens": "required"}})
	check.missing == {"attributes.has_public_ip"} with input as inp
	count(check.deny) == 0 with input as inp
}

test_fail_ipv6 if {
	check.deny == {"instance i-1 has a globally routable IPv6 address (2001:db8::10): reachable from the internet unless its subnet routes IPv6 only through an egress-only gateway"} with input as instance({"has_public_ip": false, "ipv6_addresses": ["2001:db8::10"]})
}

test_pass_no_ipv6 if {
	count(check.deny) == 0 with input as instance({"has_public_ip": false, "ipv6_addresses": []})
}

test_missing_not_boolean if {
	inp := instance({"has_public_ip": null})
	check.missing == {"attributes.has_public_ip"} with input as inp
	count(check.deny) == 0 with input as inp
}
