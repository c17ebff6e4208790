# METADATA
# title: Every IAM user with a console password has MFA
# description: >-
#   A console password alone can be phished, guessed or reused from another breach.
#   Requiring a second factor for every user who can sign in to the console keeps a
#   stolen password from becoming access to research data.
# custom:
#   id: AWS-IAM-003
#   severity: high
#   resource_types: [aws.iam.user]
#   remediation: >-
#     Assign an MFA device to the user (or remove the console password if it is not
#     needed), and attach a policy denying actions when aws:MultiFactorAuthPresent is
#     false. Better still, move people to IAM Identity Center with MFA enforced.
package sdescan.checks.aws.iam_user_mfa

import data.sdescan.lib.facts
import rego.v1

name := object.get(input.resource.attributes, "user_name", input.resource.id)

deny contains sprintf("IAM user %s has a console password but no MFA device", [name]) if {
	input.resource.attributes.password_enabled == true
	count(input.resource.attributes.mfa_devices) == 0
}

missing contains "attributes.password_enabled" if {
	not facts.present("password_enabled")
}

missing contains "attributes.mfa_devices" if {
	input.resource.attributes.password_enabled == true
	not facts.present("mfa_devices")
}
