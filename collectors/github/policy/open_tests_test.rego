package sdescan.checks.github.open_tests_test

import data.sdescan.checks.github.open_tests as check
import rego.v1

repo(attrs) := {"resource": {"id": "git:///src/analysis", "type": "git.repo", "source": "git", "attributes": attrs}}

test_pass if {
	inp := repo({"name": "analysis", "test_files": 4})
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_fail if {
	check.deny == {"repository analysis has no automated tests"} with input as repo({"name": "analysis", "test_files": 0})
}

test_missing if {
	inp := repo({"name": "analysis"})
	check.missing == {"attributes.test_files"} with input as inp
	count(check.deny) == 0 with input as inp
}
