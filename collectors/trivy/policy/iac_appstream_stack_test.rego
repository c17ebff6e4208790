package sdescan.checks.iac.appstream_stack_test

import data.sdescan.checks.iac.appstream_stack as check
import data.sdescan.lib.appstream
import rego.v1

tf(settings) := tf_with(settings, [])

tf_with(settings, connectors) := {"resource": {"id": "x", "type": "iac.terraform.resource", "source": "iac", "attributes": {"resource_type": "aws_appstream_stack", "name": "s", "config": {"user_settings": settings, "storage_connectors": connectors}}}}

cfn(props) := {"resource": {"id": "x", "type": "iac.cloudformation.resource", "source": "iac", "attributes": {"resource_type": "AWS::AppStream::Stack", "name": "S", "properties": props}}}

locked := [{"action": s.action, "permission": "DISABLED"} | some s in appstream.settings]

test_pass if {
	inp := tf(locked)
	check.applicable with input as inp
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_fail_unlisted_is_enabled if {
	count(check.deny) == 5 with input as tf([])
	count(check.deny) == 5 with input as {"resource": {"id": "x", "type": "iac.terraform.resource", "source": "iac", "attributes": {"resource_type": "aws_appstream_stack", "name": "s", "config": {}}}}
}

test_fail_enabled if {
	inp := tf([{"action": s.action, "permission": "ENABLED"} | some s in appstream.settings])
	count(check.deny) == 5 with input as inp
}

test_fail_personal_drive if {
	inp := tf_with(locked, [{"connector_type": "HOMEFOLDERS"}, {"connector_type": "GOOGLE_DRIVE"}])
	check.deny == {"AppStream stack s connects users' Google Drive storage to the session"} with input as inp
}

test_cloudformation if {
	props := {
		"UserSettings": [{"Action": s.action, "Permission": "DISABLED"} | some s in appstream.settings],
		"StorageConnectors": [{"ConnectorType": "HOMEFOLDERS"}],
	}
	count(check.deny) == 0 with input as cfn(props)
	count(check.missing) == 0 with input as cfn(props)
	check.deny == {"AppStream stack S leaves FILE_UPLOAD enabled", "AppStream stack S connects users' OneDrive storage to the session"} with input as cfn({
		"UserSettings": [{"Action": s.action, "Permission": "DISABLED"} | some s in appstream.settings; s.action != "FILE_UPLOAD"],
		"StorageConnectors": [{"ConnectorType": "ONE_DRIVE"}],
	})
}

# A permission or connector type not known offline is not assessed; an unknown
# action might be any of the unlisted ones.
test_unknown if {
	perm := tf(array.concat([{"action": "FILE_UPLOAD"}], [s | some s in locked; s.action != "FILE_UPLOAD"]))
	check.missing == {"attributes.config.user_settings"} with input as perm
	count(check.deny) == 0 with input as perm
	action := tf(array.concat([{"permission": "DISABLED"}], [s | some s in locked; s.action != "FILE_UPLOAD"]))
	check.missing == {"attributes.config.user_settings"} with input as action
	count(check.deny) == 0 with input as action
	conn := tf_with(locked, [{}])
	check.missing == {"attributes.config.storage_connectors"} with input as conn
	ref := cfn({"UserSettings": {"Ref": "Settings"}, "StorageConnectors": []})
	check.missing == {"attributes.properties.UserSettings"} with input as ref
	count(check.deny) == 0 with input as ref
}

# A listed enabled setting fails the stack even beside an unknown one.
test_unknown_beside_enabled if {
	inp := tf(array.concat([{"action": "FILE_UPLOAD"}, {"action": "FILE_DOWNLOAD", "permission": "ENABLED"}], [s | some s in locked; not s.action in {"FILE_UPLOAD", "FILE_DOWNLOAD"}]))
	check.deny == {"AppStream stack s leaves FILE_DOWNLOAD enabled"} with input as inp
}
