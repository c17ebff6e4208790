package sdescan.checks.github.open_branch_protection_test

import data.sdescan.checks.github.open_branch_protection as check
import rego.v1

repo(attrs) := {"resource": {"id": "https://github.com/nhs/analysis", "type": "github.repo", "source": "github", "attributes": attrs}}

test_pass if {
	inp := repo({"full_name": "nhs/analysis", "default_branch": "main", "default_branch_protected": true})
	check.applicable with input as inp
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_fail if {
	inp := repo({"full_name": "nhs/analysis", "default_branch": "main", "default_branch_protected": false, "archived": false})
	check.deny == {"repository nhs/analysis: default branch main is not protected (no branch protection and no ruleset)"} with input as inp
}

test_missing if {
	inp := repo({"full_name": "nhs/analysis", "default_branch": "main"})
	check.applicable with input as inp
	check.missing == {"attributes.default_branch_protected"} with input as inp
	count(check.deny) == 0 with input as inp
}

test_not_applicable_archived if {
	not check.applicable with input as repo({"full_name": "nhs/analysis", "archived": true, "default_branch_protected": false})
}
