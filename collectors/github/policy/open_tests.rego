# METADATA
# title: Repositories contain automated tests
# description: >-
#   Tests show that the code does what it claims and keeps doing so as it changes; the
#   NHS RAP silver level asks for them. sdescan counts test files by language
#   convention: tests/ and test/ directories, tests/testthat for R, *_test.go,
#   test_*.py and *_test.py, *.test.js and *.spec.ts, and pytest.ini or conftest.py.
# custom:
#   id: OPEN-004
#   severity: medium
#   resource_types: [git.repo, github.repo]
#   remediation: >-
#     Add tests beside the code: pytest files under tests/ for Python, testthat under
#     tests/testthat for R (usethis::use_testthat()), *_test.go for Go, and run them in CI.
package sdescan.checks.github.open_tests

import rego.v1

attrs := object.get(input.resource, "attributes", {})

# attr reads an attribute; null when the collector could not read it.
attr(k) := object.get(attrs, k, null)

name := object.get(attrs, "full_name", object.get(attrs, "name", input.resource.id))

deny contains sprintf("repository %s has no automated tests", [name]) if {
	attr("test_files") == 0
}

missing contains "attributes.test_files" if {
	not is_number(attr("test_files"))
}
