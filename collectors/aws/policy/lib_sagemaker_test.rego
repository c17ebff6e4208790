package sdescan.lib.sagemaker_test

import data.sdescan.lib.sagemaker as lib
import rego.v1

test_setting_enabled if {
	lib.setting_enabled("Enabled") == true
	lib.setting_enabled("Disabled") == false
	not lib.setting_enabled("enabled")
	not lib.setting_enabled("")

	# Values of any type (json.unmarshal: the type checker sees any).
	not lib.setting_enabled(json.unmarshal("true"))
	not lib.setting_enabled(json.unmarshal(`{"Ref": "P"}`))
	lib.setting_enabled(lib.platform_default) == true
}

test_allows if {
	lib.allows({"direct_internet_access_enabled": false, "root_access_enabled": false}) == set()
	lib.allows({"direct_internet_access_enabled": true, "root_access_enabled": false}) == {"direct_internet_access_enabled"}
	lib.allows({"direct_internet_access_enabled": true, "root_access_enabled": true}) == {"direct_internet_access_enabled", "root_access_enabled"}
	lib.allows({"direct_internet_access_enabled": "true"}) == set()
}

test_unknown if {
	lib.unknown({"direct_internet_access_enabled": false, "root_access_enabled": false}) == set()
	lib.unknown({"direct_internet_access_enabled": false}) == {"root_access_enabled"}
	lib.unknown({"direct_internet_access_enabled": null, "root_access_enabled": "Enabled"}) == {"direct_internet_access_enabled", "root_access_enabled"}
}
