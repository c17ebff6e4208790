# METADATA
# title: No IAM credential unused for 45 days or more stays active
# description: >-
#   Console passwords and access keys nobody uses are forgotten credentials: no one will
#   notice if they are stolen and used. A credential unused for 45 days or more (or never
#   used and created 45 or more days ago) should be disabled. Ages are measured from the
#   collection time.
# custom:
#   id: AWS-IAM-005
#   severity: medium
#   resource_types: [aws.iam.user]
#   remediation: >-
#     Deactivate unused access keys (aws iam update-access-key --status Inactive) and
#     remove unused console passwords (aws iam delete-login-profile); delete the user if
#     it is no longer needed.
package sdescan.checks.aws.iam_unused_credentials

import data.sdescan.lib.facts
import rego.v1

# A credential idle 45 days or more fails (written as a literal below: a
# constant rule is evaluated again for every resource).

as_of_ns := time.parse_rfc3339_ns(data.sdescan.params.as_of)

name := object.get(input.resource.attributes, "user_name", input.resource.id)

# A credential's idle days d are counted since its last use, or since its
# creation when it has never been used (last_used null). A day is
# 86400000000000 ns.

deny contains msg if {
	input.resource.attributes.password_enabled == true
	is_string(input.resource.attributes.password_last_used)
	d := floor((as_of_ns - time.parse_rfc3339_ns(input.resource.attributes.password_last_used)) / 86400000000000)
	d >= 45
	msg := sprintf("IAM user %s: console password unused for %d days", [name, d])
}

deny contains msg if {
	input.resource.attributes.password_enabled == true
	input.resource.attributes.password_last_used == null
	d := floor((as_of_ns - time.parse_rfc3339_ns(input.resource.attributes.password_created)) / 86400000000000)
	d >= 45
	msg := sprintf("IAM user %s: console password unused for %d days", [name, d])
}

deny contains msg if {
	some k in input.resource.attributes.access_keys
	k.status == "Active"
	is_string(k.last_used)
	d := floor((as_of_ns - time.parse_rfc3339_ns(k.last_used)) / 86400000000000)
	d >= 45
	msg := sprintf("IAM user %s: active access key %s unused for %d days", [name, k.access_key_id, d])
}

deny contains msg if {
	some k in input.resource.attributes.access_keys
	k.status == "Active"
	k.last_used == null
	d := floor((as_of_ns - time.parse_rfc3339_ns(k.created)) / 86400000000000)
	d >= 45
	msg := sprintf("IAM user %s: active access key %s unused for %d days", [name, k.access_key_id, d])
}

missing contains "attributes.password_enabled" if {
	not facts.present("password_enabled")
}

missing contains "attributes.password_last_used" if {
	input.resource.attributes.password_enabled == true
	not facts.present("password_last_used")
}

missing contains "attributes.password_created" if {
	input.resource.attributes.password_enabled == true
	input.resource.attributes.password_last_used == null
	not input.resource.attributes.password_created
}

missing contains "attributes.access_keys" if {
	not facts.present("access_keys")
}

missing contains sprintf("attributes.access_keys[%d].last_used", [i]) if {
	some i, k in input.resource.attributes.access_keys
	k.status == "Active"
	not facts.has(k, "last_used")
}

missing contains sprintf("attributes.access_keys[%d].created", [i]) if {
	some i, k in input.resource.attributes.access_keys
	k.status == "Active"
	k.last_used == null
	not k.created
}

missing contains "data.sdescan.params.as_of" if {
	not as_of_ns
}
