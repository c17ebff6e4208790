# METADATA
# title: GuardDuty is enabled in every region in scope
# description: >-
#   GuardDuty watches CloudTrail, VPC flow and DNS logs for signs of compromise (stolen
#   credentials in use, crypto-mining, data exfiltration patterns). Attackers favour
#   regions nobody watches, so every region in scope needs an enabled detector.
# custom:
#   id: AWS-GD-001
#   severity: high
#   resource_types: [aws.region]
#   remediation: >-
#     Terraform: aws_guardduty_detector with enable = true in every region (or
#     organization-wide with aws_guardduty_organization_configuration).
package sdescan.checks.aws.guardduty_enabled

import data.sdescan.lib.facts
import rego.v1

where := sprintf("account %s region %s", [object.get(input.resource.scope, "account", "?"), object.get(input.resource.scope, "region", "?")])

enabled if {
	some d in input.resource.attributes.guardduty_detectors
	d.status == "ENABLED"
}

unknown if {
	some d in input.resource.attributes.guardduty_detectors
	not d.status
}

deny contains sprintf("GuardDuty has no detector in %s", [where]) if {
	count(input.resource.attributes.guardduty_detectors) == 0
}

deny contains sprintf("GuardDuty detector is not enabled in %s", [where]) if {
	count(input.resource.attributes.guardduty_detectors) > 0
	not enabled
	not unknown
}

missing contains "attributes.guardduty_detectors" if {
	not facts.present("guardduty_detectors")
}

missing contains "attributes.guardduty_detectors[].status" if {
	not enabled
	unknown
}
