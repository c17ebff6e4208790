# METADATA
# title: No IAM policy grants all actions or a whole service on all resources
# description: >-
#   A policy allowing "*" actions, or every action of a service ("s3:*") on every
#   resource, and the broad AWS-managed policies (AdministratorAccess, PowerUserAccess,
#   *FullAccess) let whoever holds them read, copy or delete any research data and
#   switch off the environment's controls: least privilege is the core of the SDE's
#   access model.
# custom:
#   id: IAC-IAM-001
#   severity: high
#   resource_types: [iac.terraform.resource, iac.cloudformation.resource]
#   remediation: >-
#     List the actions and the resource ARNs each role needs (s3:GetObject on
#     arn:aws:s3:::bucket/prefix/*), and attach customer-managed policies written that
#     way instead of AdministratorAccess, PowerUserAccess or *FullAccess.
package sdescan.checks.iac.iam_broad

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
	tf
	attrs.mode == "resource"
	attrs.resource_type in ((object.keys(tf_document_args) | tf_attachments) | {"aws_iam_role"})
}

applicable if {
	tf
	attrs.mode == "data"
	attrs.resource_type == "aws_iam_policy_document"
}

applicable if {
	cfn
	attrs.resource_type in cfn_kinds
}

# --- judging a policy document -------------------------------------------------

as_list(x) := x if is_array(x)

as_list(x) := [x] if not is_array(x)

# An action granting everything, or everything of one service.
all_actions(a) if a == "*"

service_wide(a) if {
	is_string(a)
	parts := split(a, ":")
	count(parts) == 2
	parts[1] == "*"
}

# broad(statement) names what a statement allows too broadly.
broad(st) := sprintf("allows all actions (%q)", [a]) if {
	some a in as_list(st.actions)
	all_actions(a)
}

broad(st) := sprintf("allows %q on all resources", [a]) if {
	some a in as_list(st.actions)
	not all_actions(a)
	service_wide(a)
	"*" in as_list(st.resources)
}

# statements of a JSON policy document (parsed), normalised; Effect defaults to nothing.
doc_statements(doc) := [{"actions": object.get(st, "Action", []), "resources": object.get(st, "Resource", [])} |
	some st in as_list(object.get(doc, "Statement", []))
	is_object(st)
	st.Effect == "Allow"
]

# a document given as a JSON string or an object (CloudFormation).
parsed(d) := json.unmarshal(d) if {
	is_string(d)
	json.is_valid(d)
}

parsed(d) := d if is_object(d)

doc_findings(where, d) := {sprintf("%s %s: %s %s", [attrs.resource_type, attrs.name, where, b]) |
	some st in doc_statements(parsed(d))
	b := broad(st)
}

# --- broad AWS-managed policies -------------------------------------------------

managed_re := `^arn:[^:]+:iam::aws:policy/(.*/)?(AdministratorAccess|PowerUserAccess|[A-Za-z0-9]*FullAccess[A-Za-z0-9]*)$`

# An ARN as written: a string, or the template of a CloudFormation Fn::Sub.
arn_text(x) := x if is_string(x)

arn_text(x) := replace(x["Fn::Sub"], "${AWS::Partition}", "aws") if is_string(x["Fn::Sub"])

broad_managed(x) if regex.match(managed_re, arn_text(x))

managed_finding(x) := sprintf("%s %s attaches the broad AWS-managed policy %s", [attrs.resource_type, attrs.name, arn_text(x)])

# --- Terraform -----------------------------------------------------------------

deny contains msg if {
	tf
	arg := tf_document_args[attrs.resource_type]
	some msg in doc_findings("policy", attrs.config[arg])
}

deny contains msg if {
	tf
	attrs.resource_type == "aws_iam_role"
	some p in object.get(attrs.config, "inline_policy", [])
	some msg in doc_findings(sprintf("inline policy %v", [object.get(p, "name", "")]), object.get(p, "policy", null))
}

deny contains managed_finding(arn) if {
	tf
	attrs.resource_type in tf_attachments
	arn := attrs.config.policy_arn
	broad_managed(arn)
}

deny contains managed_finding(arn) if {
	tf
	attrs.resource_type == "aws_iam_role"
	some arn in object.get(attrs.config, "managed_policy_arns", [])
	broad_managed(arn)
}

deny contains sprintf("aws_iam_policy_document %s: statement %d %s", [attrs.name, i, b]) if {
	tf
	attrs.resource_type == "aws_iam_policy_document"
	some i, st in object.get(attrs.config, "statement", [])
	object.get(st, "effect", "Allow") == "Allow"
	b := broad({"actions": object.get(st, "actions", []), "resources": object.get(st, "resources", [])})
}

# --- CloudFormation --------------------------------------------------------------

cfn_documents contains ["PolicyDocument", d] if {
	cfn
	d := attrs.properties.PolicyDocument
}

cfn_documents contains [sprintf("policy %v", [object.get(p, "PolicyName", i)]), p.PolicyDocument] if {
	cfn
	some i, p in object.get(attrs.properties, "Policies", [])
}

deny contains msg if {
	some [where, d] in cfn_documents
	some msg in doc_findings(where, d)
}

deny contains managed_finding(arn) if {
	cfn
	some arn in object.get(attrs.properties, "ManagedPolicyArns", [])
	broad_managed(arn)
}

# --- what cannot be judged -------------------------------------------------------

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

missing contains sprintf("attributes.config.%s", [a]) if {
	tf
	some a in attrs.unknown_attributes
	a in tf_needed
	not judged_elsewhere(a)
}

# A document that is neither JSON nor an object (an unresolved interpolation).
missing contains sprintf("attributes.config.%s", [arg]) if {
	tf
	arg := tf_document_args[attrs.resource_type]
	d := attrs.config[arg]
	not parsed(d)
}

missing contains sprintf("attributes.properties.%s", [where]) if {
	some [where, d] in cfn_documents
	not parsed(d)
}

missing contains "attributes.properties.ManagedPolicyArns" if {
	cfn
	some arn in object.get(attrs.properties, "ManagedPolicyArns", [])
	not arn_text(arn)
}
