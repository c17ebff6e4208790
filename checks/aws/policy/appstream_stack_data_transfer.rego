# METADATA
# title: AppStream stacks block the clipboard, file transfer, printing and personal drives
# description: >-
#   AppStream is often the SDE's remote desktop: the "safe setting" where researchers see
#   data without holding it. Copying to the local clipboard, downloading files,
#   printing or a connected Google Drive or OneDrive lets data leave the environment
#   without output checking; pasting from the local clipboard and uploading let unvetted
#   data or code in. All must be disabled; data moves in and out through the SDE's
#   airlock.
# custom:
#   id: AWS-AS-001
#   severity: high
#   resource_types: [aws.appstream.stack]
#   remediation: >-
#     Terraform: aws_appstream_stack with user_settings blocks setting permission =
#     "DISABLED" for CLIPBOARD_COPY_FROM_LOCAL_DEVICE, CLIPBOARD_COPY_TO_LOCAL_DEVICE,
#     FILE_DOWNLOAD, FILE_UPLOAD and PRINTING_TO_LOCAL_DEVICE (actions not listed
#     default to ENABLED), and no storage_connectors of type GOOGLE_DRIVE or ONE_DRIVE.
package sdescan.checks.aws.appstream_stack_data_transfer

import rego.v1

settings := {
	"clipboard_copy_from_local_device": "pasting from the local device's clipboard (data entering outside the airlock)",
	"clipboard_copy_to_local_device": "clipboard copy to the local device",
	"file_download": "file download",
	"file_upload": "file upload",
	"printing_to_local_device": "printing to a local printer",
}

deny contains msg if {
	some s, what in settings
	input.resource.attributes.user_settings[s] == true
	msg := sprintf("AppStream stack %s allows %s", [object.get(input.resource.attributes, "name", input.resource.id), what])
}

# Personal cloud drives connected to the session move data in and out freely.
personal_drives := {"GOOGLE_DRIVE": "Google Drive", "ONE_DRIVE": "OneDrive"}

deny contains msg if {
	some c in object.get(input.resource.attributes, "storage_connectors", [])
	what := personal_drives[c]
	msg := sprintf("AppStream stack %s connects users' %s storage to the session", [object.get(input.resource.attributes, "name", input.resource.id), what])
}

missing contains "attributes.storage_connectors" if {
	not is_array(object.get(input.resource.attributes, "storage_connectors", null))
}

missing contains sprintf("attributes.user_settings.%s", [s]) if {
	some s, _ in settings
	not is_boolean(object.get(input.resource.attributes, ["user_settings", s], null))
}
