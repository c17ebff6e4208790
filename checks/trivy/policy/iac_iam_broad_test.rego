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

test_pass_deny_statement if {
	d := json.marshal({"Statement": {"Effect": "Deny", "Action": "*", "Resource": "*"}})
	count(check.deny) == 0 with input as tf("resource", "aws_iam_policy", {"policy": d}, [], {})
}

test_fail_all_actions if {
	check.deny == {`aws_iam_policy n: policy allows all actions ("*")`} with input as tf("resource", "aws_iam_policy", {"policy": doc("*", "arn:aws:s3:::b")}, [], {})
}

test_fail_service_wide_on_all if {
	check.deny == {`aws_iam_user_policy n: policy allows "s3:*" on all resources`} with input as tf("resource", "aws_iam_user_policy", {"policy": doc(["s3:*"], ["*"])}, [], {})
}

test_fail_managed_attachment if {
	check.deny == {"aws_iam_role_policy_attachment n attaches the broad AWS-managed policy arn:aws:iam::aws:policy/AdministratorAccess"} with input as tf("resource", "aws_iam_role_policy_attachment", {"policy_arn": "arn:aws:iam::aws:policy/AdministratorAccess"}, [], {})
	count(check.deny) == 1 with input as tf("resource", "aws_iam_group_policy_attachment", {"policy_arn": "arn:aws:iam::aws:policy/AmazonS3FullAccess"}, [], {})
	count(check.deny) == 1 with input as tf("resource", "aws_iam_policy_attachment", {"policy_arn": "arn:aws:iam::aws:policy/PowerUserAccess"}, [], {})
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
	check.deny == {`aws_iam_policy_document n: statement 1 allows "kms:*" on all resources`} with input as inp
}

test_pass_policy_document_deny if {
	inp := tf("data", "aws_iam_policy_document", {"statement": [{"effect": "Deny", "actions": ["*"], "resources": ["*"]}]}, [], {})
	count(check.deny) == 0 with input as inp
}

test_fail_cloudformation if {
	check.deny == {`AWS::IAM::ManagedPolicy N: PolicyDocument allows all actions ("*")`} with input as cfn("AWS::IAM::ManagedPolicy", {"PolicyDocument": {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}})
	count(check.deny) == 2 with input as cfn("AWS::IAM::Role", {
		"Policies": [{"PolicyName": "p", "PolicyDocument": {"Statement": [{"Effect": "Allow", "Action": "ec2:*", "Resource": "*"}]}}],
		"ManagedPolicyArns": [{"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/AdministratorAccess"}],
	})
}

test_pass_cloudformation if {
	inp := cfn("AWS::IAM::Role", {"Policies": [{"PolicyName": "p", "PolicyDocument": {"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}}], "ManagedPolicyArns": ["arn:aws:iam::aws:policy/ReadOnlyAccess"]})
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
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
