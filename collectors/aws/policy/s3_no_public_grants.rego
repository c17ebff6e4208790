# METADATA
# title: No S3 bucket policy or ACL grants access to everyone
# description: >-
#   A bucket policy statement allowing Principal "*" without a limiting condition, or an
#   ACL grant to the AllUsers or AuthenticatedUsers groups, opens the bucket to anyone
#   on the internet (AuthenticatedUsers means any AWS account, not just yours). Data in
#   an SDE must never be reachable this way, even if Block Public Access currently
#   masks the grant.
# custom:
#   id: AWS-S3-006
#   severity: critical
#   resource_types: [aws.s3.bucket]
#   remediation: >-
#     Remove the public statement or grant: restrict bucket policy principals to named
#     roles (or add a condition such as aws:PrincipalOrgID / aws:SourceVpce), and
#     disable ACLs (Terraform: aws_s3_bucket_ownership_controls with object_ownership =
#     "BucketOwnerEnforced").
package sdescan.checks.aws.s3_no_public_grants

import data.sdescan.lib.facts
import rego.v1

bucket_name := object.get(input.resource.attributes, "name", input.resource.id)

public_groups := {
	"http://acs.amazonaws.com/groups/global/AllUsers": "everyone (AllUsers)",
	"http://acs.amazonaws.com/groups/global/AuthenticatedUsers": "all authenticated AWS users (AuthenticatedUsers)",
}

deny contains msg if {
	some g in input.resource.attributes.acl_grants
	who := public_groups[g.grantee_uri]
	msg := sprintf("bucket %s ACL grants %s to %s", [bucket_name, g.permission, who])
}

deny contains msg if {
	some i, s in input.resource.attributes.policy.statements
	s.effect == "Allow"
	"*" in s.principals.AWS
	count(object.get(s, "conditions", {})) == 0
	label := object.get(s, "sid", sprintf("#%d", [i + 1]))
	msg := sprintf("bucket %s policy statement %s allows %s to everyone (Principal *) without a condition", [bucket_name, label, concat(", ", object.get(s, "actions", []))])
}

deny contains sprintf("bucket %s policy is public by AWS's own evaluation (PolicyStatus.IsPublic)", [bucket_name]) if {
	input.resource.attributes.policy_is_public == true
}

missing contains "attributes.acl_grants" if {
	not facts.present("acl_grants")
}

missing contains "attributes.policy" if {
	not facts.present("policy")
}

missing contains "attributes.policy.statements" if {
	input.resource.attributes.policy.present == true
	not input.resource.attributes.policy.statements
}
