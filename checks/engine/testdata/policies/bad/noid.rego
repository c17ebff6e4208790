# METADATA
# title: no id
# custom:
#   severity: high
#   resource_types: [x]
package sdescan.checks.test.noid

import rego.v1

deny contains "x" if false
