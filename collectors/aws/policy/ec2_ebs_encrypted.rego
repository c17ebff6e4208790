# METADATA
# title: EBS volumes and snapshots are encrypted
# description: >-
#   Volumes and snapshots attached to analysis machines hold working copies of research
#   data. Unencrypted ones can be copied or shared (a snapshot can even be made public)
#   and read without any key permission.
# custom:
#   id: AWS-EC2-005
#   severity: high
#   resource_types: [aws.ec2.volume, aws.ec2.snapshot]
#   remediation: >-
#     Copy the snapshot with encryption (aws ec2 copy-snapshot --encrypted --kms-key-id),
#     create a new volume from it and swap it in; delete the unencrypted originals. Turn
#     on EBS encryption by default (AWS-EC2-004). Terraform: aws_ebs_volume with
#     encrypted = true.
package sdescan.checks.aws.ec2_ebs_encrypted

import data.sdescan.lib.facts
import rego.v1

label := sprintf("volume %s", [input.resource.attributes.volume_id]) if {
	input.resource.type == "aws.ec2.volume"
} else := sprintf("snapshot %s", [input.resource.attributes.snapshot_id]) if {
	input.resource.type == "aws.ec2.snapshot"
} else := input.resource.id

deny contains sprintf("EBS %s is not encrypted", [label]) if {
	input.resource.attributes.encrypted == false
}

missing contains "attributes.encrypted" if {
	not facts.present("encrypted")
}
