# METADATA
# title: Container image has no critical vulnerability with a fix available
# description: >-
#   A critical vulnerability in an installed package (OS or language package) whose
#   fixed version is published can be removed by rebuilding the image. Vulnerabilities
#   are read from a Trivy vulnerability database the operator supplies with --db;
#   without one this check is not assessed: sdescan never downloads a database.
# custom:
#   id: IMG-002
#   severity: high
#   resource_types: [image.container]
#   remediation: >-
#     Upgrade the package to its fixed version (apk upgrade, apt-get upgrade, a newer
#     dependency) or rebuild on a patched base image, then rescan with a current
#     database (--db PATH).
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
