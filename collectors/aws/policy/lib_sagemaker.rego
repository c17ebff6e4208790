# The one decision on SageMaker notebook instances, shared by the live check
# (AWS-SM-001, over aws.sagemaker.notebook_instance) and its IaC twin
# (IAC-SM-001, over aws_sagemaker_notebook_instance and
# AWS::SageMaker::NotebookInstance). A library, not a check (it has no
# custom.id). Both judge a notebook normalised to the live facts' shape:
#
#   {"direct_internet_access_enabled": bool, "root_access_enabled": bool}
#
# The live collector writes each from DescribeNotebookInstance (Enabled true,
# Disabled false, anything else left out). The IaC check reads each setting as
# written, or as AWS's default when the code leaves it out (both default to
# Enabled, as AWS reports them once deployed), through setting_enabled: a value
# that is not a literal Enabled or Disabled (a variable sdescan cannot resolve
# offline, a CloudFormation !Ref, a value the provider would refuse) is left out,
# so the notebook is not assessed rather than passed.
package sdescan.lib.sagemaker

import rego.v1

# settings are the judged settings: live attribute → IaC setting names
# (Terraform argument, CloudFormation property) and what a notebook with it on
# does, for messages.
settings := {
	"direct_internet_access_enabled": {"terraform": "direct_internet_access", "cloudformation": "DirectInternetAccess", "what": "has direct internet access"},
	"root_access_enabled": {"terraform": "root_access", "cloudformation": "RootAccess", "what": "allows root access"},
}

# platform_default is what AWS applies to a setting the request leaves out.
platform_default := "Enabled"

# setting_enabled(v): the boolean a DirectInternetAccess or RootAccess value
# means; undefined for anything but "Enabled" and "Disabled" (AWS's values, in
# AWS's case).
setting_enabled(v) if v == "Enabled"

setting_enabled(v) := false if v == "Disabled"

# allows(nb): the settings of notebook nb that are on (each must be off).
allows(nb) := {f | some f, _ in settings; nb[f] == true}

# unknown(nb): the settings of notebook nb whose value is not known (the
# notebook cannot be assessed on them).
unknown(nb) := {f | some f, _ in settings; not is_boolean(object.get(nb, f, null))}
