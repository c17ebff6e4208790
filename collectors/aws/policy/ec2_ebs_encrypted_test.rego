package sdescan.checks.aws.ec2_ebs_encrypted_test

import data.sdescan.checks.aws.ec2_ebs_encrypted as check
import rego.v1

volume(attrs) := {"resource": {"id": "aws://111111111111/eu-west-2/ec2/volume/vol-1", "type": "aws.ec2.volume", "source": "aws", "attributes": object.union({"volume_id": "vol-1"}, attrs)}}

snapshot(attrs) := {"resource": {"id": "aws://111111111111/eu-west-2/ec2/snapshot/snap-1", "type": "aws.ec2.snapshot", "source": "aws", "attributes": object.union({"snapshot_id": "snap-1"}, attrs)}}

test_pass if {
	inp := volume({"encrypted": true})
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_fail_volume if {
	check.deny == {"EBS volume vol-1 is not encrypted"} with input as volume({"encrypted": false})
}

test_fail_snapshot if {
	check.deny == {"EBS snapshot snap-1 is not encrypted"} with input as snapshot({"encrypted": false})
}

test_missing if {
	inp := snapshot({"state": "completed"})
	check.missing == {"attributes.encrypted"} with input as inp
	count(check.deny) == 0 with input as inp
}
