package sdescan.checks.aws.ec2_sg_admin_ports_test

import data.sdescan.checks.aws.ec2_sg_admin_ports as check
import rego.v1

sg(rules) := {"resource": {"id": "aws://111111111111/eu-west-2/ec2/security-group/sg-1", "type": "aws.ec2.security_group", "source": "aws", "attributes": {"group_id": "sg-1", "ingress_rules": rules}}}

test_pass_restricted_source if {
	inp := sg([
		{"ip_protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_ipv4": "10.0.0.0/16"},
		{"ip_protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_ipv4": "0.0.0.0/0"},
		{"ip_protocol": "-1", "from_port": 0, "to_port": 65535, "referenced_group_id": "sg-2"},
	])
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_pass_no_rules if {
	count(check.deny) == 0 with input as sg([])
	count(check.missing) == 0 with input as sg([])
}

test_fail_ssh_ipv4 if {
	check.deny == {"security group sg-1 allows 0.0.0.0/0 to port 22 (SSH)"} with input as sg([{"ip_protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_ipv4": "0.0.0.0/0"}])
}

test_fail_rdp_ipv6 if {
	check.deny == {"security group sg-1 allows ::/0 to port 3389 (RDP)"} with input as sg([{"ip_protocol": "tcp", "from_port": 3389, "to_port": 3389, "cidr_ipv6": "::/0"}])
}

test_fail_port_range if {
	count(check.deny) == 2 with input as sg([{"ip_protocol": "tcp", "from_port": 0, "to_port": 65535, "cidr_ipv4": "0.0.0.0/0"}])
}

test_fail_all_traffic if {
	count(check.deny) == 2 with input as sg([{"ip_protocol": "-1", "from_port": 0, "to_port": 65535, "cidr_ipv4": "0.0.0.0/0"}])
}

test_missing if {
	inp := {"resource": {"id": "sg", "type": "aws.ec2.security_group", "attributes": {"group_id": "sg-1"}}}
	check.missing == {"attributes.ingress_rules"} with input as inp
	count(check.deny) == 0 with input as inp
}
