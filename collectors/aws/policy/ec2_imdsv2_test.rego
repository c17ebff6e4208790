package sdescan.checks.aws.ec2_imdsv2_test

import data.sdescan.checks.aws.ec2_imdsv2 as check
import rego.v1

instance(attrs) := {"resource": {"id": "aws://111111111111/eu-west-2/ec2/instance/i-1", "type": "aws.ec2.instance", "source": "aws", "attributes": object.union({"instance_id": "i-1", "state": "running"}, attrs)}}

test_pass if {
	inp := instance({"metadata_options": {"http_tokens": "required", "http_endpoint": "enabled"}})
	check.applicable with input as inp
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_pass_endpoint_disabled if {
	inp := instance({"metadata_options": {"http_tokens": "optional", "http_endpoint": "disabled"}})
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_fail if {
	check.deny == {"instance i-1 allows IMDSv1 (http_tokens = optional)"} with input as instance({"metadata_options": {"http_tokens": "optional", "http_endpoint": "enabled"}})
}

test_not_applicable_terminated if {
	not check.applicable with input as instance({"state": "terminated", "metadata_options": {"http_tokens": "optional"}})
}

test_missing if {
	inp := instance({"has_public_ip": false})
	check.applicable with input as inp
	check.missing == {"attributes.metadata_options.http_tokens"} with input as inp
	count(check.deny) == 0 with input as inp
}
