# METADATA
# title: Active IAM access keys are younger than 90 days
# description: >-
#   Long-lived access keys end up in scripts, laptops and repositories; the older a key,
#   the more places it may have leaked to. Rotating keys at least every 90 days limits
#   how long a leaked key stays useful. Ages are measured from the collection time.
# custom:
#   id: AWS-IAM-004
#   severity: medium
#   resource_types: [aws.iam.user]
#   remediation: >-
#     Create a new key, move its users over, then deactivate and delete the old one
#     (aws iam create-access-key / update-access-key --status Inactive /
#     delete-access-key). Prefer IAM roles or IAM Identity Center over access keys.
package sdescan.checks.aws.iam_access_key_age

import data.sdescan.lib.facts
import rego.v1

# An active access key 90 days old or more fails (written as a literal below:
# a constant rule is evaluated again for every resource).

as_of_ns := time.parse_rfc3339_ns(data.sdescan.params.as_of)

name := object.get(input.resource.attributes, "user_name", input.resource.id)

deny contains msg if {
	some k in input.resource.attributes.access_keys
	k.status == "Active"
	age := floor((as_of_ns - time.parse_rfc3339_ns(k.created)) / 86400000000000)
	age >= 90
	msg := sprintf("IAM user %s: active access key %s is %d days old (limit %d)", [name, k.access_key_id, age, 90])
}

missing contains "attributes.access_keys" if {
	not facts.present("access_keys")
}

missing contains sprintf("attributes.access_keys[%d].created", [i]) if {
	some i, k in input.resource.attributes.access_keys
	k.status == "Active"
	not k.created
}

missing contains sprintf("attributes.access_keys[%d].status", [i]) if {
	some i, k in input.resource.attributes.access_keys
	not k.status
}

missing contains "data.sdescan.params.as_of" if {
	not as_of_ns
}
