# METADATA
# title: No IAM policy grants all actions or a whole service on all resources
# description: >-
#   A policy allowing "*" actions, or every action of a service ("s3:*") on every
#   resource, and the broad AWS-managed policies (AdministratorAccess, PowerUserAccess,
#   *FullAccess) let whoever holds them read, copy or delete any research data and
#   switch off the environment's controls: least privilege is the core of the SDE's
#   access model. A policy is broad when an Allow grants "*" or every action of a
#   service on every resource ("*" or a wildcard ARN), every action but a few
#   (NotAction) on every resource, or a privilege escalation path on every role, user,
#   group or policy (iam:Attach*Policy, iam:Put*Policy, iam:CreatePolicyVersion,
#   iam:UpdateAssumeRolePolicy…, or iam:PassRole with a compute launch such as
#   ec2:RunInstances); a condition does not narrow an Allow, and a Deny only when it
#   cancels it in full: the same decision as AWS-IAM-007 over the same normalised
#   statements (collectors/aws/policy/lib_iam_policy.rego). A document known only once
#   deployed is not assessed.
# custom:
#   id: IAC-IAM-001
#   severity: high
#   resource_types: [iac.terraform.resource, iac.cloudformation.resource]
#   remediation: >-
#     List the actions and the resource ARNs each role needs (s3:GetObject on
#     arn:aws:s3:::bucket/prefix/*), and attach customer-managed policies written that
#     way instead of AdministratorAccess, PowerUserAccess or *FullAccess; delegate IAM
#     changes only under a permissions boundary (iam:PermissionsBoundary condition).
package sdescan.checks.iac.iam_broad

import data.sdescan.lib.iam_policy
import rego.v1

default applicable := false

# Terraform arguments holding a policy document (JSON string).
tf_document_args := {
	"aws_iam_policy": "policy",
	"aws_iam_role_policy": "policy",
	"aws_iam_user_policy": "policy",
	"aws_iam_group_policy": "policy",
}

tf_attachments := {
	"aws_iam_role_policy_attachment",
	"aws_iam_user_policy_attachment",
	"aws_iam_group_policy_attachment",
	"aws_iam_policy_attachment",
}

cfn_kinds := {"AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", "AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group"}

attrs := input.resource.attributes

tf if input.resource.type == "iac.terraform.resource"

cfn if input.resource.type == "iac.cloudformation.resource"

applicable if {
	judged_type
	not break_glass
}

judged_type if {
	tf
	attrs.mode == "resource"
	attrs.resource_type in ((object.keys(tf_document_args) | tf_attachments) | {"aws_iam_role"})
}

judged_type if {
	tf
	attrs.mode == "data"
	attrs.resource_type == "aws_iam_policy_document"
}

judged_type if {
	cfn
	attrs.resource_type in cfn_kinds
}

# A role named in the configuration's break_glass_roles keeps full rights by
# design, as AWS-IAM-007 excludes it: the role, and its inline policies and
# attachments written as such, are not judged. A policy (aws_iam_policy,
# AWS::IAM::ManagedPolicy, an aws_iam_policy_document) is judged on its own:
# it can be attached to any role.
break_glass_roles := object.get(data.sdescan.params, "break_glass_roles", [])

break_glass if {
	tf
	attrs.resource_type == "aws_iam_role"
	attrs.config.name in break_glass_roles
}

break_glass if {
	tf
	attrs.resource_type in {"aws_iam_role_policy", "aws_iam_role_policy_attachment"}
	attrs.config.role in break_glass_roles
}

break_glass if {
	cfn
	attrs.resource_type == "AWS::IAM::Role"
	attrs.properties.RoleName in break_glass_roles
}

# --- the documents of the resource ---------------------------------------------
#
# documents contains [where, path, statements, worst]: a policy document of the
# resource (where names it in messages, path in missing), normalised as
# checks/policydoc normalises the live collector's (every list an array,
# Principal "*" as {"AWS": ["*"]}, condition keys lower-cased, condition values
# strings), and again with every part unknown offline at its broadest (worst):
# a document that passes but whose worst case would not is not assessed.

# A document given as a JSON string (Terraform, CloudFormation) or an object
# (CloudFormation).
parsed(d) := json.unmarshal(d) if {
	is_string(d)
	json.is_valid(d)
}

parsed(d) := d if is_object(d)

raw_documents contains ["policy", sprintf("attributes.config.%s", [arg]), attrs.config[arg]] if {
	tf
	arg := tf_document_args[attrs.resource_type]
	_ = attrs.config[arg]
}

raw_documents contains [sprintf("inline policy %v", [object.get(p, "name", "")]), "attributes.config.inline_policy", p.policy] if {
	tf
	attrs.resource_type == "aws_iam_role"
	some p in object.get(attrs.config, "inline_policy", [])
	_ = p.policy
}

raw_documents contains ["PolicyDocument", "attributes.properties.PolicyDocument", d] if {
	cfn
	d := attrs.properties.PolicyDocument
}

raw_documents contains [sprintf("policy %v", [object.get(p, "PolicyName", i)]), sprintf("attributes.properties.Policies[%d]", [i]), p.PolicyDocument] if {
	cfn
	some i, p in object.get(attrs.properties, "Policies", [])
}

documents contains [where, path, normalised(doc, false), normalised(doc, true)] if {
	some [where, path, d] in raw_documents
	doc := parsed(d)
}

# A data "aws_iam_policy_document": its statement blocks, and the documents of
# source_policy_documents and override_policy_documents written in the block
# (the provider merges them by Sid: judging them all together can only find
# more, never less).
documents contains ["", "attributes.config.statement", array.concat(tf_statements(false), merged), array.concat(tf_statements(true), merged)] if {
	tf
	attrs.resource_type == "aws_iam_policy_document"
	merged := [s |
		some arg in ["source_policy_documents", "override_policy_documents"]
		some d in object.get(attrs.config, arg, [])
		some s in normalised(parsed(d), false)
	]
}

# A document that is neither JSON nor an object (an unresolved interpolation),
# or holds what sdescan cannot read offline.
unreadable contains path if {
	some [_, path, d] in raw_documents
	not readable_document(d)
}

unreadable contains sprintf("attributes.config.%s", [arg]) if {
	tf
	attrs.resource_type == "aws_iam_policy_document"
	some arg in ["source_policy_documents", "override_policy_documents"]
	some d in object.get(attrs.config, arg, [])
	not readable_document(d)
}

readable_document(d) if {
	doc := parsed(d)
	normalised(doc, false)
}

# --- normalising a JSON document, as checks/policydoc does -------------------------
#
# CloudFormation: the intrinsic functions a statement's Resource or NotResource
# builds an ARN with are resolved as the IaC parser resolves a bucket policy's
# (Ref and Fn::GetAtt as ${Name}, Fn::Sub's template, Fn::Join of those); a
# value that is only a Ref or a ${Name} of the template (a parameter, perhaps
# "*") is "*" in the worst case. A function among condition values or
# principals is an unknown value; any other function, or one in Effect, Action
# or NotAction, leaves the document unread.

normalised(doc, worst) := [normalised_statement(s, worst) | some s in statement_list(doc)] if {
	is_object(doc)
	every s in statement_list(doc) {
		readable(s)
	}
}

statement_list(doc) := [] if object.get(doc, "Statement", null) == null

statement_list(doc) := [doc.Statement] if {
	is_object(doc.Statement)
	not intrinsic(doc.Statement)
}

statement_list(doc) := doc.Statement if is_array(doc.Statement)

statement_fields := {
	"Sid": "sid", "Effect": "effect",
	"Action": "actions", "NotAction": "not_actions",
	"Resource": "resources", "NotResource": "not_resources",
	"Principal": "principals", "NotPrincipal": "not_principals",
	"Condition": "conditions",
}

readable(s) if {
	is_object(s)
	not intrinsic(s)
	every f, v in s {
		readable_field(f, v)
	}
}

readable_field(f, v) if {
	f in {"Resource", "NotResource"}
	every x in as_list(v) {
		cfn_string(x)
	}
}

# A function among condition values or principals leaves that value unknown
# (unknown_value): a condition it is in is no clear restriction, and a
# principal it is is not "*", so the verdict can only be stricter.
readable_field("Condition", v) if {
	is_object(v)
	every _, kv in v {
		is_object(kv)
		not intrinsic(kv)
	}
}

readable_field(f, _) if f in {"Principal", "NotPrincipal", "Sid"}

readable_field(f, v) if {
	not f in {"Resource", "NotResource", "Condition", "Principal", "NotPrincipal", "Sid"}
	not holds_intrinsic(v)
}

# intrinsic(m): m is a CloudFormation function call.
intrinsic(m) if {
	is_object(m)
	count(m) == 1
	some k, _ in m
	intrinsic_name(k)
}

intrinsic_name(k) if k in {"Ref", "Condition"}

intrinsic_name(k) if startswith(k, "Fn::")

# holds_intrinsic(v): v (an Effect, an Action or NotAction) is a function call
# or a list holding one.
holds_intrinsic(v) if intrinsic(v)

holds_intrinsic(v) if {
	is_array(v)
	some x in v
	intrinsic(x)
}

normalised_statement(s, worst) := {k: v |
	some f, x in s
	k := statement_fields[f]
	v := normalised_field(f, x, worst)
}

normalised_field(f, x, _) := x if {
	f in {"Sid", "Effect"}
	is_string(x)
}

normalised_field(f, x, _) := string_list(x) if f in {"Action", "NotAction"}

normalised_field(f, x, worst) := [resolved(cfn_string(r), worst) | some r in as_list(x)] if f in {"Resource", "NotResource"}

normalised_field(f, x, _) := {"AWS": [x]} if {
	f in {"Principal", "NotPrincipal"}
	is_string(x)
}

normalised_field(f, x, _) := {k: string_list(v) | some k, v in x} if {
	f in {"Principal", "NotPrincipal"}
	is_object(x)
	not intrinsic(x)
}

normalised_field(f, x, _) := {"AWS": [unknown_value]} if {
	f in {"Principal", "NotPrincipal"}
	intrinsic(x)
}

normalised_field("Condition", x, _) := {op: {lower(k): string_list(v) | some k, v in kv} | some op, kv in x}

as_list(x) := x if is_array(x)

as_list(x) := [x] if not is_array(x)

string_list(x) := [to_string(v) | some v in as_list(x)]

to_string(v) := v if is_string(v)

to_string(v) := sprintf("%v", [v]) if {
	not is_string(v)
	not is_object(v)
	not is_array(v)
}

to_string(v) := unknown_value if is_object(v)

to_string(v) := unknown_value if is_array(v)

unknown_value := "${unknown}*"

# cfn_string(x): a string, or one built with Ref, Fn::GetAtt, Fn::Sub (of a
# string) or Fn::Join (of those) as ${Name}.
cfn_string(x) := x if is_string(x)

cfn_string(x) := cfn_part(x) if is_object(x)

cfn_string(x) := concat(x["Fn::Join"][0], [cfn_part(p) | some p in x["Fn::Join"][1]]) if {
	count(x) == 1
	is_array(x["Fn::Join"])
	count(x["Fn::Join"]) == 2
	is_string(x["Fn::Join"][0])
	is_array(x["Fn::Join"][1])
	every p in x["Fn::Join"][1] {
		cfn_part(p)
	}
}

cfn_part(x) := x if is_string(x)

cfn_part(x) := sprintf("${%s}", [x.Ref]) if {
	count(x) == 1
	is_string(x.Ref)
}

cfn_part(x) := sprintf("${%s}", [concat(".", x["Fn::GetAtt"])]) if {
	count(x) == 1
	is_array(x["Fn::GetAtt"])
	every p in x["Fn::GetAtt"] {
		is_string(p)
	}
}

cfn_part(x) := x["Fn::Sub"] if {
	count(x) == 1
	is_string(x["Fn::Sub"])
}

# resolved(r, worst): a value that is only a reference to a parameter or a
# resource of the template (${Name}, no attribute, not a pseudo parameter) may
# be "*": it is, in the worst case.
resolved(r, true) := "*" if regex.match(`^\$\{[A-Za-z0-9]+\}$`, r)

resolved(r, worst) := r if {
	not worst_reference(r, worst)
}

worst_reference(r, true) if regex.match(`^\$\{[A-Za-z0-9]+\}$`, r)

# --- normalising an aws_iam_policy_document --------------------------------------
#
# Its statement blocks as the AWS provider renders them (effect Allow unless
# written; principals by type, type "*" as {"AWS": ["*"]}; condition blocks
# merged by test and variable). An argument whose value is unknown offline is
# left out of the block by the parser: a statement with neither actions nor
# not_actions is taken to allow "*", and one with neither resources nor
# not_resources to be on "*", in the worst case.

tf_statements(worst) := [tf_statement(st, worst) | some st in object.get(attrs.config, "statement", [])]

tf_statement(st, worst) := object.union_n([
	{"effect": object.get(st, "effect", "Allow")},
	{k: string_list(st[k]) | some k in ["sid", "actions", "not_actions", "resources", "not_resources"]; is_array(st[k])},
	{k: principals |
		some b, k in {"principals": "principals", "not_principals": "not_principals"}
		count(object.get(st, b, [])) > 0
		principals := {principal_type(p.type): [i | some q in st[b]; principal_type(q.type) == principal_type(p.type); some i in string_list(q.identifiers)] | some p in st[b]}
	},
	{"conditions": tf_conditions(st) | count(object.get(st, "condition", [])) > 0},
	tf_worst(st, worst),
])

principal_type("*") := "AWS"

principal_type(t) := t if t != "*"

tf_conditions(st) := {c.test: {lower(d.variable): values |
	some d in st.condition
	d.test == c.test
	values := [v | some e in st.condition; e.test == c.test; lower(e.variable) == lower(d.variable); some v in string_list(e.values)]
} |
	some c in st.condition
}

tf_worst(_, false) := {}

tf_worst(st, true) := object.union(
	{"actions": ["*"] | not is_array(object.get(st, "actions", null)); not is_array(object.get(st, "not_actions", null))},
	{"resources": ["*"] | not is_array(object.get(st, "resources", null)); not is_array(object.get(st, "not_resources", null))},
)

# --- findings ----------------------------------------------------------------------

deny contains msg if {
	some [where, _, statements, _] in documents
	some f in iam_policy.findings(statements)
	msg := sprintf("%s %s: %s", [attrs.resource_type, attrs.name, concat(" ", [x | some x in [where, f]; x != ""])])
}

# An ARN as written: a string, or the template of a CloudFormation Fn::Sub.
arn_text(x) := x if is_string(x)

arn_text(x) := replace(x["Fn::Sub"], "${AWS::Partition}", "aws") if is_string(x["Fn::Sub"])

managed_finding(x) := sprintf("%s %s attaches the broad AWS-managed policy %s", [attrs.resource_type, attrs.name, arn_text(x)])

deny contains managed_finding(arn) if {
	tf
	attrs.resource_type in tf_attachments
	arn := attrs.config.policy_arn
	iam_policy.broad_managed_policy(arn_text(arn))
}

deny contains managed_finding(arn) if {
	tf
	attrs.resource_type == "aws_iam_role"
	some arn in object.get(attrs.config, "managed_policy_arns", [])
	iam_policy.broad_managed_policy(arn_text(arn))
}

deny contains managed_finding(arn) if {
	cfn
	some arn in object.get(attrs.properties, "ManagedPolicyArns", [])
	iam_policy.broad_managed_policy(arn_text(arn))
}

# --- what cannot be judged -------------------------------------------------------

# A document that passes as written but would not with what is unknown offline
# at its broadest.
missing contains path if {
	some [_, path, statements, worst] in documents
	count(iam_policy.findings(statements)) == 0
	count(iam_policy.findings(worst)) > 0
}

missing contains path if some path in unreadable

# An unknown argument is judged elsewhere when it only refers to a policy or a policy
# document of the same configuration (each is a resource this check judges).
judged_elsewhere(a) if {
	refs := object.get(attrs, ["unknown_references", a], [])
	count(refs) > 0
	every r in refs {
		judged_ref(r)
	}
}

judged_ref(r) if startswith(r, "aws_iam_policy.")

judged_ref(r) if startswith(r, "data.aws_iam_policy_document.")

tf_needed contains arg if arg := tf_document_args[attrs.resource_type]

tf_needed contains "policy_arn" if attrs.resource_type in tf_attachments

tf_needed contains a if {
	attrs.resource_type == "aws_iam_role"
	some a in {"inline_policy", "managed_policy_arns"}
}

tf_needed contains a if {
	attrs.resource_type == "aws_iam_policy_document"
	some a in {"source_policy_documents", "override_policy_documents"}
}

missing contains sprintf("attributes.config.%s", [a]) if {
	tf
	some a in attrs.unknown_attributes
	a in tf_needed
	not judged_elsewhere(a)
}

missing contains "attributes.properties.ManagedPolicyArns" if {
	cfn
	some arn in object.get(attrs.properties, "ManagedPolicyArns", [])
	not arn_text(arn)
}
