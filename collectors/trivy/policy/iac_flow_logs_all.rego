# METADATA
# title: VPC flow logs capture all traffic
# description: >-
#   Flow logs that record only accepted or only rejected traffic miss half of what an
#   investigation of a breach or exfiltration needs. Each flow log attached to a VPC is
#   judged as AWS-VPC-001 judges a VPC's own flow logs
#   (collectors/aws/policy/lib_flow_logs.rego); one attached to a subnet, a network
#   interface or a transit gateway does not cover a VPC and is not judged.
# custom:
#   id: IAC-NET-002
#   severity: medium
#   resource_types: [iac.terraform.resource, iac.cloudformation.resource]
#   remediation: Set traffic_type = "ALL" on aws_flow_log (TrafficType in CloudFormation).
package sdescan.checks.iac.flow_logs_all

import data.sdescan.lib.flow_logs as lib
import rego.v1

# The judgement is lib_flow_logs', shared with AWS-VPC-001: the flow log is
# normalised to the live facts' shape first. A flow log attached to a subnet,
# a network interface or a transit gateway does not cover a VPC and is not
# judged.

default applicable := false

applicable if {
	attrs.resource_type in {"aws_flow_log", "AWS::EC2::FlowLog"}
	not target_elsewhere
}

attrs := input.resource.attributes

tf if attrs.resource_type == "aws_flow_log"

# Terraform names the attached resource by the argument that holds its ID,
# known or not.
tf_targets := {
	"vpc_id": "VPC",
	"subnet_id": "Subnet",
	"eni_id": "NetworkInterface",
	"transit_gateway_id": "TransitGateway",
	"transit_gateway_attachment_id": "TransitGatewayAttachment",
}

written := object.keys(attrs.config) | {a | some a in object.get(attrs, "unknown_attributes", [])}

target := t if {
	tf
	some a, t in tf_targets
	a in written
}

target := t if {
	attrs.resource_type == "AWS::EC2::FlowLog"
	t := attrs.properties.ResourceType
	is_string(t)
}

target_elsewhere if {
	target
	target != "VPC"
}

traffic := attrs.config.traffic_type if tf

traffic := attrs.properties.TrafficType if attrs.resource_type == "AWS::EC2::FlowLog"

# flow_log is the flow log in the live facts' shape (a part not known left out).
flow_log := object.union(
	{"resource_type": t | t := target},
	{"traffic_type": t | t := traffic},
)

deny contains sprintf("flow log %s captures only %s traffic", [attrs.name, traffic]) if {
	lib.covers_vpc(flow_log)
	not lib.traffic_unknown(flow_log)
	not lib.captures_all(flow_log)
}

missing contains "attributes.config.traffic_type" if {
	tf
	lib.traffic_unknown(flow_log)
}

missing contains "attributes.properties.TrafficType" if {
	attrs.resource_type == "AWS::EC2::FlowLog"
	lib.traffic_unknown(flow_log)
}

missing contains "attributes.config.vpc_id" if {
	tf
	not target
}

missing contains "attributes.properties.ResourceType" if {
	attrs.resource_type == "AWS::EC2::FlowLog"
	not target
}
