package sdescan.checks.github.open_releases_test

import data.sdescan.checks.github.open_releases as check
import rego.v1

local(attrs) := {"resource": {"id": "git:///src/analysis", "type": "git.repo", "source": "git", "attributes": attrs}}

remote(attrs) := {"resource": {"id": "https://github.com/nhs/analysis", "type": "github.repo", "source": "github", "attributes": attrs}}

test_pass_changelog if {
	inp := local({"name": "analysis", "changelog_file": "NEWS.md", "has_tags": false})
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_pass_tags if {
	inp := local({"name": "analysis", "changelog_file": "", "has_tags": true})
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_pass_release_only if {
	inp := remote({"full_name": "nhs/analysis", "has_releases": true})
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_fail_local if {
	check.deny == {"repository analysis has no tags, releases or changelog"} with input as local({"name": "analysis", "changelog_file": "", "has_tags": false})
}

test_fail_remote if {
	inp := remote({"full_name": "nhs/analysis", "changelog_file": "", "has_tags": false, "has_releases": false})
	check.deny == {"repository nhs/analysis has no tags, releases or changelog"} with input as inp
}

test_missing_releases if {
	inp := remote({"full_name": "nhs/analysis", "changelog_file": "", "has_tags": false})
	check.missing == {"attributes.has_releases"} with input as inp
	count(check.deny) == 0 with input as inp
}

test_missing_all if {
	inp := local({"name": "analysis"})
	check.missing == {"attributes.changelog_file", "attributes.has_tags"} with input as inp
	count(check.deny) == 0 with input as inp
}
