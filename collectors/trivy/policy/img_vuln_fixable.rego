# METADATA
# title: Container image has no critical vulnerability with a fix available
# description: >-
#   A critical vulnerability in an installed package (OS or language package) whose
#   fixed version is published can be removed by rebuilding the image. Vulnerabilities
#   are read from a Trivy vulnerability database the operator supplies with --db;
#   without one this check is not assessed: sdescan never downloads a database. A
#   database older than image.max_db_age_days (default 7) at the assessment time, or
#   whose age is unknown, does not know the newest advisories: what it finds still
#   fails, but finding nothing is not assessed, never "no vulnerabilities".
# custom:
#   id: IMG-002
#   severity: high
#   resource_types: [image.container]
#   remediation: >-
#     Upgrade the package to its fixed version (apk upgrade, apt-get upgrade, a newer
#     dependency) or rebuild on a patched base image, then rescan with a current
#     database (--db PATH); refresh the database at least weekly (trivy image
#     --download-db-only, or a copy of a mirror's) before each scan.
package sdescan.checks.image.vuln_fixable

import rego.v1

attrs := input.resource.attributes

deny contains msg if {
	some v in attrs.vulnerabilities
	v.severity == "CRITICAL"
	v.fixed_version != ""
	msg := sprintf("%s %s: %s (critical) is fixed in %s", [v["package"], v.installed_version, v.id, v.fixed_version])
}

missing contains msg if {
	not "vulnerabilities" in object.keys(attrs)
	reason := object.get(attrs, "vulnerabilities_not_assessed", "no vulnerability scan")
	msg := sprintf("attributes.vulnerabilities: %s", [reason])
}

# The database's age in days at the assessment time; undefined when unknown.
max_age_days := object.get(data.sdescan.params, "image_max_db_age_days", 7)

# updated is when the database was built; undefined when unknown (null).
updated := u if {
	u := attrs.vulnerability_db.updated_at
	is_string(u)
}

db_age_days := (time.parse_rfc3339_ns(data.sdescan.params.as_of) - time.parse_rfc3339_ns(updated)) / 86400000000000

missing contains msg if {
	"vulnerabilities" in object.keys(attrs)
	db_age_days > max_age_days
	msg := sprintf("attributes.vulnerability_db.updated_at: the vulnerability database was built %s, %d days before the assessment, older than image.max_db_age_days (%v): newer advisories are not in it", [updated, floor(db_age_days), max_age_days])
}

missing contains "attributes.vulnerability_db.updated_at: the vulnerability database's age is unknown (no metadata.json beside trivy.db), so it may lack newer advisories" if {
	"vulnerabilities" in object.keys(attrs)
	not updated
}
