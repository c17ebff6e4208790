# METADATA
# title: The root user has MFA
# description: >-
#   The root user can do anything in the account, including deleting every dataset and
#   every log. Without multi-factor authentication a leaked or guessed password is
#   enough to take the whole SDE.
# custom:
#   id: AWS-IAM-001
#   severity: critical
#   resource_types: [aws.account]
#   remediation: >-
#     Sign in as root and assign an MFA device (a hardware key for production
#     accounts); keep the device in a safe with the break-glass procedure. With AWS
#     Organizations, consider centralised root access management to remove root
#     credentials from member accounts.
package sdescan.checks.aws.iam_root_mfa

import data.sdescan.lib.facts
import rego.v1

deny contains sprintf("root user of account %s has no MFA", [object.get(input.resource.scope, "account", input.resource.id)]) if {
	input.resource.attributes.root_mfa_enabled == false
}

missing contains "attributes.root_mfa_enabled" if {
	not facts.present("root_mfa_enabled")
}
