package sdescan.checks.aws.guardduty_enabled_test

import data.sdescan.checks.aws.guardduty_enabled as check
import rego.v1

region(attrs) := {"resource": {"id": "aws://111111111111/eu-west-2/region", "type": "aws.region", "source": "aws", "scope": {"account": "111111111111", "region": "eu-west-2"}, "attributes": attrs}}

test_pass if {
	inp := region({"guardduty_detectors": [{"detector_id": "d1", "status": "ENABLED"}]})
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_fail_none if {
	check.deny == {"GuardDuty has no detector in account 111111111111 region eu-west-2"} with input as region({"guardduty_detectors": []})
}

test_fail_disabled if {
	check.deny == {"GuardDuty detector is not enabled in account 111111111111 region eu-west-2"} with input as region({"guardduty_detectors": [{"detector_id": "d1", "status": "DISABLED"}]})
}

test_missing if {
	inp := region({"ebs_encryption_by_default": true})
	check.missing == {"attributes.guardduty_detectors"} with input as inp
	count(check.deny) == 0 with input as inp
}

test_missing_status if {
	inp := region({"guardduty_detectors": [{"detector_id": "d1"}]})
	check.missing == {"attributes.guardduty_detectors[].status"} with input as inp
	count(check.deny) == 0 with input as inp
}
