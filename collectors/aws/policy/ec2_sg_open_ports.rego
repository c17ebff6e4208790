# METADATA
# title: No security group admits the internet to any other port
# description: >-
#   Services inside an SDE (databases, notebooks, internal web applications) should not
#   be reachable from the whole internet. Any rule admitting 0.0.0.0/0 or ::/0 to a port
#   other than SSH/RDP (judged by AWS-EC2-001) or on all protocols widens the attack
#   surface; public entry points belong behind a load balancer or gateway with its own
#   controls. ICMP is not counted.
# custom:
#   id: AWS-EC2-002
#   severity: high
#   resource_types: [aws.ec2.security_group]
#   remediation: >-
#     Restrict the rule's source to the address ranges or security groups that need it.
#     Terraform: aws_vpc_security_group_ingress_rule with referenced_security_group_id
#     or a specific cidr_ipv4 instead of "0.0.0.0/0".
package sdescan.checks.aws.ec2_sg_open_ports

import data.sdescan.lib.facts
import rego.v1

world(r) := r.cidr_ipv4 if r.cidr_ipv4 == "0.0.0.0/0"

world(r) := r.cidr_ipv6 if r.cidr_ipv6 == "::/0"

# Only SSH or RDP: judged by AWS-EC2-001.
admin_only(r) if {
	r.ip_protocol in {"tcp", "udp", "6", "17"}
	r.from_port == r.to_port
	r.from_port in {22, 3389}
}

what(r) := "all traffic" if r.ip_protocol == "-1"

what(r) := sprintf("%s port %d", [r.ip_protocol, r.from_port]) if {
	r.ip_protocol != "-1"
	r.from_port == r.to_port
}

what(r) := sprintf("%s ports %d-%d", [r.ip_protocol, r.from_port, r.to_port]) if {
	r.ip_protocol != "-1"
	r.from_port != r.to_port
}

deny contains msg if {
	some r in input.resource.attributes.ingress_rules
	src := world(r)
	not r.ip_protocol in {"icmp", "icmpv6", "1", "58"}
	not admin_only(r)
	msg := sprintf("security group %s allows %s to %s", [object.get(input.resource.attributes, "group_id", input.resource.id), src, what(r)])
}

missing contains "attributes.ingress_rules" if {
	not facts.present("ingress_rules")
}
