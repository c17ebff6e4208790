package sdescan.checks.azure.aks_cluster_test

import data.sdescan.checks.azure.aks_cluster as check
import rego.v1

aks(attrs) := {"resource": {"id": "aks-id", "type": "azure.aks.cluster", "source": "azure", "attributes": object.union({"name": "aks"}, attrs)}}

good := {
	"private_cluster": true, "authorized_ip_ranges": [], "disable_local_accounts": true,
	"entra_managed": true, "enable_rbac": true, "network_policy": "azure",
}

test_pass if {
	count(check.deny) == 0 with input as aks(good)
	count(check.missing) == 0 with input as aks(good)
	count(check.deny) == 0 with input as aks(object.union(good, {"private_cluster": false, "authorized_ip_ranges": ["203.0.113.0/24"]}))
	count(check.deny) == 0 with input as aks(object.union(good, {"private_cluster": null, "authorized_ip_ranges": ["203.0.113.0/24", "198.51.100.7/32"]}))
	every p in ["calico", "cilium"] {
		count(check.deny) == 0 with input as aks(object.union(good, {"network_policy": p}))
	}
}

test_fail_public if {
	check.deny == {"AKS cluster aks's API server is reachable from the internet (not private; authorised IP ranges [])"} with input as aks(object.union(good, {"private_cluster": false}))
	check.deny == {"AKS cluster aks's API server is reachable from the internet (not private; authorised IP ranges [])"} with input as aks(object.union(good, {"private_cluster": null}))
	check.deny == {"AKS cluster aks's API server is reachable from the internet (not private; authorised IP ranges [\"10.0.0.0/8\", \"0.0.0.0/0\"])"} with input as aks(object.union(good, {"private_cluster": false, "authorized_ip_ranges": ["10.0.0.0/8", "0.0.0.0/0"]}))
}

test_fail_identity if {
	check.deny == {"AKS cluster aks allows local accounts (disableLocalAccounts null)"} with input as aks(object.union(good, {"disable_local_accounts": null}))
	check.deny == {"AKS cluster aks allows local accounts (disableLocalAccounts false)"} with input as aks(object.union(good, {"disable_local_accounts": false}))
	check.deny == {"AKS cluster aks does not use Microsoft Entra ID integration (aadProfile.managed null)"} with input as aks(object.union(good, {"entra_managed": null}))
	check.deny == {"AKS cluster aks has RBAC off (enableRBAC false)"} with input as aks(object.union(good, {"enable_rbac": false}))
}

test_fail_network_policy if {
	check.deny == {"AKS cluster aks has no network policy engine (networkPolicy null)"} with input as aks(object.union(good, {"network_policy": null}))
	check.deny == {"AKS cluster aks has no network policy engine (networkPolicy none)"} with input as aks(object.union(good, {"network_policy": "none"}))
}

test_missing if {
	count(check.deny) == 0 with input as aks({})
	check.missing == {"attributes.private_cluster", "attributes.authorized_ip_ranges", "attributes.disable_local_accounts", "attributes.entra_managed", "attributes.enable_rbac", "attributes.network_policy"} with input as aks({})
}
