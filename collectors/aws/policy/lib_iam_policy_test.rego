package sdescan.lib.iam_policy_test

import data.sdescan.lib.iam_policy as lib
import rego.v1

allow(actions, resources) := {"effect": "Allow", "actions": actions, "resources": resources}

deny(actions, resources) := {"effect": "Deny", "actions": actions, "resources": resources}

broad(statements) if lib.broad(statements)

narrow(statements) if not lib.broad(statements)

test_all_on_all if {
	lib.findings([allow(["*"], ["*"])]) == {`allows * on *`}
	broad([allow(["*:*"], ["*"])])
	broad([allow(["s3:GetObject", "*"], ["arn:aws:s3:::b/*", "*"])])
}

test_all_actions_on_one_resource_is_narrow if {
	narrow([allow(["*"], ["arn:aws:s3:::b/*"])])
	narrow([allow(["*"], ["arn:aws:s3:::b"])])
}

test_service_wide if {
	lib.findings([allow(["iam:*"], ["*"])]) == {`allows iam:* on *`}
	broad([allow(["s3:*"], ["*"])])
	broad([allow(["S3:*"], ["*"])])
	broad([allow(["s*:*"], ["*"])])
	broad([allow(["kms:**"], ["*"])])
	narrow([allow(["s3:*"], ["arn:aws:s3:::b/*"])])
	narrow([allow(["s3:*"], ["arn:aws:s3:::b", "arn:aws:s3:::b/*"])])
	narrow([allow(["s3:Get*"], ["*"])])
	narrow([allow(["s3:GetObject", "s3:ListBucket"], ["*"])])
}

test_wildcard_arns if {
	broad([allow(["s3:*"], ["arn:aws:*:*:*:*"])])
	broad([allow(["s3:*"], ["arn:*"])])
	broad([allow(["s3:*"], ["arn:aws:*"])])
	broad([allow(["s3:*"], ["arn:aws:s3:::*"])])
	broad([allow(["s3:*"], ["arn:aws:s3:::*/*"])])
	broad([allow(["s3:*"], ["ARN:AWS:S3:::*"])])
	broad([allow(["iam:*"], ["arn:aws:iam::111111111111:*"])])
	broad([allow(["*"], ["arn:aws:s3:::*"])])

	# another service's resources, or some of them
	narrow([allow(["iam:*"], ["arn:aws:s3:::*"])])
	narrow([allow(["s3:*"], ["arn:aws:s3:::data-*"])])
	narrow([allow(["s3:*"], ["arn:aws:s3:::*/raw/*"])])
}

test_not_resource_is_every_resource if {
	lib.findings([{"effect": "Allow", "actions": ["s3:*"], "not_resources": ["arn:aws:s3:::secret/*"]}]) == {`allows s3:* on every resource but ["arn:aws:s3:::secret/*"] (NotResource)`}
	narrow([{"effect": "Allow", "actions": ["s3:GetObject"], "not_resources": ["arn:aws:s3:::secret/*"]}])
}

test_not_action if {
	lib.findings([{"effect": "Allow", "not_actions": ["iam:*"], "resources": ["*"]}]) == {`allows every action but ["iam:*"] (NotAction) on *`}
	broad([{"effect": "Allow", "not_actions": ["s3:GetObject"], "resources": ["arn:aws:s3:::*"]}])
	narrow([{"effect": "Allow", "not_actions": ["iam:*"], "resources": ["arn:aws:s3:::b/*"]}])
	narrow([{"effect": "Allow", "not_actions": ["*"], "resources": ["*"]}])
}

test_conditions_do_not_narrow_wide_grants if {
	broad([object.union(allow(["*"], ["*"]), {"conditions": {"Bool": {"aws:multifactorauthpresent": ["true"]}}})])
	broad([object.union(allow(["s3:*"], ["*"]), {"conditions": {"StringEquals": {"aws:resourcetag/project": ["x"]}}})])
	broad([object.union(allow(["iam:*"], ["*"]), {"conditions": {"StringEquals": {"iam:permissionsboundary": ["arn:aws:iam::111111111111:policy/boundary"]}}})])
}

test_escalation_writes if {
	lib.findings([allow(["iam:PutRolePolicy"], ["*"])]) == {"allows iam:PutRolePolicy on every role (privilege escalation)"}
	lib.findings([allow(["iam:Put*"], ["*"])]) == {"allows iam:PutGroupPolicy on every group, iam:PutRolePolicy on every role, iam:PutUserPolicy on every user (privilege escalation)"}
	broad([allow(["iam:*Policy*"], ["*"])])
	broad([allow(["IAM:attach*"], ["*"])])
	broad([allow(["iam:AttachRolePolicy"], ["arn:aws:iam::*:role/*"])])
	broad([allow(["iam:AttachRolePolicy"], ["arn:aws:iam::111111111111:role/*"])])
	broad([allow(["iam:CreatePolicyVersion"], ["arn:aws:iam::111111111111:policy/*"])])
	broad([allow(["iam:UpdateAssumeRolePolicy"], ["arn:aws:iam::*:*"])])
	broad([allow(["iam:CreateAccessKey"], ["arn:aws:iam::*:user/*"])])
	broad([{"effect": "Allow", "actions": ["iam:AttachRolePolicy"], "not_resources": ["arn:aws:iam::*:role/admin"]}])

	# a NotAction that leaves an escalation on every role
	broad([{"effect": "Allow", "not_actions": ["s3:*"], "resources": ["arn:aws:iam::*:role/*"]}])

	# some entities, or entities of another kind
	narrow([allow(["iam:PutRolePolicy"], ["arn:aws:iam::111111111111:role/app-*"])])
	narrow([allow(["iam:PutRolePolicy"], ["arn:aws:iam::111111111111:role/team/*"])])
	narrow([allow(["iam:PutRolePolicy"], ["arn:aws:iam::*:user/*"])])
	narrow([allow(["iam:Get*", "iam:List*"], ["*"])])
	narrow([allow(["iam:PutRolePermissionsBoundary"], ["*"])])
}

test_escalation_reported_once_when_wide if {
	lib.findings([allow(["iam:*"], ["*"])]) == {`allows iam:* on *`}
	lib.findings([allow(["*"], ["*"])]) == {`allows * on *`}
}

test_pass_role_with_launch if {
	lib.findings([allow(["iam:PassRole"], ["*"]), allow(["ec2:RunInstances"], ["*"])]) == {"allows iam:PassRole on every role with ec2:RunInstances (privilege escalation: new compute runs as any role)"}
	broad([allow(["iam:PassRole", "lambda:CreateFunction"], ["*"])])
	broad([allow(["iam:passrole"], ["arn:aws:iam::*:role/*"]), allow(["ec2:Run*"], ["arn:aws:ec2:eu-west-2:111111111111:instance/*"])])
	broad([allow(["iam:PassRole"], ["*"]), allow(["ec2:*"], ["arn:aws:ec2:*:*:instance/*"])])

	# iam:PassedToService names where the role may go, not which role: still broad
	broad([
		object.union(allow(["iam:PassRole"], ["*"]), {"conditions": {"StringEquals": {"iam:passedtoservice": ["ec2.amazonaws.com"]}}}),
		allow(["ec2:RunInstances"], ["*"]),
	])

	# no launch, or one role
	narrow([allow(["iam:PassRole"], ["*"])])
	narrow([allow(["iam:PassRole"], ["arn:aws:iam::111111111111:role/app"]), allow(["ec2:RunInstances"], ["*"])])
}

test_delegation_pattern if {
	boundary := {"StringEquals": {"iam:permissionsboundary": ["arn:aws:iam::111111111111:policy/boundary"]}}
	narrow([object.union(allow(["iam:AttachRolePolicy", "iam:PutRolePolicy"], ["*"]), {"conditions": boundary})])
	narrow([object.union(allow(["iam:AttachRolePolicy"], ["*"]), {"conditions": {"ArnEquals": {"iam:policyarn": ["arn:aws:iam::aws:policy/ReadOnlyAccess"]}}})])

	# not a restriction: IfExists, Like, a wildcard, a broad managed policy
	broad([object.union(allow(["iam:AttachRolePolicy"], ["*"]), {"conditions": {"StringEqualsIfExists": {"iam:permissionsboundary": ["arn:aws:iam::111111111111:policy/boundary"]}}})])
	broad([object.union(allow(["iam:AttachRolePolicy"], ["*"]), {"conditions": {"ArnLike": {"iam:policyarn": ["arn:aws:iam::aws:policy/ReadOnlyAccess"]}}})])
	broad([object.union(allow(["iam:AttachRolePolicy"], ["*"]), {"conditions": {"ArnEquals": {"iam:policyarn": ["arn:aws:iam::aws:policy/*"]}}})])
	broad([object.union(allow(["iam:AttachRolePolicy"], ["*"]), {"conditions": {"ArnEquals": {"iam:policyarn": ["arn:aws:iam::aws:policy/AdministratorAccess"]}}})])
}

test_deny_cancels_only_in_full if {
	narrow([allow(["*"], ["*"]), deny(["*"], ["*"])])
	narrow([allow(["iam:*"], ["*"]), deny(["IAM:*"], ["*"])])
	narrow([allow(["iam:Put*"], ["*"]), deny(["iam:*"], ["*"])])
	narrow([{"effect": "Allow", "not_actions": ["iam:*"], "resources": ["*"]}, deny(["*"], ["*"])])
	narrow([allow(["iam:PassRole", "ec2:RunInstances"], ["*"]), deny(["iam:PassRole"], ["*"])])

	# a Deny of part of the actions, of some resources, under a condition, or a NotAction Deny
	broad([allow(["*"], ["*"]), deny(["iam:*"], ["*"])])
	broad([allow(["iam:*"], ["*"]), deny(["iam:PassRole"], ["*"])])
	broad([allow(["s3:*"], ["*"]), deny(["s3:*"], ["arn:aws:s3:::secret/*"])])
	broad([allow(["s3:*"], ["*"]), object.union(deny(["s3:*"], ["*"]), {"conditions": {"Bool": {"aws:securetransport": ["false"]}}})])
	broad([allow(["s3:*"], ["*"]), {"effect": "Deny", "not_actions": ["s3:GetObject"], "resources": ["*"]}])
	broad([allow(["s3:*"], ["*"]), deny(["s?:*"], ["*"])])
	broad([{"effect": "Allow", "not_actions": ["iam:*"], "resources": ["*"]}, deny(["s3:*"], ["*"])])
}

test_principal_statements_are_not_identity_grants if {
	narrow([object.union(allow(["kms:*"], ["*"]), {"principals": {"AWS": ["arn:aws:iam::111111111111:root"]}})])
	narrow([object.union(allow(["s3:*"], ["*"]), {"principals": {"AWS": ["*"]}})])
	narrow([object.union(allow(["s3:*"], ["*"]), {"not_principals": {"AWS": ["arn:aws:iam::111111111111:role/admin"]}})])
}

test_deny_and_unknown_effects_grant_nothing if {
	narrow([deny(["*"], ["*"])])
	narrow([{"actions": ["*"], "resources": ["*"]}])
	narrow([])
}

test_broad_managed_policy if {
	lib.broad_managed_policy("arn:aws:iam::aws:policy/AdministratorAccess")
	lib.broad_managed_policy("arn:aws-us-gov:iam::aws:policy/AdministratorAccess")
	lib.broad_managed_policy("arn:aws:iam::aws:policy/AdministratorAccess-Amplify")
	lib.broad_managed_policy("arn:aws:iam::aws:policy/PowerUserAccess")
	lib.broad_managed_policy("arn:aws:iam::aws:policy/IAMFullAccess")
	lib.broad_managed_policy("arn:aws:iam::aws:policy/AmazonS3FullAccess")
	lib.broad_managed_policy("arn:aws:iam::aws:policy/AWSLambda_FullAccess")
	not lib.broad_managed_policy("arn:aws:iam::aws:policy/ReadOnlyAccess")
	not lib.broad_managed_policy("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess")
	not lib.broad_managed_policy("arn:aws:iam::111111111111:policy/AdministratorAccess")
}
