# METADATA
# title: Instances, launch templates and subnets do not give public IP addresses
# description: >-
#   A machine inside a secure data environment must not be reachable from the internet:
#   a public IP address bypasses the controlled gateway that users and data must pass.
#   IPv6 addresses are globally routable, so a machine that asks for them is reported
#   too. The same decisions as AWS-EC2-006 and AWS-VPC-002
#   (collectors/aws/policy/lib_public_ip.rego).
# custom:
#   id: IAC-EC2-001
#   severity: high
#   resource_types: [iac.terraform.resource, iac.cloudformation.resource]
#   remediation: >-
#     Set associate_public_ip_address = false (aws_instance, aws_launch_template
#     network_interfaces) and map_public_ip_on_launch = false (aws_subnet); reach
#     machines through AppStream, WorkSpaces or SSM Session Manager.
package sdescan.checks.iac.public_ip

import data.sdescan.lib.public_ip
import rego.v1

# The decisions are lib_public_ip's, shared with AWS-EC2-006 (machines) and
# AWS-VPC-002 (subnets): each resource is normalised to the live facts' shape
# first.

default applicable := false

machines := {"aws_instance", "aws_launch_template", "AWS::EC2::Instance", "AWS::EC2::LaunchTemplate"}

subnets := {"aws_subnet", "AWS::EC2::Subnet"}

applicable if input.resource.attributes.resource_type in machines

applicable if input.resource.attributes.resource_type in subnets

attrs := input.resource.attributes

unknown(a) if a in object.get(attrs, "unknown_attributes", [])

# --- machines -----------------------------------------------------------------

# interfaces are the network interfaces a machine's code declares (an
# aws_instance's network_interface blocks attach interfaces made elsewhere).
interfaces := [] if attrs.resource_type == "aws_instance"

interfaces := object.get(attrs.config, "network_interfaces", []) if attrs.resource_type == "aws_launch_template"

interfaces := object.get(attrs.properties, "NetworkInterfaces", []) if attrs.resource_type == "AWS::EC2::Instance"

interfaces := object.get(attrs.properties, ["LaunchTemplateData", "NetworkInterfaces"], []) if attrs.resource_type == "AWS::EC2::LaunchTemplate"

# associate are the associate_public_ip_address values the machine writes (null
# where one is not known offline).
associate := [object.get(attrs.config, "associate_public_ip_address", null)] if {
	attrs.resource_type == "aws_instance"
	unknown("associate_public_ip_address")
}

associate := [attrs.config.associate_public_ip_address] if {
	attrs.resource_type == "aws_instance"
	"associate_public_ip_address" in object.keys(attrs.config)
}

associate := [] if {
	attrs.resource_type == "aws_instance"
	not "associate_public_ip_address" in object.keys(attrs.config)
	not unknown("associate_public_ip_address")
}

associate := [v | some ni in interfaces; v := ni.associate_public_ip_address] if attrs.resource_type == "aws_launch_template"

associate := [v | some ni in interfaces; v := ni.AssociatePublicIpAddress] if attrs.resource_type in {"AWS::EC2::Instance", "AWS::EC2::LaunchTemplate"}

# ipv6 are the IPv6 addresses the machine asks for: those it lists, or one
# placeholder per address of a count.
ipv6 := array.concat(listed_ipv6, counted_ipv6)

ipv6_parts contains p if {
	attrs.resource_type in {"aws_instance", "aws_launch_template"}
	some p in array.concat([attrs.config], interfaces)
}

ipv6_parts contains p if {
	attrs.resource_type in {"AWS::EC2::Instance", "AWS::EC2::LaunchTemplate"}
	some p in array.concat([object.get(attrs.properties, "LaunchTemplateData", attrs.properties)], interfaces)
}

listed_ipv6 := [a |
	some p in ipv6_parts
	some k in ["ipv6_addresses", "Ipv6Addresses"]
	some x in object.get(p, k, [])
	a := ipv6_address(x)
]

# A Terraform address, or a CloudFormation {Ipv6Address: …}.
ipv6_address(x) := x if is_string(x)

ipv6_address(x) := object.get(x, "Ipv6Address", "(an address not known offline)") if is_object(x)

ipv6_counts := [c |
	some p in ipv6_parts
	some k in ["ipv6_address_count", "Ipv6AddressCount"]
	c := p[k]
]

counted_ipv6 := [sprintf("(address %d of a count)", [i]) |
	some c in ipv6_counts
	n := count_value(c)
	n > 0
	some i in numbers.range(1, n)
]

# A count written as a number, or a number in a string (CloudFormation).
count_value(c) := c if is_number(c)

count_value(c) := to_number(c) if {
	is_string(c)
	regex.match(`^[0-9]+$`, c)
}

# An address count that is not a number (a !Ref) is not known.
ipv6_unknown if {
	some c in ipv6_counts
	not count_value(c)
}

# machine is the machine in the live facts' shape (has_public_ip left out when
# it is not known).
machine := object.union(
	{"ipv6_addresses": ipv6},
	{"has_public_ip": v | v := public_ip.requested(associate)},
) if attrs.resource_type in machines

deny contains sprintf("%s %s associates a public IP address", [attrs.resource_type, attrs.name]) if {
	attrs.resource_type == "aws_instance"
	public_ip.public_ip(machine)
}

deny contains sprintf("%s %s: a network interface associates a public IP address", [attrs.resource_type, attrs.name]) if {
	attrs.resource_type != "aws_instance"
	public_ip.public_ip(machine)
}

deny contains sprintf("%s %s asks for globally routable IPv6 addresses", [attrs.resource_type, attrs.name]) if {
	public_ip.ipv6(machine)
}

missing contains "attributes.properties.Ipv6AddressCount" if {
	attrs.resource_type in {"AWS::EC2::Instance", "AWS::EC2::LaunchTemplate"}
	ipv6_unknown
}

missing contains "attributes.config.ipv6_address_count" if {
	attrs.resource_type in {"aws_instance", "aws_launch_template"}
	ipv6_unknown
}

missing contains sprintf("attributes.config.%s", [a]) if {
	attrs.resource_type in {"aws_instance", "aws_launch_template"}
	some a in ["ipv6_address_count", "ipv6_addresses"]
	unknown(a)
}

missing contains "attributes.config.associate_public_ip_address" if {
	attrs.resource_type == "aws_instance"
	public_ip.public_ip_unknown(machine)
}

missing contains "attributes.config.network_interfaces" if {
	attrs.resource_type == "aws_launch_template"
	public_ip.public_ip_unknown(machine)
}

missing contains "attributes.properties.NetworkInterfaces" if {
	attrs.resource_type in {"AWS::EC2::Instance", "AWS::EC2::LaunchTemplate"}
	public_ip.public_ip_unknown(machine)
}

# --- subnets ------------------------------------------------------------------

# written is the subnet's setting as written, or AWS's default when the code
# leaves it out; undefined when Terraform's value is not known offline.
written := object.get(attrs.config, "map_public_ip_on_launch", public_ip.subnet_default) if {
	attrs.resource_type == "aws_subnet"
	not unknown("map_public_ip_on_launch")
}

written := object.get(attrs.properties, "MapPublicIpOnLaunch", public_ip.subnet_default) if {
	attrs.resource_type == "AWS::EC2::Subnet"
}

subnet := {"map_public_ip_on_launch": v | v := public_ip.boolean(written)} if attrs.resource_type in subnets

deny contains sprintf("subnet %s maps public IP addresses on launch", [attrs.name]) if {
	public_ip.maps_public_ip(subnet)
}

missing contains "attributes.config.map_public_ip_on_launch" if {
	attrs.resource_type == "aws_subnet"
	public_ip.maps_public_ip_unknown(subnet)
}

missing contains "attributes.properties.MapPublicIpOnLaunch" if {
	attrs.resource_type == "AWS::EC2::Subnet"
	public_ip.maps_public_ip_unknown(subnet)
}
