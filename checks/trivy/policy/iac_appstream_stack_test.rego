package sdescan.checks.iac.appstream_stack_test

import data.sdescan.checks.iac.appstream_stack as check
import rego.v1

tf(settings) := {"resource": {"id": "x", "type": "iac.terraform.resource", "source": "iac", "attributes": {"resource_type": "aws_appstream_stack", "name": "s", "config": {"user_settings": settings}}}}

test_pass if {
	inp := tf([{"action": a, "permission": "DISABLED"} | some a in check.actions])
	check.applicable with input as inp
	count(check.deny) == 0 with input as inp
}

test_fail_unlisted_is_enabled if {
	count(check.deny) == 5 with input as tf([])
}

test_fail_enabled if {
	inp := tf([{"action": a, "permission": p} | some a in check.actions; p := "ENABLED"])
	count(check.deny) == 5 with input as inp
}
