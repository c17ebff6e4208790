# METADATA
# title: SageMaker notebooks have no direct internet access and no root access
# description: >-
#   A notebook with direct internet access can send data anywhere, bypassing the SDE's
#   egress controls (the "safe settings" that keep data inside the environment). Root
#   access lets a notebook user change the instance, install tools and switch off
#   controls. Both must be off for notebooks that analyse SDE data.
# custom:
#   id: AWS-SM-001
#   severity: high
#   resource_types: [aws.sagemaker.notebook_instance]
#   remediation: >-
#     Terraform: aws_sagemaker_notebook_instance with direct_internet_access =
#     "Disabled", root_access = "Disabled" and subnet_id / security_groups in a private
#     subnet with VPC endpoints (changing these recreates the notebook).
package sdescan.checks.aws.sagemaker_notebook

import data.sdescan.lib.sagemaker
import rego.v1

# The decision is lib_sagemaker's, shared with IAC-SM-001.

name := object.get(input.resource.attributes, "notebook_instance_name", input.resource.id)

deny contains sprintf("notebook %s %s", [name, sagemaker.settings[f].what]) if {
	some f in sagemaker.allows(input.resource.attributes)
}

missing contains sprintf("attributes.%s", [f]) if {
	some f in sagemaker.unknown(input.resource.attributes)
}
