# METADATA
# title: AppStream stacks block copying, downloading, uploading and printing
# description: >-
#   AppStream is often the SDE's remote desktop: the "safe setting" where researchers see
#   data without holding it. Copying to the local clipboard, downloading files or
#   printing lets data leave the environment without output checking, and uploading
#   lets unvetted data or code in. All four must be disabled; approved outputs leave
#   through the SDE's airlock.
# custom:
#   id: AWS-AS-001
#   severity: high
#   resource_types: [aws.appstream.stack]
#   remediation: >-
#     Terraform: aws_appstream_stack with user_settings blocks setting permission =
#     "DISABLED" for CLIPBOARD_COPY_TO_LOCAL_DEVICE, FILE_DOWNLOAD, FILE_UPLOAD and
#     PRINTING_TO_LOCAL_DEVICE (actions not listed default to ENABLED).
package sdescan.checks.aws.appstream_stack_data_transfer

import rego.v1

settings := {
	"clipboard_copy_to_local_device": "clipboard copy to the local device",
	"file_download": "file download",
	"file_upload": "file upload",
	"printing_to_local_device": "printing to a local printer",
}

us := input.resource.attributes.user_settings

deny contains msg if {
	some s, what in settings
	us[s] == true
	msg := sprintf("AppStream stack %s allows %s", [object.get(input.resource.attributes, "name", input.resource.id), what])
}

missing contains sprintf("attributes.user_settings.%s", [s]) if {
	some s, _ in settings
	not is_boolean(object.get(input.resource.attributes, ["user_settings", s], null))
}
