package sdescan.checks.iac.flow_logs_all_test

import data.sdescan.checks.iac.flow_logs_all as check
import rego.v1

tf(cfg) := {"resource": {"id": "x", "type": "iac.terraform.resource", "source": "iac", "attributes": {"resource_type": "aws_flow_log", "name": "f", "config": cfg}}}

test_pass if {
	inp := tf({"traffic_type": "ALL"})
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_fail if {
	count(check.deny) == 1 with input as tf({"traffic_type": "ACCEPT"})
}

test_missing if {
	inp := tf({})
	check.missing == {"attributes.config.traffic_type"} with input as inp
	count(check.deny) == 0 with input as inp
}
