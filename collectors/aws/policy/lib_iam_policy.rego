# The one decision on IAM identity policy documents that grant too much, shared by
# the live check (AWS-IAM-007, over aws.iam.user, aws.iam.group, aws.iam.role and
# aws.iam.policy) and its IaC twin (IAC-IAM-001, over aws_iam_* resources,
# aws_iam_policy_document and AWS::IAM::*). A library, not a check (it has no
# custom.id). Both read statements in the normalised shape of checks/policydoc
# (every list an array, condition keys lower-cased, condition values strings), so
# the same document gets the same verdict whether it was read from AWS or from
# code. Action names, services and ARNs are compared case-insensitively; "*" and
# "?" in an action or a resource are IAM wildcards.
#
# A policy is broad when one of its Allow statements, not cancelled by a Deny
# (below), grants:
#
#   1. every action of a service on every resource of it: an action whose name
#      part is only wildcards ("*", "*:*", "s3:*", "iam:*", "s*:*") with a
#      resource "*", or an ARN pattern whose service part matches the action's
#      service and whose resource part is only wildcards ("arn:aws:*:*:*:*",
#      "arn:aws:iam::*:*", "arn:aws:s3:::*", "arn:aws:s3:::*/*", "arn:*"); the
#      region and account parts do not matter (one account is the whole estate).
#      An Allow with NotResource applies to every resource but the few it
#      names, so it counts as every resource;
#   2. every action but a few: Allow with NotAction on every resource (as in 1),
#      unless NotAction excludes every action ("*");
#   3. a privilege escalation path: an action an identity can use to give itself
#      (or anyone) more rights, on every IAM entity it acts on ("*", an IAM ARN
#      with a wildcard-only resource part, or "arn:aws:iam::*:role/*" for a
#      role, user/* for a user, group/* for a group, policy/* for a policy):
#        - iam:AttachUserPolicy, AttachGroupPolicy, AttachRolePolicy,
#          PutUserPolicy, PutGroupPolicy, PutRolePolicy, CreatePolicyVersion,
#          SetDefaultPolicyVersion, UpdateAssumeRolePolicy, AddUserToGroup,
#          CreateAccessKey, CreateLoginProfile, UpdateLoginProfile;
#        - iam:PassRole on every role together with, anywhere in the same
#          document, a compute launch that runs as the role passed
#          (ec2:RunInstances, ec2:RequestSpotInstances, lambda:CreateFunction,
#          ecs:RunTask, ecs:StartTask, glue:CreateDevEndpoint, glue:CreateJob,
#          cloudformation:CreateStack, sagemaker:CreateNotebookInstance,
#          sagemaker:CreateTrainingJob, sagemaker:CreateProcessingJob,
#          codebuild:CreateProject, datapipeline:CreatePipeline), on any resource.
#      Wildcard actions match them as IAM would ("iam:Put*", "iam:*Policy*",
#      "IAM:attach*"), and a NotAction statement grants every action it does not
#      exclude. A statement already broad under 1 or 2 is reported once, not
#      again as an escalation.
#
# Conditions. A condition on an Allow decides when it applies, not what it
# grants, and whoever holds every action of a service, or a way to raise their
# own rights, can usually satisfy it (tag the resource, call from the network
# named, use their MFA): under 1 and 2 a conditional Allow is as broad as an
# unconditional one. The one clear restriction sdescan recognises is AWS's
# documented delegation pattern for escalation paths (3): StringEquals or
# ArnEquals (not …IfExists, not …Like) on iam:PermissionsBoundary or
# iam:PolicyARN, with literal values (no wildcards) none of which is a broad
# AWS-managed policy (below). A request without that key (any action the key
# does not apply to) then fails the condition, so the statement cannot be used
# to escape the boundary or to attach anything but the policies named.
#
# Deny. A Deny makes an Allow narrow only when it provably cancels it in full:
# the Deny has no condition, no NotAction, NotResource or NotPrincipal, applies
# to every principal (none named, or "*"), has Resource "*", and one of its
# actions (without "?") matches the whole of the Allow's action pattern
# ("iam:*" cancels "iam:Put*"; "iam:PassRole" does not cancel "iam:*"). A
# NotAction Allow is cancelled only by a Deny of "*". Any other Deny is
# ignored: the Allow stays broad (conservative).
#
# Principals. An identity policy has no Principal (IAM refuses one). A statement
# with Principal or NotPrincipal belongs to a resource policy (a bucket, key or
# trust policy written with aws_iam_policy_document): its "*" resource is the
# resource the policy is on, and who it lets in is the resource's checks'
# business, so it is not judged here.
#
# A broad AWS-managed policy is attached when its ARN
# (arn:<partition>:iam::aws:policy/[path/]NAME) names AdministratorAccess (or a
# variant such as AdministratorAccess-Amplify), PowerUserAccess, IAMFullAccess or
# any other *FullAccess policy: those grant every action of one or more services
# on every resource (rule 1 applied to a document sdescan does not read).
package sdescan.lib.iam_policy

import rego.v1

# findings(statements): what the statements of one policy document grant too
# broadly, one sentence each ("allows iam:* on *"); empty when nothing.
findings(statements) := (service_wide(statements) | not_action(statements)) | escalations(statements)

# broad(statements): the document grants too much.
broad(statements) if count(findings(statements)) > 0

# broad_managed_policy(arn): arn names a broad AWS-managed policy.
broad_managed_policy(arn) if regex.match(
	`^arn:[^:]+:iam::aws:policy/(.*/)?(AdministratorAccess(-[A-Za-z0-9]+)?|PowerUserAccess|[A-Za-z0-9_-]*FullAccess[A-Za-z0-9_-]*)$`,
	arn,
)

# --- 1. every action of a service on every resource of it ---------------------

service_wide(statements) := {sprintf("allows %s on %s", [a, r]) |
	some s in statements
	allow(s)
	some a in s.actions
	svc := wide_service(lower(a))
	some r in every_resource(s, svc)
	not cancelled(statements, lower(a))
}

# wide_service(a): the service (a pattern; "*" for every service) of which action
# pattern a names every action.
wide_service(a) := "*" if regex.match(`^\*+$`, a)

wide_service(a) := svc if {
	[svc, name] := split(a, ":")
	regex.match(`^\*+$`, name)
}

# every_resource(s, svc): how statement s covers every resource of service svc
# (a lower-case service pattern): the covering resources, or its NotResource.
every_resource(s, svc) := {r | some r in s.resources; all_of(r, svc)} | {sprintf("every resource but %v (NotResource)", [s.not_resources]) | is_array(s.not_resources)}

all_of("*", _)

all_of(r, svc) if {
	p := split(lower(r), ":")
	count(p) > 5
	p[0] == "arn"
	same_service(p[2], svc)
	regex.match(`^\*+(/\*+)*$`, concat(":", array.slice(p, 5, count(p))))
}

# "arn:*", "arn:aws:*", "arn:aws:s3:*": the last part's wildcard matches the rest.
all_of(r, svc) if {
	p := split(lower(r), ":")
	count(p) > 1
	count(p) < 6
	p[0] == "arn"
	regex.match(`^\*+$`, p[count(p) - 1])
	same_service(array.concat(p, ["*", "*"])[2], svc)
}

same_service(rs, svc) if glob.match(svc, null, rs)

same_service(rs, svc) if glob.match(rs, null, svc)

# --- 2. every action but a few ---------------------------------------------------

not_action(statements) := {sprintf("allows every action but %v (NotAction) on %s", [s.not_actions, r]) |
	some s in statements
	allow(s)
	is_array(s.not_actions)
	not excludes_everything(s)
	some r in every_resource(s, "*")
	not cancelled(statements, "*")
}

excludes_everything(s) if {
	some a in s.not_actions
	wide_service(lower(a)) == "*"
}

# --- 3. privilege escalation paths -------------------------------------------------

# escalation_actions: lower-cased action to [its name, the IAM entity it acts on].
escalation_actions := {
	"iam:attachuserpolicy": ["iam:AttachUserPolicy", "user"],
	"iam:attachgrouppolicy": ["iam:AttachGroupPolicy", "group"],
	"iam:attachrolepolicy": ["iam:AttachRolePolicy", "role"],
	"iam:putuserpolicy": ["iam:PutUserPolicy", "user"],
	"iam:putgrouppolicy": ["iam:PutGroupPolicy", "group"],
	"iam:putrolepolicy": ["iam:PutRolePolicy", "role"],
	"iam:createpolicyversion": ["iam:CreatePolicyVersion", "policy"],
	"iam:setdefaultpolicyversion": ["iam:SetDefaultPolicyVersion", "policy"],
	"iam:updateassumerolepolicy": ["iam:UpdateAssumeRolePolicy", "role"],
	"iam:addusertogroup": ["iam:AddUserToGroup", "group"],
	"iam:createaccesskey": ["iam:CreateAccessKey", "user"],
	"iam:createloginprofile": ["iam:CreateLoginProfile", "user"],
	"iam:updateloginprofile": ["iam:UpdateLoginProfile", "user"],
}

# launch_actions: lower-cased compute launches that run as a role passed to them.
launch_actions := {
	"ec2:runinstances": "ec2:RunInstances",
	"ec2:requestspotinstances": "ec2:RequestSpotInstances",
	"lambda:createfunction": "lambda:CreateFunction",
	"ecs:runtask": "ecs:RunTask",
	"ecs:starttask": "ecs:StartTask",
	"glue:createdevendpoint": "glue:CreateDevEndpoint",
	"glue:createjob": "glue:CreateJob",
	"cloudformation:createstack": "cloudformation:CreateStack",
	"sagemaker:createnotebookinstance": "sagemaker:CreateNotebookInstance",
	"sagemaker:createtrainingjob": "sagemaker:CreateTrainingJob",
	"sagemaker:createprocessingjob": "sagemaker:CreateProcessingJob",
	"codebuild:createproject": "codebuild:CreateProject",
	"datapipeline:createpipeline": "datapipeline:CreatePipeline",
}

escalations(statements) := writes(statements) | pass_role(statements)

writes(statements) := {sprintf("allows %s (privilege escalation)", [concat(", ", sort(paths))]) |
	some s in statements
	allow(s)
	not wide(statements, s)
	not restricted(s)
	paths := {sprintf("%s on every %s", [v[0], v[1]]) |
		some x, v in escalation_actions
		grants(s, x)
		every_of_kind(s, v[1])
		not cancelled(statements, x)
	}
	count(paths) > 0
}

pass_role(statements) := {sprintf("allows iam:PassRole on every role with %s (privilege escalation: new compute runs as any role)", [concat(", ", sort(launches))]) |
	some s in statements
	allow(s)
	not wide(statements, s)
	not restricted(s)
	grants(s, "iam:passrole")
	every_of_kind(s, "role")
	not cancelled(statements, "iam:passrole")
	launches := {name |
		some l in statements
		allow(l)
		some x, name in launch_actions
		grants(l, x)
		not cancelled(statements, x)
	}
	count(launches) > 0
}

# grants(s, x): Allow statement s grants action x (lower-cased, no wildcards).
grants(s, x) if {
	some a in s.actions
	glob.match(lower(a), null, x)
}

grants(s, x) if {
	is_array(s.not_actions)
	every a in s.not_actions {
		not glob.match(lower(a), null, x)
	}
}

# every_of_kind(s, kind): s covers every IAM entity of kind (role, user, group,
# policy).
every_of_kind(s, _) if is_array(s.not_resources)

every_of_kind(s, _) if {
	some r in s.resources
	all_of(r, "iam")
}

# arn:aws:iam::<account or *>:role/* (the resource part, as a pattern, matches
# "role/*" written out: it covers every role).
every_of_kind(s, kind) if {
	some r in s.resources
	p := split(lower(r), ":")
	count(p) > 5
	p[0] == "arn"
	same_service(p[2], "iam")
	glob.match(concat(":", array.slice(p, 5, count(p))), null, concat("/", [kind, "*"]))
}

# restricted(s): the delegation pattern (see the header).
restricted(s) if {
	some op in ["StringEquals", "ArnEquals"]
	some key in ["iam:permissionsboundary", "iam:policyarn"]
	values := s.conditions[op][key]
	count(values) > 0
	every v in values {
		is_string(v)
		not regex.match(`[*?]`, v)
		not broad_managed_policy(v)
	}
}

# wide(statements, s): s is already broad under 1 or 2.
wide(statements, s) if {
	some a in s.actions
	svc := wide_service(lower(a))
	count(every_resource(s, svc)) > 0
	not cancelled(statements, lower(a))
}

wide(statements, s) if {
	is_array(s.not_actions)
	not excludes_everything(s)
	count(every_resource(s, "*")) > 0
	not cancelled(statements, "*")
}

# --- statements ----------------------------------------------------------------

# allow(s): s is an Allow of an identity policy (no Principal, no NotPrincipal).
allow(s) if {
	s.effect == "Allow"
	not s.principals
	not s.not_principals
}

# cancelled(statements, a): a Deny of the document provably denies everything
# action pattern a (lower-cased) grants, on every resource (see the header).
cancelled(statements, a) if {
	some d in statements
	d.effect == "Deny"
	not d.not_actions
	not d.not_resources
	not d.not_principals
	object.get(d, "conditions", {}) == {}
	every_principal_or_none(d)
	"*" in d.resources
	some p in d.actions
	not contains(p, "?")
	glob.match(lower(p), null, a)
}

every_principal_or_none(d) if not d.principals

every_principal_or_none(d) if "*" in d.principals.AWS
