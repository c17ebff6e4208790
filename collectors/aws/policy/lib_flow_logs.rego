# The one judgement of a flow log, shared by the live check (AWS-VPC-001, over
# aws.ec2.vpc) and its IaC twin (IAC-NET-002, over aws_flow_log and
# AWS::EC2::FlowLog). A library, not a check (it has no custom.id). Both judge
# flow logs normalised to the live facts' shape (an item of an aws.ec2.vpc's
# flow_logs), with the kind of resource it is attached to:
#
#   {"resource_type": "VPC" | "Subnet" | "NetworkInterface" | "TransitGateway" |
#    "TransitGatewayAttachment", "traffic_type": "ALL" | "ACCEPT" | "REJECT",
#    "status": …, "deliver_logs_status": …}
#
# status and deliver_logs_status are known only live (code has not been
# deployed): left out, they do not count against the flow log.
#
# The checks keep their granularity. Live, a VPC passes when one of its own
# flow logs (the collector lists those whose resource is the VPC: resource_type
# VPC) captures all traffic. In code, each flow log attached to a VPC is judged
# on its own, since the code of one flow log does not show the VPC's others; a
# flow log attached to a subnet, a network interface or a transit gateway does
# not cover a VPC and is not judged (a VPC covered only by those fails live,
# and is not seen in code).
package sdescan.lib.flow_logs

import rego.v1

# traffic_types are AWS's TrafficType values (in AWS's case).
traffic_types := {"ALL", "ACCEPT", "REJECT"}

# covers_vpc(f): flow log f is attached to a VPC (all of its subnets and
# interfaces, present and future).
covers_vpc(f) if f.resource_type == "VPC"

# captures_all(f): flow log f records every connection of the VPC it is
# attached to: all traffic, active and delivering where that is known.
captures_all(f) if {
	covers_vpc(f)
	f.traffic_type == "ALL"
	object.get(f, "status", "ACTIVE") == "ACTIVE"
	object.get(f, "deliver_logs_status", "SUCCESS") != "FAILED"
}

# traffic_unknown(f): f's traffic type is not one of AWS's (not known offline,
# or not a value AWS accepts): whether it captures all traffic is not known.
traffic_unknown(f) if not object.get(f, "traffic_type", null) in traffic_types
