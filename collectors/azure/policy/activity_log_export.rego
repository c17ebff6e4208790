# METADATA
# title: The subscription's activity log is exported by a diagnostic setting
# description: >-
#   The activity log records every control-plane write, RBAC change, policy decision and
#   Defender alert in the subscription, and Azure keeps it for 90 days only. A diagnostic
#   setting on the subscription must export it to a Log Analytics workspace, a storage
#   account or an event hub (a partner solution alone does not count) with at least the
#   Administrative, Security, Policy and Alert categories enabled (the categories CIS
#   Microsoft Azure Foundations asks for), or the allLogs category group. Categories
#   exported by different settings add up; a setting with no destination exports
#   nothing.
# custom:
#   id: AZ-MON-001
#   severity: high
#   resource_types: [azure.subscription.activity_log]
#   remediation: >-
#     Monitor > Activity log > Export Activity Logs > Add diagnostic setting: choose
#     allLogs (or at least Administrative, Security, Policy and Alert) and send them to
#     the SDE's Log Analytics workspace or an immutable storage account. CLI: az monitor
#     diagnostic-settings subscription create --location uksouth --name export
#     --workspace <id> --logs '[{"categoryGroup":"allLogs","enabled":true}]'. Terraform:
#     azurerm_monitor_diagnostic_setting with target_resource_id the subscription ID.
package sdescan.checks.azure.activity_log_export

import data.sdescan.lib.facts
import rego.v1

required := ["Administrative", "Alert", "Policy", "Security"]

sub := object.get(input.resource.scope, "account", input.resource.id)

destinations := ["workspace_id", "storage_account_id", "event_hub_authorization_rule_id"]

# exporting are the settings with a destination.
exporting contains s if {
	some s in input.resource.attributes.diagnostic_settings
	some d in destinations
	is_string(s[d])
	s[d] != ""
}

# exported contains each category enabled (lower-cased), or "*" for the
# allLogs category group, in a setting with a destination.
exported contains lower(l.category) if {
	some s in exporting
	some l in s.logs
	l.enabled == true
	is_string(l.category)
}

exported contains "*" if {
	some s in exporting
	some l in s.logs
	l.enabled == true
	is_string(l.category_group)
	lower(l.category_group) == "alllogs"
}

not_exported := [c | some c in required; not lower(c) in exported; not "*" in exported]

deny contains sprintf("Subscription %s: no diagnostic setting exports the activity log to a workspace, storage account or event hub (%d setting(s), none with a destination)", [sub, count(input.resource.attributes.diagnostic_settings)]) if {
	facts.present("diagnostic_settings")
	count(exporting) == 0
}

deny contains sprintf("Subscription %s: the activity log's %s categories are not exported", [sub, concat(", ", not_exported)]) if {
	facts.present("diagnostic_settings")
	count(exporting) > 0
	count(not_exported) > 0
}

missing contains "attributes.diagnostic_settings" if not facts.present("diagnostic_settings")
