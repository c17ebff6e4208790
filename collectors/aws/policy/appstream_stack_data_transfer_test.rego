package sdescan.checks.aws.appstream_stack_data_transfer_test

import data.sdescan.checks.aws.appstream_stack_data_transfer as check
import rego.v1

locked := {"clipboard_copy_from_local_device": false, "clipboard_copy_to_local_device": false, "file_upload": false, "file_download": false, "printing_to_local_device": false}

stack(us) := stack_with(us, [])

stack_with(us, connectors) := {"resource": {"id": "aws://111111111111/eu-west-2/appstream/stack/s", "type": "aws.appstream.stack", "source": "aws", "attributes": {"name": "s", "user_settings": us, "storage_connectors": connectors}}}

test_pass if {
	inp := stack(locked)
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_fail_clipboard if {
	check.deny == {"AppStream stack s allows clipboard copy to the local device"} with input as stack(object.union(locked, {"clipboard_copy_to_local_device": true}))
}

test_fail_download if {
	check.deny == {"AppStream stack s allows file download"} with input as stack(object.union(locked, {"file_download": true}))
}

test_fail_upload if {
	check.deny == {"AppStream stack s allows file upload"} with input as stack(object.union(locked, {"file_upload": true}))
}

test_fail_printing if {
	check.deny == {"AppStream stack s allows printing to a local printer"} with input as stack(object.union(locked, {"printing_to_local_device": true}))
}

test_missing if {
	inp := {"resource": {"id": "s", "type": "aws.appstream.stack", "attributes": {"name": "s"}}}
	count(check.missing) == 6 with input as inp # five settings and the storage connectors
	count(check.deny) == 0 with input as inp
}

test_fail_paste if {
	check.deny == {"AppStream stack s allows pasting from the local device's clipboard (data entering outside the airlock)"} with input as stack(object.union(locked, {"clipboard_copy_from_local_device": true}))
}

test_fail_personal_drive if {
	check.deny == {"AppStream stack s connects users' OneDrive storage to the session"} with input as stack_with(locked, ["HOMEFOLDERS", "ONE_DRIVE"])
}

test_home_folders_pass if {
	count(check.deny) == 0 with input as stack_with(locked, ["HOMEFOLDERS"])
}

test_connectors_unknown if {
	inp := {"resource": {"id": "s", "type": "aws.appstream.stack", "attributes": {"name": "s", "user_settings": locked}}}
	count(check.deny) == 0 with input as inp
	check.missing == {"attributes.storage_connectors"} with input as inp
}
