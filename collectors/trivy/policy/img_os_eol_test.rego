package sdescan.checks.image.os_eol_test

import data.sdescan.checks.image.os_eol as check
import rego.v1

res(attrs) := {"resource": {"id": "image:app.tar", "type": "image.container", "source": "image", "scope": {"path": "app.tar"}, "tags": {}, "attributes": attrs}}

test_pass if {
	inp := res({"os_detected": true, "os_family": "alpine", "os_version": "3.22.2", "os_eol_known": true, "os_eol": false})
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_fail_eol if {
	inp := res({"os_detected": true, "os_family": "alpine", "os_version": "3.9.6", "os_eol_known": true, "os_eol": true})
	check.deny == {"alpine 3.9.6 is end-of-life: it gets no security updates"} with input as inp
}

test_missing_os if {
	inp := res({"os_detected": false, "os_family": "", "os_version": "", "os_eol_known": false, "os_eol": false})
	count(check.deny) == 0 with input as inp
	count(check.missing) == 1 with input as inp
}

test_missing_eol_date if {
	inp := res({"os_detected": true, "os_family": "wolfi", "os_version": "20230201", "os_eol_known": false, "os_eol": false})
	count(check.deny) == 0 with input as inp
	check.missing == {"attributes.os_eol: Trivy has no end-of-life date for wolfi 20230201"} with input as inp
}
