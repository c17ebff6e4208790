package sdescan.checks.aws.sagemaker_notebook_test

import data.sdescan.checks.aws.sagemaker_notebook as check
import rego.v1

nb(attrs) := {"resource": {"id": "aws://111111111111/eu-west-2/sagemaker/notebook-instance/nb", "type": "aws.sagemaker.notebook_instance", "source": "aws", "attributes": object.union({"notebook_instance_name": "nb"}, attrs)}}

test_pass if {
	inp := nb({"direct_internet_access_enabled": false, "root_access_enabled": false})
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_fail_internet if {
	check.deny == {"notebook nb has direct internet access"} with input as nb({"direct_internet_access_enabled": true, "root_access_enabled": false})
}

test_fail_root if {
	check.deny == {"notebook nb allows root access"} with input as nb({"direct_internet_access_enabled": false, "root_access_enabled": true})
}

test_missing if {
	inp := nb({"direct_internet_access_enabled": false})
	check.missing == {"attributes.root_access_enabled"} with input as inp
	count(check.deny) == 0 with input as inp
}

test_missing_not_boolean if {
	inp := nb({"direct_internet_access_enabled": null, "root_access_enabled": false})
	check.missing == {"attributes.direct_internet_access_enabled"} with input as inp
	count(check.deny) == 0 with input as inp
}
