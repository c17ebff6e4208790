# METADATA
# title: VPC flow logs capture all traffic
# description: >-
#   Flow logs that record only accepted or only rejected traffic miss half of what an
#   investigation of a breach or exfiltration needs.
# custom:
#   id: IAC-NET-002
#   severity: medium
#   resource_types: [iac.terraform.resource, iac.cloudformation.resource]
#   remediation: Set traffic_type = "ALL" on aws_flow_log (TrafficType in CloudFormation).
package sdescan.checks.iac.flow_logs_all

import rego.v1

default applicable := false

applicable if input.resource.attributes.resource_type in {"aws_flow_log", "AWS::EC2::FlowLog"}

attrs := input.resource.attributes

traffic := attrs.config.traffic_type

traffic := attrs.properties.TrafficType

deny contains sprintf("flow log %s captures only %s traffic", [attrs.name, traffic]) if {
	is_string(traffic)
	upper(traffic) != "ALL"
}

missing contains "attributes.config.traffic_type" if {
	attrs.resource_type == "aws_flow_log"
	not is_string(object.get(attrs, ["config", "traffic_type"], null))
}

missing contains "attributes.properties.TrafficType" if {
	attrs.resource_type == "AWS::EC2::FlowLog"
	not is_string(object.get(attrs, ["properties", "TrafficType"], null))
}
