# METADATA
# title: The root user has no access keys
# description: >-
#   Root access keys give unrestricted, MFA-free programmatic control of the account and
#   cannot be limited by any policy. They are a standing risk of total compromise and
#   have no legitimate day-to-day use.
# custom:
#   id: AWS-IAM-002
#   severity: critical
#   resource_types: [aws.account]
#   remediation: >-
#     Sign in as root, delete the access keys (IAM > Security credentials), and use IAM
#     roles for automation instead.
package sdescan.checks.aws.iam_root_access_keys

import data.sdescan.lib.facts
import rego.v1

deny contains sprintf("root user of account %s has access keys", [object.get(input.resource.scope, "account", input.resource.id)]) if {
	input.resource.attributes.root_access_keys_present == true
}

missing contains "attributes.root_access_keys_present" if {
	not facts.present("root_access_keys_present")
}
