# METADATA
# title: No IAM user, group or role is allowed every action on every resource
# description: >-
#   A broad policy (AdministratorAccess or an equivalent customer or inline policy) lets
#   its holder read every dataset, switch off logging and cover their tracks. In an SDE,
#   administration is split into narrower roles; full administrator rights belong only
#   to the break-glass roles named in the configuration (break_glass_roles), whose use is
#   monitored. A policy is broad when an Allow grants "*" or every action of a service
#   ("iam:*", "s3:*") on every resource ("*" or a wildcard ARN), every action but a few
#   (NotAction) on every resource, or a privilege escalation path on every role, user,
#   group or policy (iam:Attach*Policy, iam:Put*Policy, iam:CreatePolicyVersion,
#   iam:UpdateAssumeRolePolicy…, or iam:PassRole with a compute launch such as
#   ec2:RunInstances), or when AdministratorAccess, PowerUserAccess, IAMFullAccess or
#   another AWS-managed *FullAccess policy is attached. A condition does not narrow an
#   Allow, and a Deny only when it cancels it in full. A customer managed policy is
#   judged where it is defined (aws.iam.policy, with the entities it is attached to);
#   users, groups and roles on their AWS-managed and inline policies, a group naming its
#   members, who inherit it. The same decision as IAC-IAM-001
#   (collectors/aws/policy/lib_iam_policy.rego).
# custom:
#   id: AWS-IAM-007
#   severity: high
#   resource_types: [aws.iam.user, aws.iam.group, aws.iam.role, aws.iam.policy]
#   remediation: >-
#     Detach AdministratorAccess, PowerUserAccess and *FullAccess policies and replace
#     broad statements with least-privilege policies naming the actions and resource
#     ARNs each role needs (IAM Access Analyzer can generate one from CloudTrail
#     activity); delegate IAM changes only under a permissions boundary
#     (iam:PermissionsBoundary condition). If a role must keep full rights for
#     emergencies, name it in the configuration's break_glass_roles and alert on its use.
package sdescan.checks.aws.iam_no_admin

import data.sdescan.lib.facts
import data.sdescan.lib.iam_policy
import rego.v1

# Membership in break_glass_roles is tested on the list itself (x in list), not
# on a set built from it for every resource.
break_glass_roles := object.get(data.sdescan.params, "break_glass_roles", [])

kind := {"aws.iam.user": "user", "aws.iam.group": "group", "aws.iam.role": "role", "aws.iam.policy": "policy"}

name_attr := {"aws.iam.user": "user_name", "aws.iam.group": "group_name", "aws.iam.role": "role_name", "aws.iam.policy": "policy_name"}

name := object.get(input.resource.attributes, name_attr[input.resource.type], input.resource.id)

# who names the entity in messages; a group names its members, who inherit its
# policies.
who := sprintf("IAM %s %s", [kind[input.resource.type], name]) if input.resource.type != "aws.iam.group"

who := sprintf("IAM group %s (members: %s)", [name, concat(", ", input.resource.attributes.members)]) if {
	input.resource.type == "aws.iam.group"
	count(input.resource.attributes.members) > 0
}

who := sprintf("IAM group %s", [name]) if {
	input.resource.type == "aws.iam.group"
	count(object.get(input.resource.attributes, "members", [])) == 0
}

default applicable := false

applicable if input.resource.type != "aws.iam.role"

applicable if {
	input.resource.type == "aws.iam.role"
	not input.resource.attributes.role_name in break_glass_roles
}

# --- users, groups and roles ---

deny contains sprintf("%s has %s attached", [who, policy_name]) if {
	input.resource.type != "aws.iam.policy"
	some p in input.resource.attributes.attached_policies
	iam_policy.broad_managed_policy(p.policy_arn)
	parts := split(p.policy_arn, "/")
	policy_name := parts[count(parts) - 1]
}

deny contains sprintf("%s inline policy %s %s", [who, p.policy_name, f]) if {
	input.resource.type != "aws.iam.policy"
	some p in input.resource.attributes.inline_policies
	some f in iam_policy.findings(p.statements)
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

policy_findings := iam_policy.findings(input.resource.attributes.statements) if input.resource.type == "aws.iam.policy"

deny contains sprintf("IAM policy %s %s and is attached to %s", [name, f, concat(", ", sort(grantees))]) if {
	some f in policy_findings
	count(grantees) > 0
}

missing contains "attributes.statements" if {
	input.resource.type == "aws.iam.policy"
	not facts.present("statements")
}

missing contains sprintf("attributes.%s", [f]) if {
	count(policy_findings) > 0
	some f in ["attached_users", "attached_groups", "attached_roles"]
	not facts.present(f)
}
