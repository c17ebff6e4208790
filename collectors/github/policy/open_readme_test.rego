package sdescan.checks.github.open_readme_test

import data.sdescan.checks.github.open_readme as check
import rego.v1

repo(attrs) := {"resource": {"id": "git:///src/analysis", "type": "git.repo", "source": "git", "attributes": attrs}}

good := {"name": "analysis", "readme_file": "README.md", "readme_words": 120, "readme_has_usage_section": true, "readme_has_run_command": false, "readme_explains_usage": true}

test_pass if {
	count(check.deny) == 0 with input as repo(good)
	count(check.missing) == 0 with input as repo(good)
}

test_fail_no_readme if {
	check.deny == {"repository analysis has no README"} with input as repo({"name": "analysis", "readme_file": ""})
}

test_fail_too_short if {
	inp := repo(object.union(good, {"readme_words": 3, "readme_explains_usage": false}))
	check.deny == {"repository analysis: README.md says too little about what the code does (3 words of prose; at least 20 expected)"} with input as inp
}

test_fail_no_usage if {
	inp := repo(object.union(good, {"readme_has_usage_section": false, "readme_explains_usage": false}))
	check.deny == {"repository analysis: README.md does not say how to run the code (no usage, installation or how-to-run section, and no command in a code block)"} with input as inp
}

test_missing_readme_fact if {
	inp := repo({"name": "analysis"})
	check.missing == {"attributes.readme_file"} with input as inp
	count(check.deny) == 0 with input as inp
}

test_missing_content if {
	inp := repo({"name": "analysis", "readme_file": "README.md"})
	check.missing == {"attributes.readme_explains_usage"} with input as inp
	count(check.deny) == 0 with input as inp
}

# explains_usage false with the reason missing: not assessed, never a pass.
test_missing_reason if {
	inp := repo({"name": "analysis", "readme_file": "README.md", "readme_explains_usage": false})
	check.missing == {"attributes.readme_words", "attributes.readme_has_usage_section", "attributes.readme_has_run_command"} with input as inp
	count(check.deny) == 0 with input as inp
}

test_missing_words if {
	inp := repo(object.union(good, {"readme_explains_usage": false, "readme_words": null}))
	check.missing == {"attributes.readme_words"} with input as inp
	count(check.deny) == 0 with input as inp
}
