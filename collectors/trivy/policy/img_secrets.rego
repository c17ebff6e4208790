# METADATA
# title: No secrets in container image layers
# description: >-
#   A key, token or password written into any layer of an image is readable by
#   everyone who can pull it, even when a later layer deletes the file. Found by
#   Trivy's secret scanner over every layer and the image config; sdescan records the
#   rule, category, severity, file and line, never the secret itself.
# custom:
#   id: IMG-004
#   severity: critical
#   resource_types: [image.container]
#   remediation: >-
#     Remove the secret from the build (use build secrets such as RUN --mount=type=secret,
#     or inject it at run time from a secret store), rebuild the image without the layer
#     that held it, and rotate the credential: it must be treated as disclosed.
package sdescan.checks.image.secrets

import rego.v1

deny contains msg if {
	some s in input.resource.attributes.secrets
	msg := sprintf("%s line %d: secret found by rule %s (%s, %s)", [s.path, s.line, s.rule_id, s.category, lower(s.severity)])
}

missing contains "attributes.secrets: the image was not scanned for secrets" if {
	not "secrets" in object.keys(input.resource.attributes)
}
