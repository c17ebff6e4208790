package sdescan.checks.aws.iam_no_admin_test

import data.sdescan.checks.aws.iam_no_admin as check
import rego.v1

params := {"as_of": "2026-11-20T09:00:00Z", "break_glass_roles": ["BreakGlassAdmin"]}

admin_arn := "arn:aws:iam::aws:policy/AdministratorAccess"

star := {"effect": "Allow", "actions": ["*"], "resources": ["*"]}

s3_read := {"effect": "Allow", "actions": ["s3:GetObject"], "resources": ["arn:aws:s3:::data/*"]}

res(typ, attrs) := {"resource": {"id": sprintf("aws://111111111111/global/iam/%s", [typ]), "type": typ, "source": "aws", "attributes": attrs}}

role(n, attrs) := res("aws.iam.role", object.union({"role_name": n}, attrs))

test_pass_user if {
	inp := res("aws.iam.user", {"user_name": "alice", "attached_policies": [{"policy_name": "ReadOnlyAccess", "policy_arn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}], "inline_policies": [{"policy_name": "data", "statements": [s3_read]}]})
	count(check.deny) == 0 with input as inp with data.sdescan.params as params
	count(check.missing) == 0 with input as inp with data.sdescan.params as params
	check.applicable with input as inp with data.sdescan.params as params
}

test_fail_user_administrator_access if {
	inp := res("aws.iam.user", {"user_name": "alice", "attached_policies": [{"policy_name": "AdministratorAccess", "policy_arn": admin_arn}], "inline_policies": []})
	check.deny == {"IAM user alice has AdministratorAccess attached"} with input as inp with data.sdescan.params as params
}

test_fail_broad_managed_policies if {
	inp := res("aws.iam.user", {
		"user_name": "alice", "attached_policies": [
			{"policy_name": "PowerUserAccess", "policy_arn": "arn:aws:iam::aws:policy/PowerUserAccess"},
			{"policy_name": "IAMFullAccess", "policy_arn": "arn:aws:iam::aws:policy/IAMFullAccess"},
			{"policy_name": "AmazonS3FullAccess", "policy_arn": "arn:aws:iam::aws:policy/AmazonS3FullAccess"},
		],
		"inline_policies": [],
	})
	check.deny == {
		"IAM user alice has PowerUserAccess attached",
		"IAM user alice has IAMFullAccess attached",
		"IAM user alice has AmazonS3FullAccess attached",
	} with input as inp with data.sdescan.params as params
}

test_fail_group_inline_star_names_members if {
	inp := res("aws.iam.group", {"group_name": "ops", "members": ["alice", "bob"], "attached_policies": [], "inline_policies": [{"policy_name": "everything", "statements": [s3_read, star]}]})
	check.deny == {`IAM group ops (members: alice, bob) inline policy everything allows * on *`} with input as inp with data.sdescan.params as params
	inp2 := res("aws.iam.group", {"group_name": "ops", "members": [], "attached_policies": [{"policy_name": "AdministratorAccess", "policy_arn": admin_arn}], "inline_policies": []})
	check.deny == {"IAM group ops has AdministratorAccess attached"} with input as inp2 with data.sdescan.params as params
}

test_fail_inline_escalation if {
	inp := role("DataEngineer", {"attached_policies": [], "inline_policies": [{"policy_name": "deploy", "statements": [
		{"effect": "Allow", "actions": ["iam:PassRole"], "resources": ["arn:aws:iam::111111111111:role/*"]},
		{"effect": "Allow", "actions": ["ec2:RunInstances"], "resources": ["*"]},
	]}]})
	check.deny == {"IAM role DataEngineer inline policy deploy allows iam:PassRole on every role with ec2:RunInstances (privilege escalation: new compute runs as any role)"} with input as inp with data.sdescan.params as params
}

test_fail_inline_not_action if {
	inp := res("aws.iam.user", {"user_name": "alice", "attached_policies": [], "inline_policies": [{"policy_name": "most", "statements": [{"effect": "Allow", "not_actions": ["iam:*"], "resources": ["*"]}]}]})
	count(check.deny) == 1 with input as inp with data.sdescan.params as params
}

test_pass_inline_cancelled_by_deny if {
	inp := res("aws.iam.user", {"user_name": "alice", "attached_policies": [], "inline_policies": [{"policy_name": "iam", "statements": [
		{"effect": "Allow", "actions": ["iam:*"], "resources": ["*"]},
		{"effect": "Deny", "actions": ["iam:*"], "resources": ["*"]},
	]}]})
	count(check.deny) == 0 with input as inp with data.sdescan.params as params
}

test_fail_role if {
	inp := role("DataEngineer", {"attached_policies": [{"policy_name": "AdministratorAccess", "policy_arn": admin_arn}], "inline_policies": []})
	count(check.deny) == 1 with input as inp with data.sdescan.params as params
	check.applicable with input as inp with data.sdescan.params as params
}

test_not_applicable_break_glass_role if {
	inp := role("BreakGlassAdmin", {"attached_policies": [{"policy_name": "AdministratorAccess", "policy_arn": admin_arn}], "inline_policies": [{"policy_name": "all", "statements": [star]}]})
	not check.applicable with input as inp with data.sdescan.params as params
}

test_pass_policy_not_admin if {
	inp := res("aws.iam.policy", {"policy_name": "data-read", "statements": [s3_read], "attached_users": ["alice"], "attached_groups": [], "attached_roles": []})
	count(check.deny) == 0 with input as inp with data.sdescan.params as params
	count(check.missing) == 0 with input as inp with data.sdescan.params as params
}

test_pass_admin_policy_only_on_break_glass if {
	inp := res("aws.iam.policy", {"policy_name": "full", "statements": [star], "attached_users": [], "attached_groups": [], "attached_roles": ["BreakGlassAdmin"]})
	count(check.deny) == 0 with input as inp with data.sdescan.params as params
	count(check.missing) == 0 with input as inp with data.sdescan.params as params
}

test_fail_admin_policy_attached if {
	inp := res("aws.iam.policy", {"policy_name": "full", "statements": [star], "attached_users": ["bob"], "attached_groups": [], "attached_roles": ["BreakGlassAdmin", "Ops"]})
	check.deny == {`IAM policy full allows * on * and is attached to role Ops, user bob`} with input as inp with data.sdescan.params as params
}

test_fail_escalation_policy_attached_to_group if {
	inp := res("aws.iam.policy", {"policy_name": "iam-admin", "statements": [{"effect": "Allow", "actions": ["iam:Attach*"], "resources": ["*"]}], "attached_users": [], "attached_groups": ["ops"], "attached_roles": []})
	check.deny == {"IAM policy iam-admin allows iam:AttachGroupPolicy on every group, iam:AttachRolePolicy on every role, iam:AttachUserPolicy on every user (privilege escalation) and is attached to group ops"} with input as inp with data.sdescan.params as params
}

test_pass_broad_policy_not_attached if {
	inp := res("aws.iam.policy", {"policy_name": "full", "statements": [star], "attached_users": [], "attached_groups": [], "attached_roles": []})
	count(check.deny) == 0 with input as inp with data.sdescan.params as params
	count(check.missing) == 0 with input as inp with data.sdescan.params as params
}

test_missing_user if {
	inp := res("aws.iam.user", {"user_name": "alice", "attached_policies": []})
	check.missing == {"attributes.inline_policies"} with input as inp with data.sdescan.params as params
	count(check.deny) == 0 with input as inp with data.sdescan.params as params
}

test_missing_policy if {
	inp := res("aws.iam.policy", {"policy_name": "x"})
	check.missing == {"attributes.statements"} with input as inp with data.sdescan.params as params
	count(check.deny) == 0 with input as inp with data.sdescan.params as params
}

test_missing_policy_attachments if {
	inp := res("aws.iam.policy", {"policy_name": "full", "statements": [star]})
	count(check.missing) == 3 with input as inp with data.sdescan.params as params
	count(check.deny) == 0 with input as inp with data.sdescan.params as params
}
