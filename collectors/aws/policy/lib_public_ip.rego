# The decisions on public IP addresses, shared by the live checks and their IaC
# twin. A library, not a check (it has no custom.id). IAC-EC2-001 judges
# instances, launch templates and subnets in code; live, AWS-EC2-006 judges
# instances and AWS-VPC-002 subnets. Each side judges its resources
# normalised to the live facts' shape:
#
#   machine (aws.ec2.instance; an aws_instance, an aws_launch_template or a
#   CloudFormation instance or launch template):
#     {"has_public_ip": bool, "ipv6_addresses": [address, …]}
#   subnet (aws.ec2.subnet; aws_subnet, AWS::EC2::Subnet):
#     {"map_public_ip_on_launch": bool}
#
# Live, has_public_ip is what AWS assigned. In code it is what the machine asks
# for: associate_public_ip_address (AssociatePublicIpAddress) on the machine or
# any of its network interfaces. Left out, AWS applies the subnet's
# MapPublicIpOnLaunch, which the code of the machine does not say: the machine
# counts as asking for none, and its subnet is judged on its own (in code by
# IAC-EC2-001, live by AWS-VPC-002), so a public subnet still fails. (A machine
# left to a public subnet is the one case where the live instance fails and
# the machine's code passes; the pair test documents it.) In code the IPv6
# addresses are the ones it asks for: an address count above zero or listed
# addresses. A subnet's MapPublicIpOnLaunch defaults to false.
package sdescan.lib.public_ip

import rego.v1

# subnet_default is AWS's MapPublicIpOnLaunch for a subnet created without it.
subnet_default := false

# boolean(v): v as a boolean: a JSON boolean, or "true"/"false" in any case (a
# CloudFormation string, a Terraform string the provider converts); undefined
# for anything else.
boolean(v) := v if is_boolean(v)

boolean(v) if {
	is_string(v)
	lower(v) == "true"
}

boolean(v) := false if {
	is_string(v)
	lower(v) == "false"
}

# public_ip(m): machine m has (asks for) a public IPv4 address.
public_ip(m) if m.has_public_ip == true

# public_ip_unknown(m): whether m has a public IPv4 address is not known.
public_ip_unknown(m) if not is_boolean(object.get(m, "has_public_ip", null))

# ipv6(m): machine m has (asks for) globally routable IPv6 addresses.
ipv6(m) if count(object.get(m, "ipv6_addresses", [])) > 0

# maps_public_ip(s): subnet s gives instances launched in it a public address.
maps_public_ip(s) if s.map_public_ip_on_launch == true

# maps_public_ip_unknown(s): whether subnet s does is not known.
maps_public_ip_unknown(s) if not is_boolean(object.get(s, "map_public_ip_on_launch", null))

# requested(values): has_public_ip from the associate_public_ip_address values
# a machine's code writes (null where one is not known offline): true when one
# is true; false when each is false (none written: the subnet decides);
# undefined when one is not known and none is true.
requested(values) if {
	some v in values
	boolean(v) == true
}

requested(values) := false if {
	every v in values {
		boolean(v) == false
	}
}
