# METADATA
# title: RDS DB instances are not publicly accessible
# description: >-
#   A publicly accessible DB instance gets an internet-resolvable address; one security
#   group mistake then exposes the database, and the data in it, to the internet. SDE
#   databases should be reachable only from inside the environment.
# custom:
#   id: AWS-RDS-002
#   severity: critical
#   resource_types: [aws.rds.db_instance]
#   remediation: >-
#     Terraform: aws_db_instance with publicly_accessible = false, in private subnets
#     (aws rds modify-db-instance --no-publicly-accessible).
package sdescan.checks.aws.rds_public_access

import data.sdescan.lib.facts
import rego.v1

deny contains sprintf("DB instance %s is publicly accessible", [object.get(input.resource.attributes, "db_instance_identifier", input.resource.id)]) if {
	input.resource.attributes.publicly_accessible == true
}

missing contains "attributes.publicly_accessible" if {
	not facts.present("publicly_accessible")
}
