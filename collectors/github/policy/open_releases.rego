# METADATA
# title: Repositories signpost changes with tags, releases or a changelog
# description: >-
#   Published results must be traceable to the exact version of the code that produced
#   them, and users of the code need to know what changed. The NHS RAP gold level asks
#   for changes to be signposted. sdescan accepts git tags, GitHub releases, or a
#   CHANGELOG / CHANGES / NEWS / HISTORY file at the root.
# custom:
#   id: OPEN-006
#   severity: low
#   resource_types: [git.repo, github.repo]
#   remediation: >-
#     Tag the commit behind each published output (git tag -a v1.0.0 -m "…"; git push
#     --tags) or publish a GitHub release, and keep a CHANGELOG.md (keepachangelog.com).
package sdescan.checks.github.open_releases

import rego.v1

attrs := object.get(input.resource, "attributes", {})

# attr reads an attribute; null when the collector could not read it.
attr(k) := object.get(attrs, k, null)

name := object.get(attrs, "full_name", object.get(attrs, "name", input.resource.id))

signposted if {
	is_string(attr("changelog_file"))
	attr("changelog_file") != ""
}

signposted if attr("has_tags") == true

signposted if attr("has_releases") == true

# A local repository has no releases; on GitHub the fact must have been read.
no_releases if input.resource.type == "git.repo"

no_releases if attr("has_releases") == false

deny contains sprintf("repository %s has no tags, releases or changelog", [name]) if {
	not signposted
	attr("changelog_file") == ""
	attr("has_tags") == false
	no_releases
}

missing contains "attributes.changelog_file" if {
	not signposted
	not is_string(attr("changelog_file"))
}

missing contains "attributes.has_tags" if {
	not signposted
	not is_boolean(attr("has_tags"))
}

missing contains "attributes.has_releases" if {
	not signposted
	input.resource.type == "github.repo"
	not is_boolean(attr("has_releases"))
}
