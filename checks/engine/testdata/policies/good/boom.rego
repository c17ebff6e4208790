# METADATA
# title: A check that errors on one resource
# custom:
#   id: TEST-002
#   severity: high
#   resource_types: [test.bucket]
#   requires: [created]
package sdescan.checks.test.boom

import rego.v1

deny contains "age overflow" if {
	time.parse_rfc3339_ns(input.resource.attributes.created) > time.parse_rfc3339_ns(data.sdescan.params.as_of)
}
