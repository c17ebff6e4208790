package sdescan.checks.aws.kms_rotation_test

import data.sdescan.checks.aws.kms_rotation as check
import rego.v1

base := {"key_id": "k1", "key_manager": "CUSTOMER", "key_spec": "SYMMETRIC_DEFAULT", "key_state": "Enabled", "origin": "AWS_KMS"}

key(attrs) := {"resource": {"id": "aws://111111111111/eu-west-2/kms/key/k1", "type": "aws.kms.key", "source": "aws", "attributes": object.union(base, attrs)}}

test_pass if {
	inp := key({"rotation_enabled": true})
	check.applicable with input as inp
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_fail if {
	inp := key({"rotation_enabled": false})
	check.applicable with input as inp
	check.deny == {"KMS key k1 does not have automatic rotation enabled"} with input as inp
}

test_not_applicable_aws_managed if {
	not check.applicable with input as key({"key_manager": "AWS", "rotation_enabled": true})
}

test_not_applicable_asymmetric if {
	not check.applicable with input as key({"key_spec": "RSA_2048"})
}

test_not_applicable_disabled if {
	not check.applicable with input as key({"key_state": "PendingDeletion"})
}

test_not_applicable_imported if {
	not check.applicable with input as key({"origin": "EXTERNAL"})
}

test_missing if {
	inp := key({})
	check.applicable with input as inp
	check.missing == {"attributes.rotation_enabled"} with input as inp
	count(check.deny) == 0 with input as inp
}

test_missing_manager if {
	inp := {"resource": {"id": "k", "type": "aws.kms.key", "attributes": {"key_id": "k1", "rotation_enabled": true}}}
	check.applicable with input as inp
	check.missing == {"attributes.key_manager", "attributes.key_spec", "attributes.key_state"} with input as inp
	count(check.deny) == 0 with input as inp
}

test_missing_manager_rotation_off if {
	inp := {"resource": {"id": "k", "type": "aws.kms.key", "attributes": {"key_id": "k1", "rotation_enabled": false}}}
	count(check.missing) == 3 with input as inp
	count(check.deny) == 0 with input as inp
}
