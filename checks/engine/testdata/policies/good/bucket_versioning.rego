# METADATA
# title: Test buckets are versioned
# description: A test check.
# custom:
#   id: TEST-001
#   severity: medium
#   resource_types: [test.bucket]
#   remediation: Turn versioning on.
package sdescan.checks.test.bucket_versioning

import rego.v1

default applicable := false

applicable if not input.resource.attributes.kind == "log"

deny contains sprintf("bucket %s is not versioned", [input.resource.id]) if {
	input.resource.attributes.versioning == false
}

missing contains "attributes.versioning" if {
	not "versioning" in object.keys(input.resource.attributes)
}
