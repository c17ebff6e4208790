# METADATA
# title: AppStream stacks disable clipboard, file transfer and printing to the local device
# description: >-
#   The AppStream desktop is the airlock of many SDEs: if users can copy, download, upload
#   or print, data leaves without output checking. AWS enables each action the stack
#   does not list.
# custom:
#   id: IAC-AS-001
#   severity: high
#   resource_types: [iac.terraform.resource, iac.cloudformation.resource]
#   remediation: >-
#     Give aws_appstream_stack a user_settings block with permission = "DISABLED" for
#     CLIPBOARD_COPY_FROM_LOCAL_DEVICE, CLIPBOARD_COPY_TO_LOCAL_DEVICE, FILE_UPLOAD,
#     FILE_DOWNLOAD and PRINTING_TO_LOCAL_DEVICE (UserSettings in CloudFormation).
package sdescan.checks.iac.appstream_stack

import rego.v1

default applicable := false

applicable if input.resource.attributes.resource_type in {"aws_appstream_stack", "AWS::AppStream::Stack"}

attrs := input.resource.attributes

actions := ["CLIPBOARD_COPY_FROM_LOCAL_DEVICE", "CLIPBOARD_COPY_TO_LOCAL_DEVICE", "FILE_UPLOAD", "FILE_DOWNLOAD", "PRINTING_TO_LOCAL_DEVICE"]

settings := [{"action": s.action, "permission": s.permission} |
	some s in object.get(attrs.config, "user_settings", [])
] if attrs.resource_type == "aws_appstream_stack"

settings := [{"action": s.Action, "permission": s.Permission} |
	some s in object.get(attrs.properties, "UserSettings", [])
] if attrs.resource_type == "AWS::AppStream::Stack"

disabled(a) if {
	some s in settings
	s.action == a
	s.permission == "DISABLED"
}

deny contains sprintf("AppStream stack %s leaves %s enabled", [attrs.name, a]) if {
	some a in actions
	not disabled(a)
}
