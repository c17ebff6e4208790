package trivy

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/checks/engine"
	"github.com/sdescan/sdescan/checks/policydoc"
)

// iamCases are identity policy documents with the verdict both AWS-IAM-007
// (live) and IAC-IAM-001 (code) must give them
// (collectors/aws/policy/lib_iam_policy.rego): broad when an Allow grants every
// action of a service on every resource, every action but a few (NotAction) on
// every resource, or a privilege escalation path on every IAM entity, unless a
// Deny cancels it in full; a condition does not narrow it, except the
// permissions-boundary delegation pattern on an escalation path. A statement
// with a Principal belongs to a resource policy and is not judged.
var iamCases = []struct {
	name string
	pass bool
	stmt []any
}{
	{"* on *", false, []any{allowStmt("*", "*")}},
	{"Action list holding *", false, []any{allowStmt([]any{"s3:GetObject", "*"}, "*")}},
	{"* on one bucket", true, []any{allowStmt("*", "arn:aws:s3:::b")}},
	{"s3:* on *", false, []any{allowStmt("s3:*", "*")}},
	{"s3:* on a list holding *", false, []any{allowStmt([]any{"s3:*"}, []any{"arn:aws:s3:::b", "*"})}},
	{"S3:* upper case", false, []any{allowStmt("S3:*", "*")}},
	{"iam:* on *", false, []any{allowStmt("iam:*", "*")}},
	{"iam:* on every IAM resource of the account", false, []any{allowStmt("iam:*", "arn:aws:iam::111111111111:*")}},
	{"s3:* on arn:aws:*:*:*:*", false, []any{allowStmt("s3:*", "arn:aws:*:*:*:*")}},
	{"s3:* on every object", false, []any{allowStmt("s3:*", "arn:aws:s3:::*/*")}},
	{"s3:* on one bucket's objects", true, []any{allowStmt("s3:*", "arn:aws:s3:::b/*")}},
	{"s3:* on one bucket ARN without /*", true, []any{allowStmt("s3:*", "arn:aws:s3:::b")}},
	{"s3:* on the bucket and its objects", true, []any{allowStmt("s3:*", []any{"arn:aws:s3:::b", "arn:aws:s3:::b/*"})}},
	{"Action list of reads on *", true, []any{allowStmt([]any{"s3:GetObject", "s3:ListBucket"}, "*")}},
	{"s3:Get* on *", true, []any{allowStmt("s3:Get*", "*")}},
	{"NotAction on *", false, []any{stmtWith(allowStmt(nil, "*"), map[string]any{"NotAction": "iam:*"})}},
	{"NotAction on one bucket", true, []any{stmtWith(allowStmt(nil, "arn:aws:s3:::b/*"), map[string]any{"NotAction": []any{"iam:*"}})}},
	{"NotResource", false, []any{stmtWith(allowStmt("s3:*", nil), map[string]any{"NotResource": "arn:aws:s3:::secret/*"})}},
	{"Deny * on *", true, []any{stmtWith(allowStmt("*", "*"), map[string]any{"Effect": "Deny"})}},
	{"Deny cancelling the Allow", true, []any{allowStmt("iam:*", "*"), stmtWith(allowStmt("iam:*", "*"), map[string]any{"Effect": "Deny"})}},
	{"Deny of part of the Allow", false, []any{allowStmt("*", "*"), stmtWith(allowStmt("iam:*", "*"), map[string]any{"Effect": "Deny"})}},
	{"Deny under a condition", false, []any{allowStmt("s3:*", "*"), stmtWith(allowStmt("s3:*", "*"), map[string]any{"Effect": "Deny",
		"Condition": map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}}})}},
	{"condition on MFA", false, []any{stmtWith(allowStmt("*", "*"), map[string]any{"Condition": map[string]any{"Bool": map[string]any{"aws:MultiFactorAuthPresent": true}}})}},
	{"condition on the source VPC", false, []any{stmtWith(allowStmt("s3:*", "*"), map[string]any{"Condition": map[string]any{"StringEquals": map[string]any{"aws:SourceVpc": "vpc-1"}}})}},
	{"PassRole on * and RunInstances", false, []any{allowStmt("iam:PassRole", "*"), allowStmt("ec2:RunInstances", "*")}},
	{"PassRole and CreateFunction in one statement", false, []any{allowStmt([]any{"iam:PassRole", "lambda:CreateFunction"}, "*")}},
	{"PassRole on every role and RunInstances", false, []any{allowStmt("iam:PassRole", "arn:aws:iam::111111111111:role/*"), allowStmt("ec2:RunInstances", "*")}},
	{"PassRole to EC2 only and RunInstances", false, []any{
		stmtWith(allowStmt("iam:PassRole", "*"), map[string]any{"Condition": map[string]any{"StringEquals": map[string]any{"iam:PassedToService": "ec2.amazonaws.com"}}}),
		allowStmt("ec2:RunInstances", "*"),
	}},
	{"PassRole on one role and RunInstances", true, []any{allowStmt("iam:PassRole", "arn:aws:iam::111111111111:role/app"), allowStmt("ec2:RunInstances", "*")}},
	{"PassRole on * alone", true, []any{allowStmt("iam:PassRole", "*")}},
	{"iam:Put* on *", false, []any{allowStmt("iam:Put*", "*")}},
	{"iam:*Policy* on *", false, []any{allowStmt("iam:*Policy*", "*")}},
	{"iam:attachrolepolicy on every role", false, []any{allowStmt("iam:attachrolepolicy", "arn:aws:iam::*:role/*")}},
	{"iam:AttachRolePolicy on some roles", true, []any{allowStmt("iam:AttachRolePolicy", "arn:aws:iam::111111111111:role/app-*")}},
	{"iam:CreatePolicyVersion on *", false, []any{allowStmt("iam:CreatePolicyVersion", "*")}},
	{"iam:UpdateAssumeRolePolicy on *", false, []any{allowStmt("iam:UpdateAssumeRolePolicy", "*")}},
	{"iam:Attach* under a permissions boundary", true, []any{stmtWith(allowStmt([]any{"iam:AttachRolePolicy", "iam:PutRolePolicy"}, "*"),
		map[string]any{"Condition": map[string]any{"StringEquals": map[string]any{"iam:PermissionsBoundary": "arn:aws:iam::111111111111:policy/boundary"}}})}},
	{"iam:Attach* under an IfExists boundary", false, []any{stmtWith(allowStmt("iam:AttachRolePolicy", "*"),
		map[string]any{"Condition": map[string]any{"StringEqualsIfExists": map[string]any{"iam:PermissionsBoundary": "arn:aws:iam::111111111111:policy/boundary"}}})}},
	{"iam:Get* and iam:List* on *", true, []any{allowStmt([]any{"iam:Get*", "iam:List*"}, "*")}},
	{"Principal * (a resource policy)", true, []any{stmtWith(allowStmt("s3:*", "*"), map[string]any{"Principal": "*"})}},
	{"Principal one account (a resource policy)", true, []any{stmtWith(allowStmt("kms:*", "*"), map[string]any{"Principal": map[string]any{"AWS": "arn:aws:iam::111111111111:root"}})}},
	{"NotPrincipal (a resource policy)", true, []any{stmtWith(allowStmt("s3:*", "*"), map[string]any{"NotPrincipal": map[string]any{"AWS": "arn:aws:iam::111111111111:role/admin"}})}},
}

// allowStmt is an Allow of action on resource (nil leaves either out).
func allowStmt(action, resource any) map[string]any {
	s := map[string]any{"Effect": "Allow"}
	if action != nil {
		s["Action"] = action
	}
	if resource != nil {
		s["Resource"] = resource
	}
	return s
}

func stmtWith(s map[string]any, with map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range s {
		out[k] = v
	}
	for k, v := range with {
		out[k] = v
	}
	return out
}

// iamManagedCases are AWS-managed policy ARNs attached to a role, with the
// verdict both checks must give.
var iamManagedCases = []struct {
	name string
	arn  string
	pass bool
}{
	{"AdministratorAccess", "arn:aws:iam::aws:policy/AdministratorAccess", false},
	{"PowerUserAccess", "arn:aws:iam::aws:policy/PowerUserAccess", false},
	{"IAMFullAccess", "arn:aws:iam::aws:policy/IAMFullAccess", false},
	{"AmazonS3FullAccess", "arn:aws:iam::aws:policy/AmazonS3FullAccess", false},
	{"ReadOnlyAccess", "arn:aws:iam::aws:policy/ReadOnlyAccess", true},
	{"AmazonS3ReadOnlyAccess", "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess", true},
	{"a customer policy named AdministratorAccess", "arn:aws:iam::111111111111:policy/AdministratorAccess", true},
}

// TestIAMPairVerdicts feeds each policy document through every path —
// Terraform (aws_iam_policy with jsonencode, aws_iam_role_policy with a heredoc
// JSON text, aws_iam_role's inline_policy, data "aws_iam_policy_document"),
// CloudFormation (AWS::IAM::ManagedPolicy, AWS::IAM::Role Policies) and live
// facts (a customer managed aws.iam.policy attached to a role, and a role's
// inline policy, as the AWS collector writes them, through the same normaliser)
// — and each AWS-managed policy attached to a role (live role and group,
// aws_iam_role_policy_attachment, aws_iam_role managed_policy_arns,
// AWS::IAM::Role ManagedPolicyArns), and wants the same verdict from
// AWS-IAM-007 and IAC-IAM-001 on all of them; a break-glass role is judged by
// neither.
func TestIAMPairVerdicts(t *testing.T) {
	var tf, cfn strings.Builder
	cfn.WriteString("AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n")
	facts := &checks.Facts{}
	live := func(typ, name string, attrs map[string]any) string {
		id := fmt.Sprintf("aws://111111111111/global/iam/%s/%s", typ, name)
		facts.Resources = append(facts.Resources, checks.Resource{ID: id, Type: "aws.iam." + typ, Source: "aws", Scope: checks.Scope{Account: "111111111111"}, Attributes: attrs})
		return id
	}
	want := map[string]checks.Status{}
	for i, tc := range iamCases {
		status := checks.Fail
		if tc.pass {
			status = checks.Pass
		}
		doc := map[string]any{"Version": "2012-10-17", "Statement": tc.stmt}
		text, err := json.MarshalIndent(doc, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(text), "${") || strings.Contains(string(text), "%{") {
			t.Fatalf("%s: the heredoc path cannot hold a template sequence", tc.name)
		}
		fmt.Fprintf(&tf, "resource \"aws_iam_policy\" \"je%02d\" {\n  name   = \"je%02d\"\n  policy = jsonencode(%s)\n}\n\n", i, i, hclExpr(doc))
		fmt.Fprintf(&tf, "resource \"aws_iam_role_policy\" \"hd%02d\" {\n  role   = \"app\"\n  policy = <<-EOT\n%s\n  EOT\n}\n\n", i, text)
		fmt.Fprintf(&tf, "resource \"aws_iam_role\" \"ir%02d\" {\n  name = \"ir%02d\"\n  inline_policy {\n    name   = \"p\"\n    policy = jsonencode(%s)\n  }\n}\n\n", i, i, hclExpr(doc))
		tf.WriteString(policyDocumentHCL(fmt.Sprintf("pd%02d", i), tc.stmt) + "\n")
		flow, _ := json.Marshal(doc)
		fmt.Fprintf(&cfn, "  M%02d:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument: %s\n", i, flow)
		fmt.Fprintf(&cfn, "  R%02d:\n    Type: AWS::IAM::Role\n    Properties:\n      Policies:\n        - PolicyName: p\n          PolicyDocument: %s\n", i, flow)
		stmts, err := policydoc.Normalize(string(text))
		if err != nil {
			t.Fatal(err)
		}
		list := make([]any, len(stmts))
		for j, s := range stmts {
			list[j] = s
		}
		want[live("policy", fmt.Sprintf("p%02d", i), map[string]any{
			"policy_name": fmt.Sprintf("p%02d", i), "arn": fmt.Sprintf("arn:aws:iam::111111111111:policy/p%02d", i), "statements": list,
			"attached_users": []any{}, "attached_groups": []any{}, "attached_roles": []any{"app"},
		})] = status
		want[live("role", fmt.Sprintf("r%02d", i), map[string]any{
			"role_name": fmt.Sprintf("r%02d", i), "attached_policies": []any{}, "inline_policies": []any{map[string]any{"policy_name": "p", "statements": list}},
		})] = status
		for _, id := range []string{
			fmt.Sprintf("iac:main.tf#aws_iam_policy.je%02d", i),
			fmt.Sprintf("iac:main.tf#aws_iam_role_policy.hd%02d", i),
			fmt.Sprintf("iac:main.tf#aws_iam_role.ir%02d", i),
			fmt.Sprintf("iac:main.tf#data.aws_iam_policy_document.pd%02d", i),
			fmt.Sprintf("iac:iam.yaml#M%02d", i),
			fmt.Sprintf("iac:iam.yaml#R%02d", i),
		} {
			want[id] = status
		}
	}
	for i, tc := range iamManagedCases {
		status := checks.Fail
		if tc.pass {
			status = checks.Pass
		}
		attached := []any{map[string]any{"policy_name": tc.arn[strings.LastIndexByte(tc.arn, '/')+1:], "policy_arn": tc.arn}}
		want[live("role", fmt.Sprintf("m%02d", i), map[string]any{"role_name": fmt.Sprintf("m%02d", i), "attached_policies": attached, "inline_policies": []any{}})] = status
		want[live("group", fmt.Sprintf("g%02d", i), map[string]any{"group_name": fmt.Sprintf("g%02d", i), "members": []any{"alice"}, "attached_policies": attached, "inline_policies": []any{}})] = status
		fmt.Fprintf(&tf, "resource \"aws_iam_role_policy_attachment\" \"at%02d\" {\n  role       = \"app\"\n  policy_arn = %q\n}\n\n", i, tc.arn)
		fmt.Fprintf(&tf, "resource \"aws_iam_role\" \"mr%02d\" {\n  name                = \"mr%02d\"\n  managed_policy_arns = [%q]\n}\n\n", i, i, tc.arn)
		fmt.Fprintf(&cfn, "  A%02d:\n    Type: AWS::IAM::Role\n    Properties:\n      ManagedPolicyArns: [%q]\n", i, tc.arn)
		for _, id := range []string{
			fmt.Sprintf("iac:main.tf#aws_iam_role_policy_attachment.at%02d", i),
			fmt.Sprintf("iac:main.tf#aws_iam_role.mr%02d", i),
			fmt.Sprintf("iac:iam.yaml#A%02d", i),
		} {
			want[id] = status
		}
	}
	// A break-glass role keeps full rights by design: not judged, live or in code.
	admin := "arn:aws:iam::aws:policy/AdministratorAccess"
	want[live("role", "BreakGlassAdmin", map[string]any{"role_name": "BreakGlassAdmin",
		"attached_policies": []any{map[string]any{"policy_name": "AdministratorAccess", "policy_arn": admin}}, "inline_policies": []any{}})] = checks.NotApplicable
	fmt.Fprintf(&tf, "resource \"aws_iam_role_policy_attachment\" \"bg\" {\n  role       = \"BreakGlassAdmin\"\n  policy_arn = %q\n}\n\n", admin)
	fmt.Fprintf(&tf, "resource \"aws_iam_role\" \"bg\" {\n  name                = \"BreakGlassAdmin\"\n  managed_policy_arns = [%q]\n}\n\n", admin)
	fmt.Fprintf(&cfn, "  BreakGlass:\n    Type: AWS::IAM::Role\n    Properties:\n      RoleName: BreakGlassAdmin\n      ManagedPolicyArns: [%q]\n", admin)
	want["iac:main.tf#aws_iam_role_policy_attachment.bg"] = checks.NotApplicable
	want["iac:main.tf#aws_iam_role.bg"] = checks.NotApplicable
	want["iac:iam.yaml#BreakGlass"] = checks.NotApplicable

	got := byResource(pairRunWith(t, map[string]string{"main.tf": tf.String(), "iam.yaml": cfn.String()}, facts.Resources,
		engine.Params{AsOf: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), BreakGlassRoles: []string{"BreakGlassAdmin"}}, "AWS-IAM-007", "IAC-IAM-001"))
	ids := make([]string, 0, len(want))
	for id := range want {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		f, ok := got[id]
		switch {
		case !ok:
			t.Errorf("%s: no finding", id)
		case f.Status != want[id]:
			t.Errorf("%s: %s, want %s (%v)", id, f.Status, want[id], f.Messages)
		}
	}
	if t.Failed() {
		for i, tc := range iamCases {
			t.Logf("case %02d: %s", i, tc.name)
		}
		for i, tc := range iamManagedCases {
			t.Logf("managed case %02d: %s", i, tc.name)
		}
	}
}
