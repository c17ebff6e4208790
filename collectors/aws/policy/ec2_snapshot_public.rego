# METADATA
# title: EBS snapshots are not public
# description: >-
#   A snapshot whose createVolumePermission includes the group all can be copied
#   into any AWS account in the world and mounted there: every file on the disk it
#   was taken from, research extracts and credentials included, is disclosed.
#   Sharing with named accounts is a decision the SDE records; public is never one.
# custom:
#   id: AWS-EC2-007
#   severity: critical
#   resource_types: [aws.ec2.snapshot]
#   remediation: >-
#     Remove the public permission (aws ec2 modify-snapshot-attribute --snapshot-id ID
#     --attribute createVolumePermission --operation-type remove --group-names all),
#     treat what the disk held as disclosed, and turn on EBS snapshot block public
#     access for the region (aws ec2 enable-snapshot-block-public-access --state
#     block-all-sharing).
package sdescan.checks.aws.ec2_snapshot_public

import data.sdescan.lib.facts
import rego.v1

deny contains sprintf("EBS snapshot %s is public: any AWS account can create a volume from it", [input.resource.attributes.snapshot_id]) if {
	some g in input.resource.attributes.create_volume_permissions.groups
	g == "all"
}

missing contains "attributes.create_volume_permissions" if {
	not facts.present("create_volume_permissions")
}
