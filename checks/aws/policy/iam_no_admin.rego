# METADATA
# title: No IAM user, group or role is allowed every action on every resource
# description: >-
#   A policy allowing "*" on "*" (AdministratorAccess or an equivalent customer or
#   inline policy) lets its holder read every dataset, switch off logging and cover
#   their tracks. In an SDE, administration is split into narrower roles; full
#   administrator rights belong only to the break-glass roles named in the
#   configuration (break_glass_roles), whose use is monitored. A customer managed
#   policy is judged where it is defined (aws.iam.policy, with the entities it is
#   attached to); users, groups and roles are judged on AdministratorAccess and their
#   inline policies.
# custom:
#   id: AWS-IAM-007
#   severity: high
#   resource_types: [aws.iam.user, aws.iam.group, aws.iam.role, aws.iam.policy]
#   remediation: >-
#     Detach AdministratorAccess and replace "*" on "*" statements with least-privilege
#     policies (IAM Access Analyzer can generate one from CloudTrail activity). If a
#     role must keep full rights for emergencies, name it in the configuration's
#     break_glass_roles and alert on its use.
package sdescan.checks.aws.iam_no_admin

import data.sdescan.lib.facts
import rego.v1

# Membership in break_glass_roles is tested on the list itself (x in list), not
# on a set built from it for every resource.
break_glass_roles := object.get(data.sdescan.params, "break_glass_roles", [])

kind := {"aws.iam.user": "user", "aws.iam.group": "group", "aws.iam.role": "role", "aws.iam.policy": "policy"}

name_attr := {"aws.iam.user": "user_name", "aws.iam.group": "group_name", "aws.iam.role": "role_name", "aws.iam.policy": "policy_name"}

name := object.get(input.resource.attributes, name_attr[input.resource.type], input.resource.id)

default applicable := false

applicable if input.resource.type != "aws.iam.role"

applicable if {
	input.resource.type == "aws.iam.role"
	not input.resource.attributes.role_name in break_glass_roles
}

# --- users, groups and roles ---

deny contains sprintf("IAM %s %s has AdministratorAccess attached", [kind[input.resource.type], name]) if {
	input.resource.type != "aws.iam.policy"
	some p in input.resource.attributes.attached_policies
	endswith(p.policy_arn, ":iam::aws:policy/AdministratorAccess")
}

deny contains msg if {
	input.resource.type != "aws.iam.policy"
	some p in input.resource.attributes.inline_policies
	some s in p.statements

	# s allows * on *
	s.effect == "Allow"
	some a in s.actions
	a in {"*", "*:*"}
	"*" in s.resources
	msg := sprintf("IAM %s %s inline policy %s allows * on *", [kind[input.resource.type], name, p.policy_name])
}

missing contains "attributes.attached_policies" if {
	input.resource.type != "aws.iam.policy"
	not facts.present("attached_policies")
}

missing contains "attributes.inline_policies" if {
	input.resource.type != "aws.iam.policy"
	not facts.present("inline_policies")
}

missing contains "attributes.role_name" if {
	input.resource.type == "aws.iam.role"
	not input.resource.attributes.role_name
}

# --- customer managed policies: judged with the entities they are attached to ---

grantees contains sprintf("user %s", [u]) if {
	some u in input.resource.attributes.attached_users
}

grantees contains sprintf("group %s", [g]) if {
	some g in input.resource.attributes.attached_groups
}

grantees contains sprintf("role %s", [r]) if {
	some r in input.resource.attributes.attached_roles
	not r in break_glass_roles
}

policy_is_admin if {
	input.resource.type == "aws.iam.policy"
	some s in input.resource.attributes.statements

	# s allows * on *
	s.effect == "Allow"
	some a in s.actions
	a in {"*", "*:*"}
	"*" in s.resources
}

deny contains msg if {
	policy_is_admin
	count(grantees) > 0
	msg := sprintf("IAM policy %s allows * on * and is attached to %s", [name, concat(", ", sort(grantees))])
}

missing contains "attributes.statements" if {
	input.resource.type == "aws.iam.policy"
	not facts.present("statements")
}

missing contains sprintf("attributes.%s", [f]) if {
	policy_is_admin
	some f in ["attached_users", "attached_groups", "attached_roles"]
	not facts.present(f)
}
