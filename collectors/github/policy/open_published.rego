# METADATA
# title: Code is published openly, or its exception is recorded
# description: >-
#   NHS SDE guideline 9 expects analysis code to be published openly unless there is a
#   justified reason not to. A private or internal repository counts as not open unless
#   a valid publication-exceptions attestation names it (details.repositories), which
#   records the justification and approver.
# custom:
#   id: OPEN-010
#   severity: medium
#   resource_types: [github.repo]
#   remediation: >-
#     Make the repository public once it holds no data, secrets or disclosive outputs
#     (Settings > General > Danger zone > Change visibility), or record why it cannot be
#     in a publication-exceptions attestation listing it under details.repositories.
package sdescan.checks.github.open_published

import rego.v1

attrs := object.get(input.resource, "attributes", {})

# attr reads an attribute; null when the collector could not read it.
attr(k) := object.get(attrs, k, null)

name := object.get(attrs, "full_name", object.get(attrs, "name", input.resource.id))

deny contains sprintf("repository %s is %s and no publication exception names it", [name, attr("visibility")]) if {
	is_string(attr("visibility"))
	attr("visibility") != "public"
	attr("publication_exception") != true
}

missing contains "attributes.visibility" if {
	not is_string(attr("visibility"))
}
