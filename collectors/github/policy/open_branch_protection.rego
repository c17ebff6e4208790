# METADATA
# title: The default branch of a GitHub repository is protected
# description: >-
#   Branch protection (or a ruleset) on the default branch stops force-pushes and
#   deletion, and can require a reviewed pull request and passing checks before a change
#   lands, which is how code review — part of the NHS RAP baseline — is enforced.
#   sdescan reads the default branch (GitHub's protected flag, which covers classic
#   protection and rulesets, and the classic protection summary) and the ruleset rules
#   that apply to it, both with read access; a ruleset counts when it has a protecting
#   rule (pull request, status checks, no force-push, no deletion, …). When the token
#   may not read them the repository is not assessed.
# custom:
#   id: OPEN-007
#   severity: medium
#   resource_types: [github.repo]
#   remediation: >-
#     Settings > Rules > Rulesets > New branch ruleset targeting the default branch,
#     with "Require a pull request before merging" and "Block force pushes"; or
#     Terraform github_repository_ruleset / github_branch_protection.
package sdescan.checks.github.open_branch_protection

import rego.v1

attrs := object.get(input.resource, "attributes", {})

# attr reads an attribute; null when the collector could not read it.
attr(k) := object.get(attrs, k, null)

name := object.get(attrs, "full_name", object.get(attrs, "name", input.resource.id))

default applicable := false

# An archived repository is read-only: protecting its branch changes nothing.
applicable if {
	input.resource.type == "github.repo"
	attr("archived") != true
}

deny contains sprintf("repository %s: default branch %s is not protected (no branch protection and no ruleset)", [name, object.get(attrs, "default_branch", "?")]) if {
	attr("default_branch_protected") == false
}

missing contains "attributes.default_branch_protected" if {
	not is_boolean(attr("default_branch_protected"))
}
