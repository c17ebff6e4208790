# The decisions on AppStream 2.0, each shared by a live check and its IaC twin.
# A library, not a check (it has no custom.id). Both sides judge the resource
# normalised to the live facts' shape (collectors/aws/appstream.go).
#
# Stacks (AWS-AS-001 over aws.appstream.stack, IAC-AS-001 over
# aws_appstream_stack and AWS::AppStream::Stack):
#
#   {"user_settings": {<setting>: bool, …}, "storage_connectors": [type, …]}
#
# user_settings holds one boolean per action that moves data across the
# session's edge (true = enabled). AWS enables every action a stack does not
# list, and any permission but DISABLED counts as enabled (a value sdescan does
# not know cannot pass); IaC settings become this shape through user_settings
# below, exactly as the live collector builds it from DescribeStacks. Each must
# be disabled, and no storage connector may be a personal cloud drive (Google
# Drive, OneDrive); home folders stay in the account. USB redirection and
# host-to-client URL redirection are set on the fleet's image, not on the stack,
# and neither AWS's stack API nor the IaC stack resources express them.
#
# Fleets and image builders (AWS-AS-002 over aws.appstream.fleet and
# aws.appstream.image_builder, IAC-AS-002 over aws_appstream_fleet,
# aws_appstream_image_builder and their CloudFormation types):
#
#   {"default_internet_access_enabled": bool}
#
# which must be false. AWS's default, when a request leaves it out, is false.
package sdescan.lib.appstream

import rego.v1

# --- stacks -------------------------------------------------------------------

# settings are the judged stack user settings: fact key → AppStream action and
# what enabling it lets users do, for messages.
settings := {
	"clipboard_copy_from_local_device": {"action": "CLIPBOARD_COPY_FROM_LOCAL_DEVICE", "what": "pasting from the local device's clipboard (data entering outside the airlock)"},
	"clipboard_copy_to_local_device": {"action": "CLIPBOARD_COPY_TO_LOCAL_DEVICE", "what": "clipboard copy to the local device"},
	"file_download": {"action": "FILE_DOWNLOAD", "what": "file download"},
	"file_upload": {"action": "FILE_UPLOAD", "what": "file upload"},
	"printing_to_local_device": {"action": "PRINTING_TO_LOCAL_DEVICE", "what": "printing to a local printer"},
}

# personal_drives are the storage connectors that connect a user's own cloud
# storage to the session.
personal_drives := {"GOOGLE_DRIVE": "Google Drive", "ONE_DRIVE": "OneDrive"}

# user_settings(listed): the user settings of a stack, in the facts' shape,
# from the settings its code lists ([{"action": …, "permission": …}], null where
# a value is not known offline). An action the stack does not list is enabled;
# one listed only with DISABLED is disabled; one listed with any other
# permission is enabled. A setting is left out (not known) when a listed
# permission for its action is not known, or when it is not listed and some
# listed action is not known (that entry might be it).
user_settings(listed) := {k: v |
	some k, s in settings
	v := setting(listed, s.action)
}

setting(listed, action) if {
	not listed_action(listed, action)
	every e in listed {
		is_string(e.action)
	}
}

setting(listed, action) := v if {
	entries := [e | some e in listed; e.action == action]
	count(entries) > 0
	every e in entries {
		is_string(e.permission)
	}
	v := count([e | some e in entries; e.permission != "DISABLED"]) > 0
}

listed_action(listed, action) if {
	some e in listed
	e.action == action
}

# enabled(stack): the settings stack has enabled (each must be disabled).
enabled(stack) := {k | some k, _ in settings; stack.user_settings[k] == true}

# drives(stack): the personal cloud drives connected to stack.
drives(stack) := {c | some c in stack.storage_connectors; personal_drives[c]}

# unknown(stack): what of stack is not known (fact paths under the stack).
unknown(stack) := {sprintf("user_settings.%s", [k]) |
	some k, _ in settings
	not is_boolean(object.get(stack, ["user_settings", k], null))
} | {"storage_connectors" | not known_connectors(stack)}

known_connectors(stack) if {
	is_array(stack.storage_connectors)
	every c in stack.storage_connectors {
		is_string(c)
	}
}

# --- fleets and image builders ------------------------------------------------

# internet_access_default is AWS's EnableDefaultInternetAccess when a request
# leaves it out.
internet_access_default := false

# boolean(v): v as a boolean: a JSON boolean, or "true"/"false" in any case (a
# CloudFormation string, a Terraform string the provider converts); undefined
# for anything else.
boolean(v) := v if is_boolean(v)

boolean(v) if {
	is_string(v)
	lower(v) == "true"
}

boolean(v) := false if {
	is_string(v)
	lower(v) == "false"
}

# internet_access(r): r (a fleet or image builder) has default internet access.
internet_access(r) if r.default_internet_access_enabled == true

# internet_access_unknown(r): whether r has default internet access is not known.
internet_access_unknown(r) if not is_boolean(object.get(r, "default_internet_access_enabled", null))
