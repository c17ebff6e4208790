package sdescan.checks.aws.ec2_sg_open_ports_test

import data.sdescan.checks.aws.ec2_sg_open_ports as check
import rego.v1

sg(rules) := {"resource": {"id": "aws://111111111111/eu-west-2/ec2/security-group/sg-1", "type": "aws.ec2.security_group", "source": "aws", "attributes": {"group_id": "sg-1", "ingress_rules": rules}}}

test_pass if {
	inp := sg([
		{"ip_protocol": "tcp", "from_port": 5432, "to_port": 5432, "referenced_group_id": "sg-app"},
		{"ip_protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_ipv4": "10.0.0.0/8"},
		{"ip_protocol": "icmp", "from_port": -1, "to_port": -1, "cidr_ipv4": "0.0.0.0/0"},
	])
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_pass_ssh_only_is_ec2_001 if {
	count(check.deny) == 0 with input as sg([{"ip_protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_ipv4": "0.0.0.0/0"}])
}

test_fail_https if {
	check.deny == {"security group sg-1 allows 0.0.0.0/0 to tcp port 443"} with input as sg([{"ip_protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_ipv4": "0.0.0.0/0"}])
}

test_fail_range_ipv6 if {
	check.deny == {"security group sg-1 allows ::/0 to tcp ports 8000-8999"} with input as sg([{"ip_protocol": "tcp", "from_port": 8000, "to_port": 8999, "cidr_ipv6": "::/0"}])
}

test_fail_all_traffic if {
	check.deny == {"security group sg-1 allows 0.0.0.0/0 to all traffic"} with input as sg([{"ip_protocol": "-1", "from_port": 0, "to_port": 65535, "cidr_ipv4": "0.0.0.0/0"}])
}

test_missing if {
	inp := {"resource": {"id": "sg", "type": "aws.ec2.security_group", "attributes": {"group_id": "sg-1"}}}
	check.missing == {"attributes.ingress_rules"} with input as inp
	count(check.deny) == 0 with input as inp
}
