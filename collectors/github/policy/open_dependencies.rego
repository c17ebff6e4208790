# METADATA
# title: Repositories declare their dependencies and pin or lock their versions
# description: >-
#   An analysis can only be re-run and checked when the exact packages it used can be
#   installed again. The NHS RAP silver level asks for dependency information to be
#   recorded. sdescan looks for declarations (requirements.txt, pyproject.toml,
#   DESCRIPTION, environment.yml, go.mod, package.json …) and for lock files
#   (poetry.lock, Pipfile.lock, uv.lock, renv.lock, go.sum, package-lock.json …) or
#   requirements and conda files in which every entry is pinned to one version.
# custom:
#   id: OPEN-005
#   severity: low
#   resource_types: [git.repo, github.repo]
#   remediation: >-
#     Record dependencies and lock them: pip freeze > requirements.txt (or uv lock /
#     poetry lock) for Python, renv::snapshot() for R (commit renv.lock), conda env export
#     for conda, and commit go.sum or package-lock.json.
package sdescan.checks.github.open_dependencies

import rego.v1

attrs := object.get(input.resource, "attributes", {})

# attr reads an attribute; null when the collector could not read it.
attr(k) := object.get(attrs, k, null)

name := object.get(attrs, "full_name", object.get(attrs, "name", input.resource.id))

deny contains sprintf("repository %s declares no dependencies (no requirements.txt, pyproject.toml, DESCRIPTION, environment.yml, go.mod, package.json …)", [name]) if {
	is_array(attr("dependency_files"))
	count(attr("dependency_files")) == 0
}

deny contains sprintf("repository %s declares dependencies (%s) but neither locks nor pins their versions", [name, concat(", ", attr("dependency_files"))]) if {
	is_array(attr("dependency_files"))
	count(attr("dependency_files")) > 0
	attr("dependencies_pinned") == false
}

missing contains "attributes.dependency_files" if {
	not is_array(attr("dependency_files"))
}

missing contains "attributes.dependencies_pinned" if {
	is_array(attr("dependency_files"))
	count(attr("dependency_files")) > 0
	not is_boolean(attr("dependencies_pinned"))
}
