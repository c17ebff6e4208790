package sdescan.checks.github.open_published_test

import data.sdescan.checks.github.open_published as check
import rego.v1

repo(attrs) := {"resource": {"id": "https://github.com/nhs/analysis", "type": "github.repo", "source": "github", "attributes": attrs}}

test_pass_public if {
	inp := repo({"full_name": "nhs/analysis", "visibility": "public"})
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_pass_exception if {
	inp := repo({"full_name": "nhs/analysis", "visibility": "private", "publication_exception": true})
	count(check.deny) == 0 with input as inp
}

test_fail_private if {
	inp := repo({"full_name": "nhs/analysis", "visibility": "internal", "publication_exception": false})
	check.deny == {"repository nhs/analysis is internal and no publication exception names it"} with input as inp
}

test_missing if {
	inp := repo({"full_name": "nhs/analysis"})
	check.missing == {"attributes.visibility"} with input as inp
	count(check.deny) == 0 with input as inp
}
