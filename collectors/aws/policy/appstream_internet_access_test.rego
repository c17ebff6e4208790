package sdescan.checks.aws.appstream_internet_access_test

import data.sdescan.checks.aws.appstream_internet_access as check
import rego.v1

res(typ, attrs) := {"resource": {"id": "aws://111111111111/eu-west-2/appstream/x", "type": typ, "source": "aws", "attributes": object.union({"name": "x"}, attrs)}}

test_pass if {
	inp := res("aws.appstream.fleet", {"default_internet_access_enabled": false})
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_fail_fleet if {
	check.deny == {"AppStream fleet x has default internet access"} with input as res("aws.appstream.fleet", {"default_internet_access_enabled": true})
}

test_fail_image_builder if {
	check.deny == {"AppStream image builder x has default internet access"} with input as res("aws.appstream.image_builder", {"default_internet_access_enabled": true})
}

test_missing if {
	inp := res("aws.appstream.image_builder", {"state": "RUNNING"})
	check.missing == {"attributes.default_internet_access_enabled"} with input as inp
	count(check.deny) == 0 with input as inp
}

test_missing_not_boolean if {
	inp := res("aws.appstream.fleet", {"default_internet_access_enabled": null})
	check.missing == {"attributes.default_internet_access_enabled"} with input as inp
	count(check.deny) == 0 with input as inp
}
