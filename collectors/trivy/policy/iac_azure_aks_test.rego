package sdescan.checks.iac.azure_aks_test

import data.sdescan.checks.iac.azure_aks as check
import data.sdescan.lib.azure_aks as aks
import rego.v1

tf(cfg, unknown) := {"resource": {"id": "x", "type": "iac.terraform.resource", "source": "iac", "attributes": {"mode": "resource", "resource_type": "azurerm_kubernetes_cluster", "name": "aks", "config": cfg, "unknown_attributes": unknown}}}

arm(props, unknown) := {"resource": {"id": "x", "type": "iac.arm.resource", "source": "iac", "attributes": {"resource_type": "Microsoft.ContainerService/managedClusters", "name": "aks", "properties": props, "unknown_attributes": unknown}}}

good_tf := {
	"private_cluster_enabled": true,
	"local_account_disabled": true,
	"azure_active_directory_role_based_access_control": [{"azure_rbac_enabled": true}],
	"network_profile": [{"network_plugin": "azure", "network_policy": "cilium"}],
}

good_arm := {
	"apiServerAccessProfile": {"enablePrivateCluster": true},
	"disableLocalAccounts": true,
	"aadProfile": {"managed": true},
	"enableRBAC": true,
	"networkProfile": {"networkPolicy": "azure"},
}

test_pass if {
	count(check.deny) == 0 with input as tf(good_tf, [])
	count(check.missing) == 0 with input as tf(good_tf, [])
	count(check.deny) == 0 with input as arm(good_arm, [])
	count(check.missing) == 0 with input as arm(good_arm, [])
}

# Authorised ranges that exclude the internet pass instead of a private
# cluster (api_server_access_profile, or azurerm v3's older argument).
test_pass_authorised_ranges if {
	count(check.deny) == 0 with input as tf(object.union(object.remove(good_tf, ["private_cluster_enabled"]), {"api_server_access_profile": [{"authorized_ip_ranges": ["203.0.113.0/24"]}]}), [])
	count(check.deny) == 0 with input as tf(object.union(object.remove(good_tf, ["private_cluster_enabled"]), {"api_server_authorized_ip_ranges": ["203.0.113.0/24"]}), [])
	count(check.deny) == 0 with input as arm(object.union(good_arm, {"apiServerAccessProfile": {"authorizedIPRanges": ["203.0.113.0/24"]}}), [])
}

test_fail_tf_defaults if {
	check.deny == {
		"azurerm_kubernetes_cluster aks's API server is reachable from the internet (not private; authorised IP ranges [])",
		"azurerm_kubernetes_cluster aks allows local accounts (local_account_disabled: false)",
		"azurerm_kubernetes_cluster aks does not use AKS-managed Microsoft Entra ID integration (azure_active_directory_role_based_access_control: false)",
		"azurerm_kubernetes_cluster aks has no network policy engine (network_profile.network_policy: null)",
	} with input as tf({}, [])
}

test_fail_tf_written if {
	check.deny == {"azurerm_kubernetes_cluster aks has RBAC off (role_based_access_control_enabled: false)"} with input as tf(object.union(good_tf, {"role_based_access_control_enabled": false}), [])
	check.deny == {`azurerm_kubernetes_cluster aks's API server is reachable from the internet (not private; authorised IP ranges ["10.0.0.0/8", "0.0.0.0/0"])`} with input as tf(object.union(good_tf, {"private_cluster_enabled": false, "api_server_access_profile": [{"authorized_ip_ranges": ["10.0.0.0/8", "0.0.0.0/0"]}]}), [])
	check.deny == {"azurerm_kubernetes_cluster aks has no network policy engine (network_profile.network_policy: none)"} with input as tf(object.union(good_tf, {"network_profile": [{"network_policy": "none"}]}), [])
}

# azurerm v3: managed = false, or the legacy integration's applications, is
# not AKS-managed Entra integration.
test_fail_legacy_entra if {
	msg := "azurerm_kubernetes_cluster aks does not use AKS-managed Microsoft Entra ID integration (azure_active_directory_role_based_access_control: false)"
	check.deny == {msg} with input as tf(object.union(good_tf, {"azure_active_directory_role_based_access_control": [{"managed": false}]}), [])
	check.deny == {msg} with input as tf(object.union(good_tf, {"azure_active_directory_role_based_access_control": [{"client_app_id": "a", "server_app_id": "b"}]}), [])
}

test_fail_arm_unset if {
	count(check.deny) == 5 with input as arm({}, [])
	check.deny == {"Microsoft.ContainerService/managedClusters aks allows local accounts (disableLocalAccounts: null)"} with input as arm(object.remove(good_arm, ["disableLocalAccounts"]), [])
}

test_missing if {
	inp := tf(object.remove(good_tf, ["local_account_disabled"]), ["local_account_disabled", "network_profile.0.network_policy"])
	check.missing == {"attributes.config.local_account_disabled", "attributes.config.network_profile.network_policy"} with input as inp
	count(check.deny) == 0 with input as inp
	check.missing == {"attributes.config.api_server_access_profile.authorized_ip_ranges"} with input as tf(good_tf, ["api_server_access_profile.0.authorized_ip_ranges.1"])
	arm_inp := arm(object.remove(good_arm, ["networkProfile"]), ["properties.networkProfile"])
	check.missing == {"attributes.properties.networkProfile.networkPolicy"} with input as arm_inp
	count(check.deny) == 0 with input as arm_inp
}

# Equivalence with AZ-AKS-001: the normalised cluster is the live shape.
test_equivalence if {
	live := {"private_cluster": true, "authorized_ip_ranges": [], "disable_local_accounts": true, "entra_managed": true, "enable_rbac": true, "network_policy": "cilium"}
	check.cluster == live with input as tf(good_tf, [])
	count(aks.failing(live)) == 0
	defaults := {"private_cluster": false, "authorized_ip_ranges": [], "disable_local_accounts": false, "entra_managed": false, "enable_rbac": true, "network_policy": null}
	check.cluster == defaults with input as tf({}, [])
	aks.failing(defaults) == {"api_server", "disable_local_accounts", "entra_managed", "network_policy"}
}

test_legacy_app_unknown if {
	inp := tf(object.union(good_tf, {"azure_active_directory_role_based_access_control": [{"managed": true}]}), ["azure_active_directory_role_based_access_control.0.server_app_secret"])
	check.deny == {"azurerm_kubernetes_cluster aks does not use AKS-managed Microsoft Entra ID integration (azure_active_directory_role_based_access_control: false)"} with input as inp
	count(check.deny) == 0 with input as tf(good_tf, ["azure_active_directory_role_based_access_control.0.tenant_id"])
}
