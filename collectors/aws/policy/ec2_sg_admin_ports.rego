# METADATA
# title: No security group admits the internet to SSH or RDP
# description: >-
#   SSH (22) and RDP (3389) open to 0.0.0.0/0 or ::/0 expose hosts in the SDE to
#   password guessing and exploitation from anywhere on the internet. Administrative
#   access should come through a bastion, SSM Session Manager or the SDE's own
#   remote desktop service, never directly from the internet.
# custom:
#   id: AWS-EC2-001
#   severity: critical
#   resource_types: [aws.ec2.security_group]
#   remediation: >-
#     Remove the ingress rule, or restrict its source to known address ranges or a
#     security group; use SSM Session Manager for shell access. Terraform: no
#     aws_vpc_security_group_ingress_rule (or ingress block) with cidr_ipv4 =
#     "0.0.0.0/0" / cidr_ipv6 = "::/0" on from_port..to_port covering 22 or 3389.
package sdescan.checks.aws.ec2_sg_admin_ports

import data.sdescan.lib.facts
import rego.v1

admin_ports := {22: "SSH", 3389: "RDP"}

world(r) := r.cidr_ipv4 if r.cidr_ipv4 == "0.0.0.0/0"

world(r) := r.cidr_ipv6 if r.cidr_ipv6 == "::/0"

# A rule open to the world covers an admin port when it allows every protocol
# (ip_protocol -1), or TCP or UDP on a port range including it.
deny contains msg if {
	some r in input.resource.attributes.ingress_rules
	src := world(r)
	some port, name in admin_ports
	r.ip_protocol == "-1"
	msg := sprintf("security group %s allows %s to port %d (%s)", [object.get(input.resource.attributes, "group_id", input.resource.id), src, port, name])
}

deny contains msg if {
	some r in input.resource.attributes.ingress_rules
	src := world(r)
	some port, name in admin_ports
	r.ip_protocol in {"tcp", "udp", "6", "17"}
	r.from_port <= port
	port <= r.to_port
	msg := sprintf("security group %s allows %s to port %d (%s)", [object.get(input.resource.attributes, "group_id", input.resource.id), src, port, name])
}

missing contains "attributes.ingress_rules" if {
	not facts.present("ingress_rules")
}
