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

import data.sdescan.lib.appstream
import rego.v1

# The decision is lib_appstream's, shared with IAC-AS-001.

stack := object.get(input.resource.attributes, "name", input.resource.id)

deny contains sprintf("AppStream stack %s allows %s", [stack, appstream.settings[k].what]) if {
	some k in appstream.enabled(input.resource.attributes)
}

# Personal cloud drives connected to the session move data in and out freely.
deny contains sprintf("AppStream stack %s connects users' %s storage to the session", [stack, appstream.personal_drives[c]]) if {
	some c in appstream.drives(input.resource.attributes)
}

missing contains sprintf("attributes.%s", [u]) if {
	some u in appstream.unknown(input.resource.attributes)
}
