package sdescan.checks.iac.appstream_internet_test

import data.sdescan.checks.iac.appstream_internet as check
import rego.v1

tf(cfg, unknown) := {"resource": {"id": "x", "type": "iac.terraform.resource", "source": "iac", "attributes": {"resource_type": "aws_appstream_fleet", "name": "f", "config": cfg, "unknown_attributes": unknown}}}

test_pass if {
	inp := tf({"enable_default_internet_access": false}, [])
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_fail if {
	count(check.deny) == 1 with input as tf({"enable_default_internet_access": true}, [])
}

test_missing if {
	inp := tf({}, ["enable_default_internet_access"])
	count(check.missing) == 1 with input as inp
	count(check.deny) == 0 with input as inp
}

cfn(typ, props) := {"resource": {"id": "x", "type": "iac.cloudformation.resource", "source": "iac", "attributes": {"resource_type": typ, "name": "F", "properties": props}}}

# Left out, AWS's default (no internet access) applies.
test_default_pass if {
	inp := tf({}, [])
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
	count(check.deny) == 0 with input as cfn("AWS::AppStream::Fleet", {})
	count(check.missing) == 0 with input as cfn("AWS::AppStream::Fleet", {})
}

test_cloudformation if {
	check.deny == {"AWS::AppStream::ImageBuilder F has default internet access"} with input as cfn("AWS::AppStream::ImageBuilder", {"EnableDefaultInternetAccess": "true"})
	count(check.deny) == 0 with input as cfn("AWS::AppStream::Fleet", {"EnableDefaultInternetAccess": false})
}

# A value that is not a boolean (a !Ref, a typo) is not assessed, never passed.
test_cloudformation_unknown if {
	inp := cfn("AWS::AppStream::Fleet", {"EnableDefaultInternetAccess": {"Ref": "Internet"}})
	check.missing == {"attributes.properties.EnableDefaultInternetAccess"} with input as inp
	count(check.deny) == 0 with input as inp
}
