# METADATA
# title: Test check that quotes an access key ID in its message
# description: >-
#   Used by the canary test of the evidence pack: its failure message repeats an
#   attribute that holds an access key ID, which must be redacted in every file.
# custom:
#   id: TEST-CANARY-001
#   severity: high
#   resource_types: [aws.iam.access_key]
#   remediation: none
package sdescan.checks.test.canary_key

import rego.v1

deny contains sprintf("access key %s of %s is active", [input.resource.attributes.access_key_id, input.resource.id]) if {
	input.resource.attributes.status == "Active"
}
