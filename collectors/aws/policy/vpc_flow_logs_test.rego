package sdescan.checks.aws.vpc_flow_logs_test

import data.sdescan.checks.aws.vpc_flow_logs as check
import rego.v1

vpc(logs) := {"resource": {"id": "aws://111111111111/eu-west-2/ec2/vpc/vpc-1", "type": "aws.ec2.vpc", "source": "aws", "attributes": {"vpc_id": "vpc-1", "flow_logs": logs}}}

test_pass if {
	inp := vpc([{"flow_log_id": "fl-1", "traffic_type": "ALL", "status": "ACTIVE"}])
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_fail_none if {
	check.deny == {"VPC vpc-1 has no flow logs"} with input as vpc([])
}

test_fail_reject_only if {
	check.deny == {"VPC vpc-1 has no active flow log capturing ALL traffic (has: REJECT (ACTIVE, delivery ?))"} with input as vpc([{"flow_log_id": "fl-1", "traffic_type": "REJECT", "status": "ACTIVE"}])
}

test_missing if {
	inp := {"resource": {"id": "v", "type": "aws.ec2.vpc", "attributes": {"vpc_id": "vpc-1"}}}
	check.missing == {"attributes.flow_logs"} with input as inp
	count(check.deny) == 0 with input as inp
}

test_fail_delivery_failed if {
	check.deny == {"VPC vpc-1 has no active flow log capturing ALL traffic (has: ALL (ACTIVE, delivery FAILED))"} with input as vpc([{"flow_log_id": "fl-1", "traffic_type": "ALL", "status": "ACTIVE", "deliver_logs_status": "FAILED"}])
}

# One flow log capturing all traffic is enough.
test_pass_beside_others if {
	inp := vpc([{"traffic_type": "REJECT", "status": "ACTIVE"}, {"traffic_type": "ALL", "status": "ACTIVE", "deliver_logs_status": "SUCCESS"}])
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

# A flow log whose traffic type is not known might capture all traffic: not
# assessed, never passed or failed on a guess.
test_missing_traffic_type if {
	inp := vpc([{"flow_log_id": "fl-1", "status": "ACTIVE"}, {"traffic_type": "REJECT", "status": "ACTIVE"}])
	check.missing == {"attributes.flow_logs[].traffic_type"} with input as inp
	count(check.deny) == 0 with input as inp
}

test_missing_not_a_list if {
	inp := {"resource": {"id": "v", "type": "aws.ec2.vpc", "attributes": {"vpc_id": "vpc-1", "flow_logs": null}}}
	check.missing == {"attributes.flow_logs"} with input as inp
	count(check.deny) == 0 with input as inp
}
