package sdescan.checks.azure.activity_log_export_test

import data.sdescan.checks.azure.activity_log_export as check
import rego.v1

activity(attrs) := {"resource": {"id": "/subscriptions/x/providers/microsoft.insights/diagnosticsettings", "type": "azure.subscription.activity_log", "source": "azure", "scope": {"account": "sub-1"}, "attributes": attrs}}

log(category) := {"category": category, "category_group": null, "enabled": true}

setting(dest, logs) := object.union(
	{"name": "export", "workspace_id": null, "storage_account_id": null, "event_hub_authorization_rule_id": null, "event_hub_name": null, "marketplace_partner_id": null, "logs": logs},
	dest,
)

workspace := {"workspace_id": "/subscriptions/s/resourcegroups/rg/providers/microsoft.operationalinsights/workspaces/law"}

cis := [log("Administrative"), log("Security"), log("Policy"), log("Alert"), {"category": "ServiceHealth", "category_group": null, "enabled": false}]

test_pass if {
	count(check.deny) == 0 with input as activity({"diagnostic_settings": [setting(workspace, cis)]})
	count(check.missing) == 0 with input as activity({"diagnostic_settings": [setting(workspace, cis)]})

	# allLogs, in any case; a storage account or event hub; categories in any case.
	count(check.deny) == 0 with input as activity({"diagnostic_settings": [setting(workspace, [{"category": null, "category_group": "AllLogs", "enabled": true}])]})
	count(check.deny) == 0 with input as activity({"diagnostic_settings": [setting({"storage_account_id": "/subscriptions/s/x"}, [log("administrative"), log("SECURITY"), log("Policy"), log("Alert")])]})
	count(check.deny) == 0 with input as activity({"diagnostic_settings": [setting({"event_hub_authorization_rule_id": "/subscriptions/s/y"}, cis)]})

	# Categories split over two settings add up.
	count(check.deny) == 0 with input as activity({"diagnostic_settings": [
		setting(workspace, [log("Administrative"), log("Security")]),
		setting({"storage_account_id": "/subscriptions/s/x"}, [log("Policy"), log("Alert")]),
	]})
}

test_fail_none if {
	check.deny == {"Subscription sub-1: no diagnostic setting exports the activity log to a workspace, storage account or event hub (0 setting(s), none with a destination)"} with input as activity({"diagnostic_settings": []})

	# A partner solution alone, or a blank destination, exports nothing here.
	check.deny == {"Subscription sub-1: no diagnostic setting exports the activity log to a workspace, storage account or event hub (2 setting(s), none with a destination)"} with input as activity({"diagnostic_settings": [
		setting({"marketplace_partner_id": "/subscriptions/s/providers/microsoft.datadog/monitors/dd"}, cis),
		setting({"workspace_id": ""}, cis),
	]})
}

test_fail_categories if {
	check.deny == {"Subscription sub-1: the activity log's Alert, Policy categories are not exported"} with input as activity({"diagnostic_settings": [setting(workspace, [log("Administrative"), log("Security")])]})

	# Disabled categories, or a disabled allLogs group, are not exported; nor are those of a setting without a destination.
	check.deny == {"Subscription sub-1: the activity log's Administrative, Alert, Policy, Security categories are not exported"} with input as activity({"diagnostic_settings": [
		setting(workspace, [{"category": "Administrative", "category_group": null, "enabled": false}, {"category": null, "category_group": "allLogs", "enabled": false}]),
		setting({}, cis),
	]})
}

test_missing if {
	count(check.deny) == 0 with input as activity({})
	check.missing == {"attributes.diagnostic_settings"} with input as activity({})
}
