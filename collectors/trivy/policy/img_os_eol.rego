# METADATA
# title: Container image operating system is not end-of-life
# description: >-
#   An image built on an operating system release its vendor no longer supports gets
#   no security updates: every vulnerability found after the end-of-life date stays
#   open. The end-of-life date is the one in Trivy's built-in tables for the OS
#   family (no network lookup), judged at the assessment time.
# custom:
#   id: IMG-001
#   severity: high
#   resource_types: [image.container]
#   remediation: >-
#     Rebuild the image on a supported release of its base (for example a current
#     Alpine or Debian stable image), then rerun sdescan image.
package sdescan.checks.image.os_eol

import rego.v1

attrs := input.resource.attributes

deny contains msg if {
	attrs.os_detected == true
	attrs.os_eol_known == true
	attrs.os_eol == true
	msg := sprintf("%s %s is end-of-life: it gets no security updates", [attrs.os_family, attrs.os_version])
}

missing contains "attributes.os_detected: the operating system of the image was not detected" if {
	not attrs.os_detected == true
}

missing contains msg if {
	attrs.os_detected == true
	not attrs.os_eol_known == true
	msg := sprintf("attributes.os_eol: Trivy has no end-of-life date for %s %s", [attrs.os_family, attrs.os_version])
}
