# METADATA
# title: EC2 instances require IMDSv2
# description: >-
#   With IMDSv1 a server-side request forgery bug in any application on the instance is
#   enough to read the instance role's credentials from the metadata service and use
#   them against the SDE's data. Requiring session tokens (IMDSv2) blocks that path.
#   Instances with the metadata service disabled pass; terminated instances are not judged.
# custom:
#   id: AWS-EC2-003
#   severity: high
#   resource_types: [aws.ec2.instance]
#   remediation: >-
#     Terraform: aws_instance / aws_launch_template with metadata_options { http_tokens =
#     "required" } (aws ec2 modify-instance-metadata-options --http-tokens required).
package sdescan.checks.aws.ec2_imdsv2

import rego.v1

default applicable := false

applicable if not input.resource.attributes.state == "terminated"

deny contains sprintf("instance %s allows IMDSv1 (http_tokens = optional)", [object.get(input.resource.attributes, "instance_id", input.resource.id)]) if {
	input.resource.attributes.metadata_options.http_tokens == "optional"
	not input.resource.attributes.metadata_options.http_endpoint == "disabled"
}

missing contains "attributes.metadata_options.http_tokens" if {
	not input.resource.attributes.metadata_options.http_tokens
	not input.resource.attributes.metadata_options.http_endpoint == "disabled"
}
