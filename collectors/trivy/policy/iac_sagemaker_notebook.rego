# METADATA
# title: SageMaker notebook instances have no direct internet access and no root access
# description: >-
#   A notebook with direct internet access can send data anywhere, and root access lets
#   its user disable the controls on the instance. Both are on unless switched off.
# custom:
#   id: IAC-SM-001
#   severity: high
#   resource_types: [iac.terraform.resource, iac.cloudformation.resource]
#   remediation: >-
#     Set direct_internet_access = "Disabled" and root_access = "Disabled" on
#     aws_sagemaker_notebook_instance (DirectInternetAccess and RootAccess in
#     CloudFormation), in a private subnet with VPC endpoints.
package sdescan.checks.iac.sagemaker_notebook

import data.sdescan.lib.sagemaker
import rego.v1

# The decision is lib_sagemaker's, shared with AWS-SM-001: the notebook is
# normalised to the live facts' shape first.

default applicable := false

applicable if input.resource.attributes.resource_type in {"aws_sagemaker_notebook_instance", "AWS::SageMaker::NotebookInstance"}

attrs := input.resource.attributes

tf if attrs.resource_type == "aws_sagemaker_notebook_instance"

# written(f): setting f as written, or AWS's default when the code leaves it
# out; undefined when Terraform's value is not known offline.
written(f) := object.get(attrs.config, sagemaker.settings[f].terraform, sagemaker.platform_default) if {
	tf
	not sagemaker.settings[f].terraform in attrs.unknown_attributes
}

written(f) := object.get(attrs.properties, sagemaker.settings[f].cloudformation, sagemaker.platform_default) if {
	attrs.resource_type == "AWS::SageMaker::NotebookInstance"
}

# notebook is the notebook in the live facts' shape: a setting whose value
# is not Enabled or Disabled is left out.
notebook := {f: v |
	some f, _ in sagemaker.settings
	v := sagemaker.setting_enabled(written(f))
}

deny contains sprintf("notebook instance %s %s (%s)", [attrs.name, sagemaker.settings[f].what, written(f)]) if {
	some f in sagemaker.allows(notebook)
}

missing contains sprintf("attributes.config.%s", [sagemaker.settings[f].terraform]) if {
	tf
	some f in sagemaker.unknown(notebook)
}

missing contains sprintf("attributes.properties.%s", [sagemaker.settings[f].cloudformation]) if {
	attrs.resource_type == "AWS::SageMaker::NotebookInstance"
	some f in sagemaker.unknown(notebook)
}
