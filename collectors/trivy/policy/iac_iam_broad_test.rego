package sdescan.checks.iac.iam_broad_test

import data.sdescan.checks.iac.iam_broad as check
import rego.v1

tf(mode, t, cfg, unknown, refs) := {"resource": {"id": "x", "type": "iac.terraform.resource", "source": "iac", "attributes": {"mode": mode, "resource_type": t, "name": "n", "config": cfg, "unknown_attributes": unknown, "unknown_references": refs}}}

cfn(t, props) := {"resource": {"id": "x", "type": "iac.cloudformation.resource", "source": "iac", "attributes": {"resource_type": t, "name": "N", "properties": props}}}

doc(action, res) := json.marshal({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": action, "Resource": res}]})

test_pass_scoped_policy if {
	inp := tf("resource", "aws_iam_policy", {"policy": doc(["s3:GetObject", "s3:ListBucket"], "arn:aws:s3:::b/*")}, [], {})
	check.applicable with input as inp
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_pass_service_wide_on_one_resource if {
	inp := tf("resource", "aws_iam_role_policy", {"policy": doc("s3:*", "arn:aws:s3:::b/*")}, [], {})
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_pass_all_actions_on_one_resource if {
	inp := tf("resource", "aws_iam_policy", {"policy": doc("*", "arn:aws:s3:::b")}, [], {})
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_pass_deny_statement if {
	d := json.marshal({"Statement": {"Effect": "Deny", "Action": "*", "Resource": "*"}})
	count(check.deny) == 0 with input as tf("resource", "aws_iam_policy", {"policy": d}, [], {})
}

test_fail_all_actions if {
	check.deny == {`aws_iam_policy n: policy allows * on *`} with input as tf("resource", "aws_iam_policy", {"policy": doc("*", "*")}, [], {})
}

test_fail_service_wide_on_all if {
	check.deny == {`aws_iam_user_policy n: policy allows s3:* on *`} with input as tf("resource", "aws_iam_user_policy", {"policy": doc(["s3:*"], ["*"])}, [], {})
	count(check.deny) == 1 with input as tf("resource", "aws_iam_group_policy", {"policy": doc("IAM:*", "arn:aws:iam::111111111111:*")}, [], {})
}

test_fail_not_action if {
	d := json.marshal({"Statement": [{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}]})
	check.deny == {`aws_iam_policy n: policy allows every action but ["iam:*"] (NotAction) on *`} with input as tf("resource", "aws_iam_policy", {"policy": d}, [], {})
}

test_fail_escalation if {
	d := json.marshal({"Statement": [
		{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"},
		{"Effect": "Allow", "Action": ["lambda:CreateFunction", "lambda:InvokeFunction"], "Resource": "*"},
	]})
	count(check.deny) == 1 with input as tf("resource", "aws_iam_role_policy", {"policy": d}, [], {})
	count(check.deny) == 1 with input as tf("resource", "aws_iam_policy", {"policy": doc("iam:Put*", "*")}, [], {})
}

test_pass_deny_cancels if {
	d := json.marshal({"Statement": [
		{"Effect": "Allow", "Action": "iam:*", "Resource": "*"},
		{"Effect": "Deny", "Action": "iam:*", "Resource": "*"},
	]})
	count(check.deny) == 0 with input as tf("resource", "aws_iam_policy", {"policy": d}, [], {})
}

test_fail_managed_attachment if {
	check.deny == {"aws_iam_role_policy_attachment n attaches the broad AWS-managed policy arn:aws:iam::aws:policy/AdministratorAccess"} with input as tf("resource", "aws_iam_role_policy_attachment", {"policy_arn": "arn:aws:iam::aws:policy/AdministratorAccess"}, [], {})
	count(check.deny) == 1 with input as tf("resource", "aws_iam_group_policy_attachment", {"policy_arn": "arn:aws:iam::aws:policy/AmazonS3FullAccess"}, [], {})
	count(check.deny) == 1 with input as tf("resource", "aws_iam_policy_attachment", {"policy_arn": "arn:aws:iam::aws:policy/PowerUserAccess"}, [], {})
	count(check.deny) == 1 with input as tf("resource", "aws_iam_user_policy_attachment", {"policy_arn": "arn:aws:iam::aws:policy/IAMFullAccess"}, [], {})
}

test_pass_narrow_managed_attachment if {
	inp := tf("resource", "aws_iam_role_policy_attachment", {"policy_arn": "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"}, [], {})
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_fail_role_inline_and_managed if {
	inp := tf("resource", "aws_iam_role", {"inline_policy": [{"name": "all", "policy": doc("*", "*")}], "managed_policy_arns": ["arn:aws:iam::aws:policy/AdministratorAccess"]}, [], {})
	count(check.deny) == 2 with input as inp
}

test_fail_policy_document if {
	inp := tf("data", "aws_iam_policy_document", {"statement": [{"actions": ["s3:GetObject"], "resources": ["*"]}, {"actions": ["kms:*"], "resources": ["*"]}]}, [], {})
	check.deny == {`aws_iam_policy_document n: allows kms:* on *`} with input as inp
}

test_policy_document_variants if {
	# escalation across statements
	inp := tf(
		"data", "aws_iam_policy_document", {"statement": [
			{"actions": ["iam:PassRole"], "resources": ["arn:aws:iam::*:role/*"]},
			{"actions": ["ec2:RunInstances"], "resources": ["*"]},
		]},
		[], {},
	)
	count(check.deny) == 1 with input as inp

	# the delegation pattern
	inp2 := tf(
		"data", "aws_iam_policy_document", {"statement": [{
			"actions": ["iam:AttachRolePolicy", "iam:PutRolePolicy"], "resources": ["*"],
			"condition": [{"test": "StringEquals", "variable": "iam:PermissionsBoundary", "values": ["arn:aws:iam::111111111111:policy/boundary"]}],
		}]},
		[], {},
	)
	count(check.deny) == 0 with input as inp2
	count(check.missing) == 0 with input as inp2

	# a resource policy (principals): not an identity grant
	inp3 := tf("data", "aws_iam_policy_document", {"statement": [{"actions": ["kms:*"], "resources": ["*"], "principals": [{"type": "AWS", "identifiers": ["arn:aws:iam::111111111111:root"]}]}]}, [], {})
	count(check.deny) == 0 with input as inp3
	count(check.missing) == 0 with input as inp3

	# a source document written in the block
	inp4 := tf("data", "aws_iam_policy_document", {"source_policy_documents": [doc("*", "*")], "statement": [{"actions": ["s3:GetObject"], "resources": ["arn:aws:s3:::b/*"]}]}, [], {})
	count(check.deny) == 1 with input as inp4
}

test_pass_policy_document_deny if {
	inp := tf("data", "aws_iam_policy_document", {"statement": [{"effect": "Deny", "actions": ["*"], "resources": ["*"]}]}, [], {})
	count(check.deny) == 0 with input as inp
}

test_missing_policy_document_unknown_parts if {
	# resources unknown offline (left out by the parser): "*" at worst
	inp := tf("data", "aws_iam_policy_document", {"statement": [{"actions": ["s3:*"]}]}, [], {})
	check.missing == {"attributes.config.statement"} with input as inp
	count(check.deny) == 0 with input as inp

	# actions unknown offline
	inp2 := tf("data", "aws_iam_policy_document", {"statement": [{"resources": ["*"]}]}, [], {})
	check.missing == {"attributes.config.statement"} with input as inp2

	# a trust policy has no resources, and is narrow whatever they were
	inp3 := tf("data", "aws_iam_policy_document", {"statement": [{"actions": ["sts:AssumeRole"], "principals": [{"type": "Service", "identifiers": ["ec2.amazonaws.com"]}]}]}, [], {})
	count(check.missing) == 0 with input as inp3
	count(check.deny) == 0 with input as inp3

	# a source document known only once deployed and not judged here
	inp4 := tf("data", "aws_iam_policy_document", {"statement": []}, ["source_policy_documents"], {"source_policy_documents": ["var.extra"]})
	check.missing == {"attributes.config.source_policy_documents"} with input as inp4
	inp5 := tf("data", "aws_iam_policy_document", {"statement": []}, ["source_policy_documents"], {"source_policy_documents": ["data.aws_iam_policy_document.base.json"]})
	count(check.missing) == 0 with input as inp5
}

test_fail_cloudformation if {
	check.deny == {`AWS::IAM::ManagedPolicy N: PolicyDocument allows * on *`} with input as cfn("AWS::IAM::ManagedPolicy", {"PolicyDocument": {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}})
	count(check.deny) == 2 with input as cfn("AWS::IAM::Role", {
		"Policies": [{"PolicyName": "p", "PolicyDocument": {"Statement": [{"Effect": "Allow", "Action": "ec2:*", "Resource": "*"}]}}],
		"ManagedPolicyArns": [{"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/AdministratorAccess"}],
	})
	count(check.deny) == 1 with input as cfn("AWS::IAM::Policy", {"PolicyDocument": json.marshal({"Statement": [{"Effect": "Allow", "Action": "iam:*", "Resource": "*"}]})})
}

test_pass_cloudformation if {
	inp := cfn("AWS::IAM::Role", {"Policies": [{"PolicyName": "p", "PolicyDocument": {"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}}], "ManagedPolicyArns": ["arn:aws:iam::aws:policy/ReadOnlyAccess"]})
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_cloudformation_resources_built_with_functions if {
	# an ARN of the template's own resource, or built around one, names that resource
	inp := cfn("AWS::IAM::Policy", {"PolicyDocument": {"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": [
		{"Fn::GetAtt": ["Bucket", "Arn"]},
		{"Fn::Sub": "${Bucket.Arn}/*"},
		{"Fn::Join": ["", ["arn:aws:s3:::", {"Ref": "Bucket"}, "/*"]]},
	]}]}})
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp

	# a bare Ref (a parameter) may be "*": not assessed when that matters
	inp2 := cfn("AWS::IAM::Policy", {"PolicyDocument": {"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": {"Ref": "Target"}}]}})
	check.missing == {"attributes.properties.PolicyDocument"} with input as inp2
	count(check.deny) == 0 with input as inp2
	inp3 := cfn("AWS::IAM::Policy", {"PolicyDocument": {"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": {"Ref": "Target"}}]}})
	count(check.missing) == 0 with input as inp3

	# a function elsewhere in a statement: not read
	inp4 := cfn("AWS::IAM::Policy", {"PolicyDocument": {"Statement": [{"Effect": "Allow", "Action": {"Ref": "Actions"}, "Resource": "arn:aws:s3:::b/*"}]}})
	check.missing == {"attributes.properties.PolicyDocument"} with input as inp4
	inp5 := cfn("AWS::IAM::Role", {"Policies": [{"PolicyName": "p", "PolicyDocument": {"Statement": [{"Effect": {"Ref": "Effect"}, "Action": "s3:GetObject", "Resource": "*"}]}}]})
	check.missing == {"attributes.properties.Policies[0]"} with input as inp5
	inp6 := cfn("AWS::IAM::Policy", {"PolicyDocument": {"Statement": {"Fn::If": ["C", {}, {}]}}})
	check.missing == {"attributes.properties.PolicyDocument"} with input as inp6
}

test_missing_unknown_policy if {
	inp := tf("resource", "aws_iam_policy", {}, ["policy"], {"policy": ["var.policy"]})
	check.missing == {"attributes.config.policy"} with input as inp
	count(check.deny) == 0 with input as inp
}

test_missing_unresolved_document if {
	inp := tf("resource", "aws_iam_policy", {"policy": "{\"Statement\": ${x}}"}, [], {})
	check.missing == {"attributes.config.policy"} with input as inp
	count(check.deny) == 0 with input as inp
	inp2 := tf("resource", "aws_iam_policy", {"policy": "{\"Statement\": \"x\"}"}, [], {})
	check.missing == {"attributes.config.policy"} with input as inp2
}

test_missing_cloudformation_arn if {
	inp := cfn("AWS::IAM::Role", {"ManagedPolicyArns": [{"Ref": "PolicyArn"}]})
	check.missing == {"attributes.properties.ManagedPolicyArns"} with input as inp
}

test_reference_judged_elsewhere if {
	inp := tf("resource", "aws_iam_role_policy_attachment", {}, ["policy_arn"], {"policy_arn": ["aws_iam_policy.read.arn"]})
	count(check.missing) == 0 with input as inp
	count(check.deny) == 0 with input as inp
	inp2 := tf("resource", "aws_iam_policy", {}, ["policy"], {"policy": ["data.aws_iam_policy_document.read.json"]})
	count(check.missing) == 0 with input as inp2
}

test_not_applicable if {
	not check.applicable with input as tf("resource", "aws_s3_bucket", {}, [], {})
	not check.applicable with input as tf("data", "aws_iam_policy", {}, [], {})
	not check.applicable with input as cfn("AWS::S3::Bucket", {})
}

test_not_applicable_break_glass_role if {
	params := {"break_glass_roles": ["BreakGlassAdmin"]}
	admin := "arn:aws:iam::aws:policy/AdministratorAccess"
	not check.applicable with input as tf("resource", "aws_iam_role_policy_attachment", {"role": "BreakGlassAdmin", "policy_arn": admin}, [], {}) with data.sdescan.params as params
	not check.applicable with input as tf("resource", "aws_iam_role_policy", {"role": "BreakGlassAdmin", "policy": doc("*", "*")}, [], {}) with data.sdescan.params as params
	not check.applicable with input as tf("resource", "aws_iam_role", {"name": "BreakGlassAdmin", "managed_policy_arns": [admin]}, [], {}) with data.sdescan.params as params
	not check.applicable with input as cfn("AWS::IAM::Role", {"RoleName": "BreakGlassAdmin", "ManagedPolicyArns": [admin]}) with data.sdescan.params as params

	# another role, or no break-glass roles configured
	check.applicable with input as tf("resource", "aws_iam_role_policy_attachment", {"role": "Ops", "policy_arn": admin}, [], {}) with data.sdescan.params as params
	check.applicable with input as tf("resource", "aws_iam_role_policy_attachment", {"role": "BreakGlassAdmin", "policy_arn": admin}, [], {})

	# a policy is judged on its own
	check.applicable with input as tf("resource", "aws_iam_policy", {"policy": doc("*", "*")}, [], {}) with data.sdescan.params as params
}

test_cloudformation_functions_in_conditions_and_principals if {
	# a function among condition values: read, the condition is no restriction
	inp := cfn("AWS::IAM::Role", {"Policies": [{"PolicyName": "p", "PolicyDocument": {"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}}}]}}]})
	count(check.missing) == 0 with input as inp
	count(check.deny) == 0 with input as inp
	boundary := {"StringEquals": {"iam:PermissionsBoundary": {"Fn::Sub": "arn:aws:iam::${AWS::AccountId}:policy/boundary"}}}
	inp2 := cfn("AWS::IAM::Policy", {"PolicyDocument": {"Statement": [{"Effect": "Allow", "Action": "iam:AttachRolePolicy", "Resource": "*", "Condition": boundary}]}})
	count(check.deny) == 1 with input as inp2

	# a function as a principal: not "*", so a Deny naming it cancels nothing
	inp3 := cfn("AWS::IAM::Policy", {"PolicyDocument": {"Statement": [
		{"Effect": "Allow", "Action": "iam:*", "Resource": "*"},
		{"Effect": "Deny", "Action": "iam:*", "Resource": "*", "Principal": {"AWS": {"Ref": "Who"}}},
	]}})
	count(check.deny) == 1 with input as inp3
	count(check.missing) == 0 with input as inp3
}
