package sdescan.checks.github.open_licence_test

import data.sdescan.checks.github.open_licence as check
import rego.v1

repo(attrs) := {"resource": {"id": "git:///src/analysis", "type": "git.repo", "source": "git", "attributes": attrs}}

test_pass if {
	inp := repo({"name": "analysis", "licence_file": "LICENSE", "licence_spdx": "MIT", "licence_osi_approved": true})
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_fail_no_licence if {
	inp := repo({"name": "analysis", "licence_file": ""})
	check.deny == {"repository analysis has no licence file (LICENSE, LICENCE or COPYING)"} with input as inp
	count(check.missing) == 0 with input as inp
}

test_fail_not_osi if {
	inp := repo({"name": "analysis", "licence_file": "LICENSE", "licence_spdx": "CC-BY-NC-4.0", "licence_osi_approved": false})
	check.deny == {"repository analysis: the licence in LICENSE (CC-BY-NC-4.0) is not an OSI-approved open-source licence"} with input as inp
}

test_fail_unrecognised if {
	inp := repo({"name": "analysis", "licence_file": "COPYING", "licence_spdx": "", "licence_osi_approved": false})
	check.deny == {"repository analysis: the licence in COPYING (not recognised) is not an OSI-approved open-source licence"} with input as inp
}

test_missing_file if {
	inp := repo({"name": "analysis"})
	check.missing == {"attributes.licence_file"} with input as inp
	count(check.deny) == 0 with input as inp
}

test_missing_verdict if {
	inp := repo({"name": "analysis", "licence_file": "LICENSE"})
	check.missing == {"attributes.licence_osi_approved"} with input as inp
	count(check.deny) == 0 with input as inp
}
