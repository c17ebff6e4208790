# METADATA
# title: AppStream fleets and image builders have no default internet access
# description: >-
#   Default internet access gives streaming instances a route to the internet, from
#   which a user session could send data out or fetch unvetted tools. SDE streaming
#   instances run in private subnets with only the endpoints they need.
# custom:
#   id: AWS-AS-002
#   severity: high
#   resource_types: [aws.appstream.fleet, aws.appstream.image_builder]
#   remediation: >-
#     Terraform: aws_appstream_fleet / aws_appstream_image_builder with
#     enable_default_internet_access = false and vpc_config in private subnets.
package sdescan.checks.aws.appstream_internet_access

import data.sdescan.lib.appstream
import rego.v1

# The decision is lib_appstream's, shared with IAC-AS-002.

kind := {"aws.appstream.fleet": "fleet", "aws.appstream.image_builder": "image builder"}

deny contains msg if {
	appstream.internet_access(input.resource.attributes)
	msg := sprintf("AppStream %s %s has default internet access", [object.get(kind, input.resource.type, "resource"), object.get(input.resource.attributes, "name", input.resource.id)])
}

missing contains "attributes.default_internet_access_enabled" if {
	appstream.internet_access_unknown(input.resource.attributes)
}
