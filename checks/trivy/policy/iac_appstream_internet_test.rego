package sdescan.checks.iac.appstream_internet_test

import data.sdescan.checks.iac.appstream_internet as check
import rego.v1

tf(cfg, unknown) := {"resource": {"id": "x", "type": "iac.terraform.resource", "source": "iac", "attributes": {"resource_type": "aws_appstream_fleet", "name": "f", "config": cfg, "unknown_attributes": unknown}}}

test_pass if {
	inp := tf({"enable_default_internet_access": false}, [])
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_fail if {
	count(check.deny) == 1 with input as tf({"enable_default_internet_access": true}, [])
}

test_missing if {
	inp := tf({}, ["enable_default_internet_access"])
	count(check.missing) == 1 with input as inp
	count(check.deny) == 0 with input as inp
}
