# METADATA
# title: Repositories carry an OSI-approved open-source licence
# description: >-
#   Code published from a secure data environment can only be reused, checked and
#   built upon by others when it says on what terms: without a licence file nobody
#   may lawfully reuse it, and a licence that is not OSI-approved (non-commercial,
#   Creative Commons, bespoke terms) is not open source. NHS guidance on open working
#   and the RAP standard expect an open licence such as MIT, Apache-2.0 or OGL-compatible
#   open-source terms for code.
# custom:
#   id: OPEN-001
#   severity: high
#   resource_types: [git.repo, github.repo]
#   remediation: >-
#     Add a LICENSE (or LICENCE / COPYING) file at the repository root holding the full
#     text of an OSI-approved licence; the NHS usually publishes code under MIT or
#     Apache-2.0 (choosealicense.com gives the texts). On GitHub: Add file > Create new
#     file > LICENSE > Choose a licence template.
package sdescan.checks.github.open_licence

import rego.v1

attrs := object.get(input.resource, "attributes", {})

# attr reads an attribute; null when the collector could not read it.
attr(k) := object.get(attrs, k, null)

name := object.get(attrs, "full_name", object.get(attrs, "name", input.resource.id))

spdx := s if {
	s := attr("licence_spdx")
	is_string(s)
	s != ""
	s != "NOASSERTION"
} else := "not recognised"

deny contains sprintf("repository %s has no licence file (LICENSE, LICENCE or COPYING)", [name]) if {
	attr("licence_file") == ""
}

deny contains sprintf("repository %s: the licence in %s (%s) is not an OSI-approved open-source licence", [name, attr("licence_file"), spdx]) if {
	is_string(attr("licence_file"))
	attr("licence_file") != ""
	attr("licence_osi_approved") == false
}

missing contains "attributes.licence_file" if {
	not is_string(attr("licence_file"))
}

missing contains "attributes.licence_osi_approved" if {
	is_string(attr("licence_file"))
	attr("licence_file") != ""
	not is_boolean(attr("licence_osi_approved"))
}
