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

import data.sdescan.lib.appstream
import rego.v1

# The decision is lib_appstream's, shared with AWS-AS-002: the fleet or image
# builder is normalised to the live facts' shape first.

default applicable := false

tf_kinds := {"aws_appstream_fleet", "aws_appstream_image_builder"}

cfn_kinds := {"AWS::AppStream::Fleet", "AWS::AppStream::ImageBuilder"}

applicable if input.resource.attributes.resource_type in tf_kinds

applicable if input.resource.attributes.resource_type in cfn_kinds

attrs := input.resource.attributes

# written is the setting as written, or AWS's default (false) when the code
# leaves it out; undefined when Terraform's value is not known offline.
written := object.get(attrs.config, "enable_default_internet_access", appstream.internet_access_default) if {
	attrs.resource_type in tf_kinds
	not "enable_default_internet_access" in attrs.unknown_attributes
}

written := object.get(attrs.properties, "EnableDefaultInternetAccess", appstream.internet_access_default) if {
	attrs.resource_type in cfn_kinds
}

# resource is the fleet or image builder in the live facts' shape (the
# setting left out when it is not a boolean).
resource := {"default_internet_access_enabled": v | v := appstream.boolean(written)}

deny contains sprintf("%s %s has default internet access", [attrs.resource_type, attrs.name]) if {
	appstream.internet_access(resource)
}

missing contains "attributes.config.enable_default_internet_access" if {
	attrs.resource_type in tf_kinds
	appstream.internet_access_unknown(resource)
}

missing contains "attributes.properties.EnableDefaultInternetAccess" if {
	attrs.resource_type in cfn_kinds
	appstream.internet_access_unknown(resource)
}
