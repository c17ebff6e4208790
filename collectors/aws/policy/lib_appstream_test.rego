package sdescan.lib.appstream_test

import data.sdescan.lib.appstream as lib
import rego.v1

off(action) := {"action": action, "permission": "DISABLED"}

all_off := [off(s.action) | some s in lib.settings]

test_user_settings_defaults_enabled if {
	lib.user_settings([]) == {k: true | some k, _ in lib.settings}
	lib.user_settings(all_off) == {k: false | some k, _ in lib.settings}
}

test_user_settings_permissions if {
	us := lib.user_settings([{"action": "FILE_UPLOAD", "permission": "ENABLED"}, off("FILE_DOWNLOAD"), {"action": "PRINTING_TO_LOCAL_DEVICE", "permission": "disabled"}])
	us.file_upload == true
	us.file_download == false
	us.printing_to_local_device == true # not AWS's DISABLED: cannot pass
	us.clipboard_copy_to_local_device == true

	# Listed twice, once enabled: enabled.
	lib.user_settings([off("FILE_UPLOAD"), {"action": "FILE_UPLOAD", "permission": "ENABLED"}]).file_upload == true

	# Other actions (sign-in, time zone) change nothing.
	lib.user_settings(array.concat(all_off, [{"action": "AUTO_TIME_ZONE_REDIRECTION", "permission": "ENABLED"}])) == {k: false | some k, _ in lib.settings}
}

test_user_settings_unknown if {
	# A permission not known: that setting is unknown.
	us := lib.user_settings(array.concat([s | some s in all_off; s.action != "FILE_UPLOAD"], [{"action": "FILE_UPLOAD", "permission": null}]))
	not "file_upload" in object.keys(us)
	us.file_download == false

	# An action not known: every setting it might be is unknown.
	us2 := lib.user_settings([{"action": null, "permission": "DISABLED"}, off("FILE_UPLOAD")])
	object.keys(us2) == {"file_upload"}
}

test_enabled_and_drives if {
	stack := {"user_settings": object.union({k: false | some k, _ in lib.settings}, {"file_download": true}), "storage_connectors": ["HOMEFOLDERS", "GOOGLE_DRIVE", "ONE_DRIVE"]}
	lib.enabled(stack) == {"file_download"}
	lib.drives(stack) == {"GOOGLE_DRIVE", "ONE_DRIVE"}
	lib.unknown(stack) == set()
}

test_unknown if {
	lib.unknown({}) == {"storage_connectors"} | {sprintf("user_settings.%s", [k]) | some k, _ in lib.settings}
	lib.unknown({"user_settings": {k: false | some k, _ in lib.settings}, "storage_connectors": ["HOMEFOLDERS", null]}) == {"storage_connectors"}
}

test_internet_access if {
	lib.internet_access({"default_internet_access_enabled": true})
	not lib.internet_access({"default_internet_access_enabled": false})
	lib.internet_access_unknown({})
	lib.internet_access_unknown({"default_internet_access_enabled": null})
	lib.internet_access_unknown({"default_internet_access_enabled": "true"})
	not lib.internet_access_unknown({"default_internet_access_enabled": false})
}

test_boolean if {
	lib.boolean(true) == true
	lib.boolean("TRUE") == true
	lib.boolean("false") == false
	not lib.boolean("yes")
	not lib.boolean(json.unmarshal(`{"Ref": "P"}`))
}
