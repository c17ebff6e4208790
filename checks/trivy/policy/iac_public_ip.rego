# METADATA
# title: Instances, launch templates and subnets do not give public IP addresses
# description: >-
#   A machine inside a secure data environment must not be reachable from the internet:
#   a public IP address bypasses the controlled gateway that users and data must pass.
# custom:
#   id: IAC-EC2-001
#   severity: high
#   resource_types: [iac.terraform.resource, iac.cloudformation.resource]
#   remediation: >-
#     Set associate_public_ip_address = false (aws_instance, aws_launch_template
#     network_interfaces) and map_public_ip_on_launch = false (aws_subnet); reach
#     machines through AppStream, WorkSpaces or SSM Session Manager.
package sdescan.checks.iac.public_ip

import rego.v1

default applicable := false

kinds := {"aws_instance", "aws_launch_template", "aws_subnet", "AWS::EC2::Instance", "AWS::EC2::LaunchTemplate", "AWS::EC2::Subnet"}

applicable if input.resource.attributes.resource_type in kinds

attrs := input.resource.attributes

truthy(v) if v == true

truthy(v) if v == "true"

deny contains sprintf("%s %s associates a public IP address", [attrs.resource_type, attrs.name]) if {
	truthy(attrs.config.associate_public_ip_address)
}

deny contains sprintf("%s %s: a network interface associates a public IP address", [attrs.resource_type, attrs.name]) if {
	some ni in attrs.config.network_interfaces
	truthy(ni.associate_public_ip_address)
}

deny contains sprintf("subnet %s maps public IP addresses on launch", [attrs.name]) if {
	truthy(attrs.config.map_public_ip_on_launch)
}

deny contains sprintf("%s %s: a network interface associates a public IP address", [attrs.resource_type, attrs.name]) if {
	some ni in object.get(attrs.properties, ["NetworkInterfaces"], [])
	truthy(ni.AssociatePublicIpAddress)
}

deny contains sprintf("%s %s: a network interface associates a public IP address", [attrs.resource_type, attrs.name]) if {
	some ni in object.get(attrs.properties, ["LaunchTemplateData", "NetworkInterfaces"], [])
	truthy(ni.AssociatePublicIpAddress)
}

deny contains sprintf("subnet %s maps public IP addresses on launch", [attrs.name]) if {
	truthy(attrs.properties.MapPublicIpOnLaunch)
}

missing contains sprintf("attributes.config.%s", [a]) if {
	some a in attrs.unknown_attributes
	a in {"associate_public_ip_address", "map_public_ip_on_launch"}
}
