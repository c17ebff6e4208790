package sdescan.checks.aws.s3_public_access_block_test

import data.sdescan.checks.aws.s3_public_access_block as check
import rego.v1

all_on := {"configured": true, "block_public_acls": true, "ignore_public_acls": true, "block_public_policy": true, "restrict_public_buckets": true}

all_off := {"configured": false, "block_public_acls": false, "ignore_public_acls": false, "block_public_policy": false, "restrict_public_buckets": false}

bucket(attrs) := {"resource": {"id": "aws://111111111111/eu-west-2/s3/bucket/b", "type": "aws.s3.bucket", "source": "aws", "attributes": attrs}}

test_pass_bucket_level if {
	inp := bucket({"public_access_block": all_on, "account_public_access_block": all_off})
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_pass_account_level if {
	inp := bucket({"public_access_block": all_off, "account_public_access_block": all_on})
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_pass_mixed if {
	b := object.union(all_off, {"block_public_acls": true, "ignore_public_acls": true})
	a := object.union(all_off, {"block_public_policy": true, "restrict_public_buckets": true})
	inp := bucket({"public_access_block": b, "account_public_access_block": a})
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_pass_account_unknown_bucket_on if {
	inp := bucket({"public_access_block": all_on})
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_fail_all_off if {
	count(check.deny) == 4 with input as bucket({"public_access_block": all_off, "account_public_access_block": all_off})
}

test_fail_one_off if {
	a := object.union(all_on, {"restrict_public_buckets": false})
	check.deny == {"bucket aws://111111111111/eu-west-2/s3/bucket/b: restrict_public_buckets is off at both bucket and account level"} with input as bucket({"public_access_block": all_off, "account_public_access_block": a})
}

test_missing_account_level if {
	inp := bucket({"public_access_block": all_off})
	count(check.deny) == 0 with input as inp
	count(check.missing) == 4 with input as inp
	"attributes.account_public_access_block.block_public_acls" in check.missing with input as inp
}

test_missing_both if {
	inp := bucket({})
	count(check.deny) == 0 with input as inp
	count(check.missing) == 8 with input as inp
}
