package sdescan.checks.github.open_ci_test

import data.sdescan.checks.github.open_ci as check
import rego.v1

repo(attrs) := {"resource": {"id": "https://github.com/nhs/analysis", "type": "github.repo", "source": "github", "attributes": attrs}}

test_pass if {
	inp := repo({"full_name": "nhs/analysis", "ci_systems": ["github-actions"]})
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_fail if {
	check.deny == {"repository nhs/analysis has no continuous integration configuration"} with input as repo({"full_name": "nhs/analysis", "ci_systems": []})
}

test_missing if {
	inp := repo({"full_name": "nhs/analysis"})
	check.missing == {"attributes.ci_systems"} with input as inp
	count(check.deny) == 0 with input as inp
}
