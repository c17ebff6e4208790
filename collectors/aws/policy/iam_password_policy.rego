# METADATA
# title: The account password policy requires long passwords and prevents reuse
# description: >-
#   IAM user passwords protect console access to the SDE. A minimum length of 14
#   characters resists guessing, and remembering the last 24 passwords stops users
#   cycling back to a compromised one.
# custom:
#   id: AWS-IAM-006
#   severity: medium
#   resource_types: [aws.account]
#   remediation: >-
#     Terraform: aws_iam_account_password_policy with minimum_password_length = 14
#     (or more) and password_reuse_prevention = 24.
package sdescan.checks.aws.iam_password_policy

import rego.v1

# The minimum password length accepted is 14 (written as a literal below: a
# constant rule is evaluated again for every resource).

# Reuse of at least the last 24 passwords must be prevented (a literal below).

account := object.get(input.resource.scope, "account", input.resource.id)

deny contains sprintf("account %s has no IAM password policy", [account]) if {
	input.resource.attributes.password_policy.present == false
}

deny contains sprintf("account %s password policy minimum length is %d (need %d or more)", [account, input.resource.attributes.password_policy.minimum_password_length, 14]) if {
	input.resource.attributes.password_policy.present == true
	input.resource.attributes.password_policy.minimum_password_length < 14
}

deny contains sprintf("account %s password policy prevents reuse of the last %d passwords (need %d or more)", [account, input.resource.attributes.password_policy.password_reuse_prevention, 24]) if {
	input.resource.attributes.password_policy.present == true
	input.resource.attributes.password_policy.password_reuse_prevention < 24
}

missing contains "attributes.password_policy.present" if {
	not is_boolean(object.get(input.resource.attributes, ["password_policy", "present"], null))
}

missing contains sprintf("attributes.password_policy.%s", [f]) if {
	input.resource.attributes.password_policy.present == true
	some f in ["minimum_password_length", "password_reuse_prevention"]
	not is_number(object.get(input.resource.attributes.password_policy, f, null))
}
