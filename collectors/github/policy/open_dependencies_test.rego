package sdescan.checks.github.open_dependencies_test

import data.sdescan.checks.github.open_dependencies as check
import rego.v1

repo(attrs) := {"resource": {"id": "git:///src/analysis", "type": "git.repo", "source": "git", "attributes": attrs}}

test_pass if {
	inp := repo({"name": "analysis", "dependency_files": ["pyproject.toml"], "dependencies_pinned": true})
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_fail_none if {
	check.deny == {"repository analysis declares no dependencies (no requirements.txt, pyproject.toml, DESCRIPTION, environment.yml, go.mod, package.json …)"} with input as repo({"name": "analysis", "dependency_files": []})
}

test_fail_unpinned if {
	inp := repo({"name": "analysis", "dependency_files": ["requirements.txt"], "dependencies_pinned": false})
	check.deny == {"repository analysis declares dependencies (requirements.txt) but neither locks nor pins their versions"} with input as inp
}

test_missing_files if {
	inp := repo({"name": "analysis"})
	check.missing == {"attributes.dependency_files"} with input as inp
	count(check.deny) == 0 with input as inp
}

test_missing_pinning if {
	inp := repo({"name": "analysis", "dependency_files": ["requirements.txt"]})
	check.missing == {"attributes.dependencies_pinned"} with input as inp
	count(check.deny) == 0 with input as inp
}
