# METADATA
# title: AppStream fleets and image builders have no default internet access
# description: >-
#   Default internet access gives every streaming instance a route to the internet, so
#   data can leave the environment from the desktop itself.
# custom:
#   id: IAC-AS-002
#   severity: high
#   resource_types: [iac.terraform.resource, iac.cloudformation.resource]
#   remediation: >-
#     Set enable_default_internet_access = false on aws_appstream_fleet and
#     aws_appstream_image_builder (EnableDefaultInternetAccess in CloudFormation) and
#     reach AWS services through VPC endpoints.
package sdescan.checks.iac.appstream_internet

import rego.v1

default applicable := false

kinds := {"aws_appstream_fleet", "aws_appstream_image_builder", "AWS::AppStream::Fleet", "AWS::AppStream::ImageBuilder"}

applicable if input.resource.attributes.resource_type in kinds

attrs := input.resource.attributes

deny contains sprintf("%s %s has default internet access", [attrs.resource_type, attrs.name]) if {
	attrs.config.enable_default_internet_access == true
}

deny contains sprintf("%s %s has default internet access", [attrs.resource_type, attrs.name]) if {
	attrs.properties.EnableDefaultInternetAccess == true
}

missing contains "attributes.config.enable_default_internet_access" if {
	"enable_default_internet_access" in attrs.unknown_attributes
}
