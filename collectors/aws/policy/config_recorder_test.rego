package sdescan.checks.aws.config_recorder_test

import data.sdescan.checks.aws.config_recorder as check
import rego.v1

region(attrs) := {"resource": {"id": "aws://111111111111/eu-west-2/region", "type": "aws.region", "source": "aws", "scope": {"account": "111111111111", "region": "eu-west-2"}, "attributes": attrs}}

test_pass if {
	inp := region({"config_recorders": [{"name": "default", "recording": true, "all_supported": true}]})
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_fail_none if {
	check.deny == {"AWS Config has no configuration recorder in account 111111111111 region eu-west-2"} with input as region({"config_recorders": []})
}

test_fail_stopped if {
	check.deny == {"AWS Config recorder is not recording in account 111111111111 region eu-west-2"} with input as region({"config_recorders": [{"name": "default", "recording": false}]})
}

test_missing if {
	inp := region({"ebs_encryption_by_default": true})
	check.missing == {"attributes.config_recorders"} with input as inp
	count(check.deny) == 0 with input as inp
}

test_missing_status if {
	inp := region({"config_recorders": [{"name": "default"}]})
	check.missing == {"attributes.config_recorders[].recording"} with input as inp
	count(check.deny) == 0 with input as inp
}

test_fail_selected_types_only if {
	check.deny == {"AWS Config recorder default records only selected resource types in account 111111111111 region eu-west-2"} with input as region({"config_recorders": [{"name": "default", "recording": true, "all_supported": false, "recording_strategy": "INCLUSION_BY_RESOURCE_TYPES"}]})
}

test_pass_exclusions if {
	count(check.deny) == 0 with input as region({"config_recorders": [{"name": "default", "recording": true, "all_supported": false, "recording_strategy": "EXCLUSION_BY_RESOURCE_TYPES"}]})
}
