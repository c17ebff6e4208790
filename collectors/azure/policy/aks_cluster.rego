# METADATA
# title: AKS clusters have a private or restricted API server, no local accounts, Microsoft Entra RBAC and a network policy
# description: >-
#   An AKS cluster running SDE workloads must not expose its API server to the whole
#   internet (a private cluster, or authorised IP ranges that exclude 0.0.0.0/0), must
#   not issue static local-account credentials (disableLocalAccounts true), must
#   authenticate users with Microsoft Entra ID and authorise them with RBAC (AKS-managed
#   Entra integration and RBAC on), and must run a network policy engine (azure, calico
#   or cilium) so that pods can be isolated. Unset settings count as their permissive
#   defaults: public API server, local accounts on, no Entra integration, no network
#   policy.
# custom:
#   id: AZ-AKS-001
#   severity: high
#   resource_types: [azure.aks.cluster]
#   remediation: >-
#     Create the cluster with --enable-private-cluster (or az aks update
#     --api-server-authorized-ip-ranges with your ranges), az aks update
#     --disable-local-accounts --enable-aad --enable-azure-rbac, and a network policy
#     (--network-policy azure, calico or cilium). Terraform: azurerm_kubernetes_cluster
#     with private_cluster_enabled = true or api_server_access_profile
#     { authorized_ip_ranges }, local_account_disabled = true,
#     azure_active_directory_role_based_access_control { azure_rbac_enabled = true },
#     role_based_access_control_enabled = true and network_profile { network_policy }.
package sdescan.checks.azure.aks_cluster

import data.sdescan.lib.azure_aks as aks
import rego.v1

# The decision is lib_aks's, shared with IAC-AZ-007.

attrs := input.resource.attributes

cluster := object.get(attrs, "name", input.resource.id)

failing := aks.failing(attrs)

deny contains sprintf("AKS cluster %s's API server is reachable from the internet (not private; authorised IP ranges %v)", [cluster, attrs.authorized_ip_ranges]) if {
	"api_server" in failing
}

deny contains sprintf("AKS cluster %s allows local accounts (disableLocalAccounts %v)", [cluster, attrs.disable_local_accounts]) if {
	"disable_local_accounts" in failing
}

deny contains sprintf("AKS cluster %s does not use Microsoft Entra ID integration (aadProfile.managed %v)", [cluster, attrs.entra_managed]) if {
	"entra_managed" in failing
}

deny contains sprintf("AKS cluster %s has RBAC off (enableRBAC %v)", [cluster, attrs.enable_rbac]) if {
	"enable_rbac" in failing
}

deny contains sprintf("AKS cluster %s has no network policy engine (networkPolicy %v)", [cluster, attrs.network_policy]) if {
	"network_policy" in failing
}

missing contains sprintf("attributes.%s", [key]) if {
	some key in aks.unknown(attrs)
}
