# METADATA
# title: Subnets do not auto-assign public IP addresses
# description: >-
#   A subnet that maps public IPv4 addresses on launch gives every instance started in
#   it an internet-facing address, whether or not whoever launched it meant to. SDE
#   subnets should be private by default.
# custom:
#   id: AWS-VPC-002
#   severity: medium
#   resource_types: [aws.ec2.subnet]
#   remediation: >-
#     Terraform: aws_subnet with map_public_ip_on_launch = false
#     (aws ec2 modify-subnet-attribute --no-map-public-ip-on-launch).
package sdescan.checks.aws.vpc_subnet_public_ip

import data.sdescan.lib.public_ip
import rego.v1

# The decision is lib_public_ip's, shared with IAC-EC2-001.

deny contains sprintf("subnet %s auto-assigns public IP addresses", [object.get(input.resource.attributes, "subnet_id", input.resource.id)]) if {
	public_ip.maps_public_ip(input.resource.attributes)
}

missing contains "attributes.map_public_ip_on_launch" if {
	public_ip.maps_public_ip_unknown(input.resource.attributes)
}
