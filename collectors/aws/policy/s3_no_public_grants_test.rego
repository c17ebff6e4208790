package sdescan.checks.aws.s3_no_public_grants_test

import data.sdescan.checks.aws.s3_no_public_grants as check
import rego.v1

bucket(attrs) := {"resource": {"id": "aws://111111111111/eu-west-2/s3/bucket/b", "type": "aws.s3.bucket", "source": "aws", "attributes": attrs}}

owner_grant := {"grantee_type": "CanonicalUser", "grantee_id": "abc", "permission": "FULL_CONTROL"}

vpce_only := {
	"sid": "VpceOnly", "effect": "Allow", "principals": {"AWS": ["*"]}, "actions": ["s3:GetObject"],
	"resources": ["arn:aws:s3:::b/*"], "conditions": {"StringEquals": {"aws:sourcevpce": ["vpce-1"]}},
}

test_pass if {
	inp := bucket({"acl_grants": [owner_grant], "policy": {"present": true, "statements": [vpce_only]}, "policy_is_public": false})
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_pass_no_policy if {
	inp := bucket({"acl_grants": [owner_grant], "policy": {"present": false, "statements": []}})
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_fail_acl_all_users if {
	g := {"grantee_type": "Group", "grantee_uri": "http://acs.amazonaws.com/groups/global/AllUsers", "permission": "READ"}
	check.deny == {"bucket aws://111111111111/eu-west-2/s3/bucket/b ACL grants READ to everyone (AllUsers)"} with input as bucket({"acl_grants": [owner_grant, g], "policy": {"present": false, "statements": []}})
}

test_fail_acl_authenticated_users if {
	g := {"grantee_type": "Group", "grantee_uri": "http://acs.amazonaws.com/groups/global/AuthenticatedUsers", "permission": "WRITE"}
	count(check.deny) == 1 with input as bucket({"acl_grants": [g], "policy": {"present": false, "statements": []}})
}

test_fail_policy_principal_star if {
	st := {"effect": "Allow", "principals": {"AWS": ["*"]}, "actions": ["s3:GetObject"], "resources": ["arn:aws:s3:::b/*"]}
	check.deny == {"bucket aws://111111111111/eu-west-2/s3/bucket/b policy statement #1 allows s3:GetObject to everyone (Principal *) without a condition"} with input as bucket({"acl_grants": [], "policy": {"present": true, "statements": [st]}})
}

test_fail_policy_status_public if {
	count(check.deny) == 1 with input as bucket({"acl_grants": [], "policy": {"present": true, "statements": [vpce_only]}, "policy_is_public": true})
}

test_missing if {
	inp := bucket({"versioning_enabled": true})
	check.missing == {"attributes.acl_grants", "attributes.policy"} with input as inp
	count(check.deny) == 0 with input as inp
}
