# METADATA
# title: Repositories run continuous integration
# description: >-
#   Continuous integration runs the tests and checks on every change, so a pipeline that
#   produced published figures keeps producing them. It is part of the NHS RAP gold
#   level. sdescan recognises GitHub Actions workflows, GitLab CI, Azure Pipelines,
#   Jenkinsfile, CircleCI, Travis, Bitbucket Pipelines and pre-commit configuration.
# custom:
#   id: OPEN-003
#   severity: medium
#   resource_types: [git.repo, github.repo]
#   remediation: >-
#     Add a workflow that runs the tests on every push and pull request, e.g.
#     .github/workflows/test.yml with actions/checkout and a step running pytest,
#     testthat (Rscript -e 'devtools::test()') or go test; on GitLab a .gitlab-ci.yml.
package sdescan.checks.github.open_ci

import rego.v1

attrs := object.get(input.resource, "attributes", {})

# attr reads an attribute; null when the collector could not read it.
attr(k) := object.get(attrs, k, null)

name := object.get(attrs, "full_name", object.get(attrs, "name", input.resource.id))

deny contains sprintf("repository %s has no continuous integration configuration", [name]) if {
	is_array(attr("ci_systems"))
	count(attr("ci_systems")) == 0
}

missing contains "attributes.ci_systems" if {
	not is_array(attr("ci_systems"))
}
