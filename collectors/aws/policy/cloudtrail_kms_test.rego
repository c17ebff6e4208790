package sdescan.checks.aws.cloudtrail_kms_test

import data.sdescan.checks.aws.cloudtrail_kms as check
import rego.v1

trail(attrs) := {"resource": {"id": "aws://111111111111/eu-west-2/cloudtrail/trail/main", "type": "aws.cloudtrail.trail", "source": "aws", "attributes": object.union({"name": "main"}, attrs)}}

test_pass if {
	inp := trail({"kms_encrypted": true, "kms_key_id": "arn:aws:kms:eu-west-2:111111111111:key/k"})
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_fail if {
	check.deny == {"trail main logs are not encrypted with a KMS key"} with input as trail({"kms_encrypted": false})
}

test_missing if {
	inp := trail({"is_logging": true})
	check.missing == {"attributes.kms_encrypted"} with input as inp
	count(check.deny) == 0 with input as inp
}
