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

import rego.v1

default applicable := false

applicable if input.resource.attributes.resource_type in {"aws_sagemaker_notebook_instance", "AWS::SageMaker::NotebookInstance"}

attrs := input.resource.attributes

# Each setting as written, or AWS's default "Enabled" when the code leaves it out.
setting(tf, _) := v if {
	attrs.resource_type == "aws_sagemaker_notebook_instance"
	v := object.get(attrs.config, tf, "Enabled")
	not tf in attrs.unknown_attributes
}

setting(_, cfn) := v if {
	attrs.resource_type == "AWS::SageMaker::NotebookInstance"
	v := object.get(attrs.properties, cfn, "Enabled")
	is_string(v)
}

deny contains sprintf("notebook instance %s has direct internet access (%v)", [attrs.name, v]) if {
	v := setting("direct_internet_access", "DirectInternetAccess")
	v != "Disabled"
}

deny contains sprintf("notebook instance %s allows root access (%v)", [attrs.name, v]) if {
	v := setting("root_access", "RootAccess")
	v != "Disabled"
}

missing contains sprintf("attributes.config.%s", [tf]) if {
	attrs.resource_type == "aws_sagemaker_notebook_instance"
	some tf in ["direct_internet_access", "root_access"]
	tf in attrs.unknown_attributes
}

missing contains sprintf("attributes.properties.%s", [cfn]) if {
	attrs.resource_type == "AWS::SageMaker::NotebookInstance"
	some cfn in ["DirectInternetAccess", "RootAccess"]
	v := object.get(attrs.properties, cfn, "")
	not is_string(v)
}
