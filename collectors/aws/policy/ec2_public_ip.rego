# METADATA
# title: EC2 instances have no public IP address
# description: >-
#   An instance with a public IP address can be reached from (and can reach) the
#   internet directly whenever a security group or route allows it. SDE analysis and
#   processing machines should sit in private subnets, with access through the SDE's
#   controlled entry points. IPv6 addresses are globally routable, so an instance with
#   one is reachable whenever its subnet routes IPv6 to an internet gateway; it is
#   reported too. Terminated instances are not judged.
# custom:
#   id: AWS-EC2-006
#   severity: high
#   resource_types: [aws.ec2.instance]
#   remediation: >-
#     Launch instances in private subnets without public addresses; release Elastic IPs.
#     Terraform: aws_instance with associate_public_ip_address = false and a subnet
#     whose map_public_ip_on_launch = false.
package sdescan.checks.aws.ec2_public_ip

import data.sdescan.lib.public_ip
import rego.v1

# The decision is lib_public_ip's, shared with IAC-EC2-001.

default applicable := false

applicable if not input.resource.attributes.state == "terminated"

deny contains msg if {
	public_ip.public_ip(input.resource.attributes)
	ip := object.get(input.resource.attributes, "public_ip_address", "")
	suffix := {true: sprintf(" (%s)", [ip]), false: ""}[ip != ""]
	msg := sprintf("instance %s has a public IP address%s", [object.get(input.resource.attributes, "instance_id", input.resource.id), suffix])
}

deny contains msg if {
	public_ip.ipv6(input.resource.attributes)
	msg := sprintf("instance %s has a globally routable IPv6 address (%s): reachable from the internet unless its subnet routes IPv6 only through an egress-only gateway", [object.get(input.resource.attributes, "instance_id", input.resource.id), concat(", ", input.resource.attributes.ipv6_addresses)])
}

missing contains "attributes.has_public_ip" if {
	public_ip.public_ip_unknown(input.resource.attributes)
}
