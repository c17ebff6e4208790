# METADATA
# title: Every VPC has flow logs capturing all traffic
# description: >-
#   VPC flow logs record every connection accepted or rejected in the network. They show
#   where data went and which hosts talked to which, the evidence needed to detect or
#   rule out exfiltration from the SDE. Logging only accepted or only rejected traffic
#   leaves half the picture out, and a flow log whose delivery fails (its role or
#   destination is broken) records nothing.
# custom:
#   id: AWS-VPC-001
#   severity: medium
#   resource_types: [aws.ec2.vpc]
#   remediation: >-
#     Terraform: aws_flow_log with vpc_id, traffic_type = "ALL" and a CloudWatch Logs or
#     S3 destination with adequate retention.
package sdescan.checks.aws.vpc_flow_logs

import data.sdescan.lib.facts
import data.sdescan.lib.flow_logs as lib
import rego.v1

# The judgement of each flow log is lib_flow_logs', shared with IAC-NET-002.
# The collector lists a VPC's own flow logs (those whose resource is the VPC).
flow_logs := [object.union(f, {"resource_type": "VPC"}) | some f in input.resource.attributes.flow_logs]

any_all_traffic if {
	some f in flow_logs
	lib.captures_all(f)
}

# A flow log whose traffic type is not known might capture all traffic.
any_unknown if {
	some f in flow_logs
	lib.traffic_unknown(f)
}

vpc := object.get(input.resource.attributes, "vpc_id", input.resource.id)

deny contains sprintf("VPC %s has no flow logs", [vpc]) if {
	count(input.resource.attributes.flow_logs) == 0
}

deny contains msg if {
	count(flow_logs) > 0
	not any_all_traffic
	not any_unknown
	kinds := concat(", ", sort({sprintf("%s (%s, delivery %s)", [object.get(f, "traffic_type", "?"), object.get(f, "status", "?"), object.get(f, "deliver_logs_status", "?")]) | some f in flow_logs}))
	msg := sprintf("VPC %s has no active flow log capturing ALL traffic (has: %s)", [vpc, kinds])
}

missing contains "attributes.flow_logs" if {
	not facts.present("flow_logs")
}

missing contains "attributes.flow_logs" if {
	facts.present("flow_logs")
	not is_array(input.resource.attributes.flow_logs)
}

missing contains "attributes.flow_logs[].traffic_type" if {
	not any_all_traffic
	any_unknown
}
