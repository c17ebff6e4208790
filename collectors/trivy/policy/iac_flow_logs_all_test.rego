package sdescan.checks.iac.flow_logs_all_test

import data.sdescan.checks.iac.flow_logs_all as check
import rego.v1

tf(cfg) := tf_unknown(cfg, [])

tf_unknown(cfg, unknown) := {"resource": {"id": "x", "type": "iac.terraform.resource", "source": "iac", "attributes": {"resource_type": "aws_flow_log", "name": "f", "config": cfg, "unknown_attributes": unknown}}}

cfn(props) := {"resource": {"id": "x", "type": "iac.cloudformation.resource", "source": "iac", "attributes": {"resource_type": "AWS::EC2::FlowLog", "name": "F", "properties": props}}}

test_pass if {
	inp := tf({"traffic_type": "ALL", "vpc_id": "vpc-1"})
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp

	# The VPC's ID known only once deployed: still a VPC flow log.
	ref := tf_unknown({"traffic_type": "ALL"}, ["vpc_id"])
	check.applicable with input as ref
	count(check.deny) == 0 with input as ref
	count(check.missing) == 0 with input as ref
}

test_fail if {
	check.deny == {"flow log f captures only ACCEPT traffic"} with input as tf({"traffic_type": "ACCEPT", "vpc_id": "vpc-1"})
	check.deny == {"flow log F captures only REJECT traffic"} with input as cfn({"ResourceType": "VPC", "ResourceId": {"Ref": "V"}, "TrafficType": "REJECT"})
}

# A flow log of a subnet, an interface or a transit gateway does not cover a
# VPC: not judged.
test_not_applicable if {
	not check.applicable with input as tf({"traffic_type": "REJECT", "subnet_id": "subnet-1"})
	not check.applicable with input as tf_unknown({"traffic_type": "ALL"}, ["eni_id"])
	not check.applicable with input as cfn({"ResourceType": "NetworkInterface", "TrafficType": "ALL"})
}

test_missing if {
	inp := tf({"vpc_id": "vpc-1"})
	check.missing == {"attributes.config.traffic_type"} with input as inp
	count(check.deny) == 0 with input as inp

	# A value AWS does not accept, or one not known offline: never a pass.
	lower := tf({"vpc_id": "vpc-1", "traffic_type": "all"})
	check.missing == {"attributes.config.traffic_type"} with input as lower
	count(check.deny) == 0 with input as lower
	ref := cfn({"ResourceType": "VPC", "TrafficType": {"Ref": "Traffic"}})
	check.missing == {"attributes.properties.TrafficType"} with input as ref

	# What the flow log is attached to is not known.
	none := tf({"traffic_type": "ACCEPT"})
	check.missing == {"attributes.config.vpc_id"} with input as none
	count(check.deny) == 0 with input as none
	cfn_none := cfn({"ResourceType": {"Ref": "Kind"}, "TrafficType": "ALL"})
	check.missing == {"attributes.properties.ResourceType"} with input as cfn_none
}
