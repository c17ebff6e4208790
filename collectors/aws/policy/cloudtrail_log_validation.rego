# METADATA
# title: CloudTrail trails have log file validation enabled
# description: >-
#   Log file validation writes signed digest files, so anyone can later prove that audit
#   logs were not altered or deleted after delivery - what an assessor relies on when
#   the logs are used as evidence.
# custom:
#   id: AWS-CT-002
#   severity: medium
#   resource_types: [aws.cloudtrail.trail]
#   remediation: >-
#     Terraform: aws_cloudtrail with enable_log_file_validation = true
#     (aws cloudtrail update-trail --enable-log-file-validation).
package sdescan.checks.aws.cloudtrail_log_validation

import data.sdescan.lib.facts
import rego.v1

deny contains sprintf("trail %s does not have log file validation enabled", [object.get(input.resource.attributes, "name", input.resource.id)]) if {
	input.resource.attributes.log_file_validation_enabled == false
}

missing contains "attributes.log_file_validation_enabled" if {
	not facts.present("log_file_validation_enabled")
}
