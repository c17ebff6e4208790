package sdescan.checks.azure.ml_workspace_test

import data.sdescan.checks.azure.ml_workspace as check
import rego.v1

ws(class, attrs) := {"resource": {"id": "ml-id", "type": "azure.ml.workspace", "source": "azure", "classification": class, "attributes": object.union({"name": "ml", "hub_resource_id": null}, attrs)}}

good := {"public_network_access": "Disabled", "hbi_workspace": true}

test_pass if {
	count(check.deny) == 0 with input as ws("identifiable", good)
	count(check.missing) == 0 with input as ws("identifiable", good)

	# hbiWorkspace is needed only for identifiable or pseudonymised data.
	count(check.deny) == 0 with input as ws("anonymised", {"public_network_access": "Disabled", "hbi_workspace": null})
	count(check.deny) == 0 with input as ws("", {"public_network_access": "DISABLED", "hbi_workspace": false})
}

test_fail_public if {
	check.deny == {"ML workspace ml allows public network access (publicNetworkAccess Enabled)"} with input as ws("", {"public_network_access": "Enabled", "hbi_workspace": null})
	check.deny == {"ML workspace ml allows public network access (publicNetworkAccess not set: Enabled by default)"} with input as ws("identifiable", {"public_network_access": null, "hbi_workspace": true})
}

test_fail_hbi if {
	check.deny == {"ML workspace ml is tagged identifiable but is not a high-business-impact workspace (hbiWorkspace null)"} with input as ws("identifiable", {"public_network_access": "Disabled", "hbi_workspace": null})
	check.deny == {"ML workspace ml is tagged pseudonymised but is not a high-business-impact workspace (hbiWorkspace false)"} with input as ws("pseudonymised", {"public_network_access": "Disabled", "hbi_workspace": false})
}

hub := "/subscriptions/s/resourcegroups/rg/providers/microsoft.machinelearningservices/workspaces/hub"

test_project_inherits_hub if {
	# A project that sets nothing takes its hub's settings.
	project := {"hub_resource_id": hub, "public_network_access": null, "hbi_workspace": null}
	inherited := object.union(project, {"hub_public_network_access": "Disabled", "hub_hbi_workspace": true})
	count(check.deny) == 0 with input as ws("identifiable", inherited)
	count(check.missing) == 0 with input as ws("identifiable", inherited)

	open := object.union(project, {"hub_public_network_access": "Enabled", "hub_hbi_workspace": null})
	check.deny == {
		"ML workspace ml allows public network access (publicNetworkAccess Enabled, its hub's)",
		"ML workspace ml is tagged identifiable but is not a high-business-impact workspace (hbiWorkspace null, its hub's)",
	} with input as ws("identifiable", open)

	# Its own setting, when it has one, is what counts.
	check.deny == {"ML workspace ml allows public network access (publicNetworkAccess Enabled)"} with input as ws("", object.union(inherited, {"public_network_access": "Enabled"}))

	# Its hub was not read (another subscription): not assessed.
	count(check.deny) == 0 with input as ws("identifiable", project)
	check.missing == {"attributes.hub_public_network_access", "attributes.hub_hbi_workspace"} with input as ws("identifiable", project)
	check.missing == {"attributes.hub_public_network_access"} with input as ws("", project)
}

test_missing if {
	count(check.deny) == 0 with input as ws("identifiable", {})
	check.missing == {"attributes.public_network_access", "attributes.hbi_workspace"} with input as ws("identifiable", {})
	check.missing == {"attributes.public_network_access"} with input as ws("", {})
}
