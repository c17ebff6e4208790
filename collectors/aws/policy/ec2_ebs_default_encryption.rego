# METADATA
# title: EBS encryption by default is on in every region in scope
# description: >-
#   With encryption by default, every new EBS volume and snapshot copy in the region is
#   encrypted, whoever creates it and however. It closes the gap where one unencrypted
#   scratch volume ends up holding a copy of research data.
# custom:
#   id: AWS-EC2-004
#   severity: high
#   resource_types: [aws.region]
#   remediation: >-
#     Terraform: aws_ebs_encryption_by_default with enabled = true (and
#     aws_ebs_default_kms_key for a customer managed key), in every region used.
package sdescan.checks.aws.ec2_ebs_default_encryption

import data.sdescan.lib.facts
import rego.v1

deny contains sprintf("EBS encryption by default is off in account %s region %s", [object.get(input.resource.scope, "account", "?"), object.get(input.resource.scope, "region", "?")]) if {
	input.resource.attributes.ebs_encryption_by_default == false
}

missing contains "attributes.ebs_encryption_by_default" if {
	not facts.present("ebs_encryption_by_default")
}
