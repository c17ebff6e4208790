package sdescan.checks.aws.backup_cmk_test

import data.sdescan.checks.aws.backup_cmk as check
import rego.v1

store(points) := {"resource": {"id": "x", "type": "aws.s3.bucket", "classification": "identifiable", "attributes": {"name": "b", "backup": {"native": [], "recovery_points": points}}}}

test_cmk if {
	inp := store({"count": 1, "all_encrypted": true, "vaults": [{"name": "v", "encryption_key_type": "CUSTOMER_MANAGED_KMS_KEY"}]})
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_aws_owned if {
	check.deny == {"recovery points of b are in vault v, encrypted with a key type AWS_OWNED_KMS_KEY, not a customer-managed KMS key"} with input as store({"count": 1, "all_encrypted": true, "vaults": [{"name": "v", "encryption_key_type": "AWS_OWNED_KMS_KEY"}]})
}

test_unencrypted if {
	check.deny == {"some recovery points of b are not encrypted"} with input as store({"count": 1, "all_encrypted": false, "vaults": [{"name": "v", "encryption_key_type": "CUSTOMER_MANAGED_KMS_KEY"}]})
}

test_key_type_unknown if {
	inp := store({"count": 1, "all_encrypted": true, "vaults": [{"name": "v"}]})
	count(check.deny) == 0 with input as inp
	check.missing == {"attributes.backup.recovery_points.vaults[v].encryption_key_type"} with input as inp
}

test_no_points_not_applicable if {
	not check.applicable with input as store({"count": 0, "completed": 0})
}
