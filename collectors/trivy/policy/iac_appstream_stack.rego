# METADATA
# title: AppStream stacks disable clipboard, file transfer and printing to the local device
# description: >-
#   The AppStream desktop is the airlock of many SDEs: if users can copy, download, upload
#   or print, data leaves without output checking. AWS enables each action the stack
#   does not list. A connected Google Drive or OneDrive moves data in and out as freely.
#   The same decision as AWS-AS-001 (collectors/aws/policy/lib_appstream.rego).
# custom:
#   id: IAC-AS-001
#   severity: high
#   resource_types: [iac.terraform.resource, iac.cloudformation.resource]
#   remediation: >-
#     Give aws_appstream_stack a user_settings block with permission = "DISABLED" for
#     CLIPBOARD_COPY_FROM_LOCAL_DEVICE, CLIPBOARD_COPY_TO_LOCAL_DEVICE, FILE_UPLOAD,
#     FILE_DOWNLOAD and PRINTING_TO_LOCAL_DEVICE (UserSettings in CloudFormation), and no
#     storage_connectors of type GOOGLE_DRIVE or ONE_DRIVE.
package sdescan.checks.iac.appstream_stack

import data.sdescan.lib.appstream
import rego.v1

# The decision is lib_appstream's, shared with AWS-AS-001: the stack is
# normalised to the live facts' shape first.

default applicable := false

applicable if input.resource.attributes.resource_type in {"aws_appstream_stack", "AWS::AppStream::Stack"}

attrs := input.resource.attributes

tf if attrs.resource_type == "aws_appstream_stack"

cfn if attrs.resource_type == "AWS::AppStream::Stack"

# listed are the stack's user settings as written (null where a value is not
# known offline). Terraform leaves a dynamic block out: its settings count as
# not listed (enabled), which can fail a stack, never pass one.
listed := [{"action": object.get(s, "action", null), "permission": object.get(s, "permission", null)} |
	some s in object.get(attrs.config, "user_settings", [])
] if tf

listed := [{"action": object.get(s, "Action", null), "permission": object.get(s, "Permission", null)} |
	some s in object.get(attrs.properties, "UserSettings", [])
] if {
	cfn
	is_array(object.get(attrs.properties, "UserSettings", []))
}

# connectors are the stack's storage connector types as written (null where
# one is not known offline).
connectors := [object.get(c, "connector_type", null) | some c in object.get(attrs.config, "storage_connectors", [])] if tf

connectors := [object.get(c, "ConnectorType", null) | some c in object.get(attrs.properties, "StorageConnectors", [])] if {
	cfn
	is_array(object.get(attrs.properties, "StorageConnectors", []))
}

# stack is the stack in the live facts' shape; a part not known is left out.
stack := object.union(
	{"user_settings": appstream.user_settings(l) | l := listed},
	{"storage_connectors": c | c := connectors},
)

deny contains sprintf("AppStream stack %s leaves %s enabled", [attrs.name, appstream.settings[k].action]) if {
	some k in appstream.enabled(stack)
}

deny contains sprintf("AppStream stack %s connects users' %s storage to the session", [attrs.name, appstream.personal_drives[c]]) if {
	some c in appstream.drives(stack)
}

missing contains sprintf("attributes.%s", [path]) if {
	some u in appstream.unknown(stack)
	path := unknown_path(u)
}

unknown_path(u) := "config.user_settings" if {
	tf
	startswith(u, "user_settings.")
}

unknown_path(u) := "config.storage_connectors" if {
	tf
	u == "storage_connectors"
}

unknown_path(u) := "properties.UserSettings" if {
	cfn
	startswith(u, "user_settings.")
}

unknown_path(u) := "properties.StorageConnectors" if {
	cfn
	u == "storage_connectors"
}
