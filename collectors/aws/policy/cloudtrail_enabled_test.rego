package sdescan.checks.aws.cloudtrail_enabled_test

import data.sdescan.checks.aws.cloudtrail_enabled as check
import rego.v1

account(trails) := {"resource": {"id": "aws://111111111111/global/account", "type": "aws.account", "source": "aws", "scope": {"account": "111111111111"}, "attributes": {"cloudtrail_trails": trails}}}

good := {"name": "org", "arn": "arn:aws:cloudtrail:eu-west-2:999999999999:trail/org", "is_multi_region_trail": true, "is_logging": true, "management_events_included": true, "management_events_read_write": "All"}

test_pass if {
	inp := account([object.union(good, {"name": "regional", "is_multi_region_trail": false}), good])
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_fail_no_trails if {
	check.deny == {"account 111111111111 has no trails at all"} with input as account([])
}

test_fail_not_logging if {
	check.deny == {"account 111111111111 has no multi-region trail logging management events (trails: org)"} with input as account([object.union(good, {"is_logging": false})])
}

test_fail_single_region if {
	count(check.deny) == 1 with input as account([object.union(good, {"is_multi_region_trail": false})])
}

test_fail_no_management_events if {
	count(check.deny) == 1 with input as account([object.union(good, {"management_events_included": false})])
}

test_missing if {
	inp := {"resource": {"id": "a", "type": "aws.account", "attributes": {"root_mfa_enabled": true}}}
	check.missing == {"attributes.cloudtrail_trails"} with input as inp
	count(check.deny) == 0 with input as inp
}

test_missing_trail_status if {
	inp := account([{"name": "org", "is_multi_region_trail": true, "management_events_included": true}])
	check.missing == {"attributes.cloudtrail_trails[0].is_logging"} with input as inp
	count(check.deny) == 0 with input as inp
}
