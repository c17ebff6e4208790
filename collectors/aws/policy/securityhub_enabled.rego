# METADATA
# title: Security Hub is enabled in every region in scope
# description: >-
#   Security Hub gathers findings from GuardDuty, Config, Inspector and others into one
#   place and runs continuous best-practice checks, so the SDE's security posture is
#   visible between assessments, not only at them.
# custom:
#   id: AWS-SH-001
#   severity: low
#   resource_types: [aws.region]
#   remediation: >-
#     Terraform: aws_securityhub_account in every region (or organization-wide with
#     aws_securityhub_organization_configuration), with the AWS Foundational Security
#     Best Practices standard subscribed.
package sdescan.checks.aws.securityhub_enabled

import data.sdescan.lib.facts
import rego.v1

deny contains sprintf("Security Hub is not enabled in account %s region %s", [object.get(input.resource.scope, "account", "?"), object.get(input.resource.scope, "region", "?")]) if {
	input.resource.attributes.security_hub_enabled == false
}

missing contains "attributes.security_hub_enabled" if {
	not facts.present("security_hub_enabled")
}
