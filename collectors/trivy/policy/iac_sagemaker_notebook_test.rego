package sdescan.checks.iac.sagemaker_notebook_test

import data.sdescan.checks.iac.sagemaker_notebook as check
import rego.v1

tf(cfg, unknown) := {"resource": {"id": "x", "type": "iac.terraform.resource", "source": "iac", "attributes": {"resource_type": "aws_sagemaker_notebook_instance", "name": "n", "config": cfg, "unknown_attributes": unknown}}}

test_pass if {
	inp := tf({"direct_internet_access": "Disabled", "root_access": "Disabled"}, [])
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_fail_defaults if {
	count(check.deny) == 2 with input as tf({}, [])
}

test_fail_cloudformation if {
	count(check.deny) == 1 with input as {"resource": {"id": "x", "type": "iac.cloudformation.resource", "source": "iac", "attributes": {"resource_type": "AWS::SageMaker::NotebookInstance", "name": "N", "properties": {"DirectInternetAccess": "Disabled", "RootAccess": "Enabled"}}}}
}

test_missing if {
	inp := tf({"root_access": "Disabled"}, ["direct_internet_access"])
	check.missing == {"attributes.config.direct_internet_access"} with input as inp
	count(check.deny) == 0 with input as inp
}

test_cloudformation_defaults if {
	inp := {"resource": {"id": "x", "type": "iac.cloudformation.resource", "source": "iac", "attributes": {"resource_type": "AWS::SageMaker::NotebookInstance", "name": "N", "properties": {}}}}
	check.deny == {"notebook instance N has direct internet access (Enabled)", "notebook instance N allows root access (Enabled)"} with input as inp
	count(check.missing) == 0 with input as inp
}

# A value that is not Enabled or Disabled (which the provider refuses), or a
# CloudFormation reference, is not assessed: never passed.
test_not_a_setting if {
	inp := tf({"direct_internet_access": "Disabled", "root_access": "disabled"}, [])
	check.missing == {"attributes.config.root_access"} with input as inp
	count(check.deny) == 0 with input as inp
	cfn := {"resource": {"id": "x", "type": "iac.cloudformation.resource", "source": "iac", "attributes": {"resource_type": "AWS::SageMaker::NotebookInstance", "name": "N", "properties": {"DirectInternetAccess": {"Ref": "Access"}, "RootAccess": "Disabled"}}}}
	check.missing == {"attributes.properties.DirectInternetAccess"} with input as cfn
	count(check.deny) == 0 with input as cfn
}
