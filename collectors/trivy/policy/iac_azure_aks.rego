# METADATA
# title: AKS clusters have a private or restricted API server, no local accounts, Microsoft Entra RBAC and a network policy
# description: >-
#   The code twin of AZ-AKS-001, with the same decision
#   (collectors/azure/policy/lib_aks.rego). The API server must be private or limited to
#   authorised IP ranges that exclude 0.0.0.0/0; local accounts (static credentials)
#   off; users authenticated with Microsoft Entra ID (AKS-managed integration) and
#   authorised with RBAC; and a network policy engine (azure, calico or cilium) running.
#   Settings the code leaves out take azurerm's defaults (public API server, local
#   accounts on, no Entra integration, RBAC on, no network policy) or, in an ARM
#   template, stay unset (which the live check fails). A value not known offline is not
#   assessed.
# custom:
#   id: IAC-AZ-007
#   severity: high
#   resource_types: [iac.terraform.resource, iac.arm.resource]
#   remediation: >-
#     Terraform: azurerm_kubernetes_cluster with private_cluster_enabled = true or
#     api_server_access_profile { authorized_ip_ranges = [...] }, local_account_disabled =
#     true, azure_active_directory_role_based_access_control { azure_rbac_enabled = true
#     }, role_based_access_control_enabled = true (the default) and network_profile {
#     network_policy = "azure" (or calico, cilium) }. ARM/Bicep:
#     Microsoft.ContainerService/managedClusters properties
#     apiServerAccessProfile.enablePrivateCluster true (or authorizedIPRanges),
#     disableLocalAccounts true, aadProfile { managed true, enableAzureRBAC true },
#     enableRBAC true and networkProfile.networkPolicy.
package sdescan.checks.iac.azure_aks

import data.sdescan.lib.azure_aks as aks
import data.sdescan.lib.iac_azure as iac
import rego.v1

# The decision is lib_aks's, shared with AZ-AKS-001: the cluster is
# normalised to the live facts' shape first.

default applicable := false

applicable if iac.tf(input.resource, "azurerm_kubernetes_cluster")

applicable if iac.arm(input.resource, "Microsoft.ContainerService/managedClusters")

attrs := input.resource.attributes

tf if input.resource.type == "iac.terraform.resource"

# Terraform (azurerm).

written("private_cluster") := iac.bool(iac.tf_arg(attrs, ["private_cluster_enabled"], false)) if tf

# authorized_ip_ranges: api_server_access_profile's (azurerm v3.x and v4), or
# azurerm v2/v3's api_server_authorized_ip_ranges.
written("authorized_ip_ranges") := ranges if {
	tf
	profile := iac.tf_block(attrs, "api_server_access_profile")
	not iac.unknown_at(attrs, "api_server_access_profile.0.authorized_ip_ranges")
	old := iac.tf_arg(attrs, ["api_server_authorized_ip_ranges"], [])
	is_array(old)
	ranges := array.concat(object.get(profile, "authorized_ip_ranges", []), old)
}

written("disable_local_accounts") := iac.bool(iac.tf_arg(attrs, ["local_account_disabled"], false)) if tf

written("enable_rbac") := iac.bool(iac.tf_arg(attrs, ["role_based_access_control_enabled"], true)) if tf

# entra_managed: an azure_active_directory_role_based_access_control block is
# AKS-managed Entra integration (azurerm v4; v3 says so with managed = true),
# unless it names the legacy integration's applications.
written("entra_managed") := v if {
	tf
	block := iac.tf_block(attrs, "azure_active_directory_role_based_access_control")
	not iac.unknown_at(attrs, "azure_active_directory_role_based_access_control.0.managed")
	v := entra(block)
}

entra(block) := false if count(block) == 0

entra(block) := false if {
	count(block) > 0
	legacy_app(block)
}

entra(block) := iac.bool(object.get(block, "managed", true)) if {
	count(block) > 0
	not legacy_app(block)
}

legacy_app(block) if {
	some legacy in ["client_app_id", "server_app_id", "server_app_secret"]
	block[legacy]
}

# An application argument written with a value not known offline is written
# all the same: the legacy integration.
legacy_app(block) if {
	count(block) > 0
	some legacy in ["client_app_id", "server_app_id", "server_app_secret"]
	iac.unknown_at(attrs, concat("", ["azure_active_directory_role_based_access_control.0.", legacy]))
}

written("network_policy") := policy if {
	tf
	profile := iac.tf_block(attrs, "network_profile")
	not iac.unknown_at(attrs, "network_profile.0.network_policy")
	policy := iac.string_or_null(object.get(profile, "network_policy", null))
}

# ARM: what the template leaves out stays unset.

arm_paths := {
	"private_cluster": ["apiServerAccessProfile", "enablePrivateCluster"],
	"authorized_ip_ranges": ["apiServerAccessProfile", "authorizedIPRanges"],
	"disable_local_accounts": ["disableLocalAccounts"],
	"entra_managed": ["aadProfile", "managed"],
	"enable_rbac": ["enableRBAC"],
	"network_policy": ["networkProfile", "networkPolicy"],
}

written(k) := iac.bool_or_null(iac.arm_prop(attrs, arm_paths[k], null)) if {
	not tf
	k in {"private_cluster", "disable_local_accounts", "entra_managed", "enable_rbac"}
}

written("authorized_ip_ranges") := v if {
	not tf
	v := iac.arm_prop(attrs, arm_paths.authorized_ip_ranges, [])
	is_array(v)
}

written("network_policy") := iac.string_or_null(iac.arm_prop(attrs, arm_paths.network_policy, null)) if not tf

# cluster is the cluster in the live facts' shape.
cluster := {k: v | some k in aks.keys; v := written(k)}

tf_names := {
	"private_cluster": "private_cluster_enabled",
	"authorized_ip_ranges": "api_server_access_profile.authorized_ip_ranges",
	"disable_local_accounts": "local_account_disabled",
	"entra_managed": "azure_active_directory_role_based_access_control",
	"enable_rbac": "role_based_access_control_enabled",
	"network_policy": "network_profile.network_policy",
}

deny contains sprintf("%s %s's API server is reachable from the internet (not private; authorised IP ranges %v)", [attrs.resource_type, attrs.name, cluster.authorized_ip_ranges]) if {
	"api_server" in aks.failing(cluster)
}

deny contains sprintf("%s %s allows local accounts (%s)", [attrs.resource_type, attrs.name, shown("disable_local_accounts")]) if {
	"disable_local_accounts" in aks.failing(cluster)
}

deny contains sprintf("%s %s does not use AKS-managed Microsoft Entra ID integration (%s)", [attrs.resource_type, attrs.name, shown("entra_managed")]) if {
	"entra_managed" in aks.failing(cluster)
}

deny contains sprintf("%s %s has RBAC off (%s)", [attrs.resource_type, attrs.name, shown("enable_rbac")]) if {
	"enable_rbac" in aks.failing(cluster)
}

deny contains sprintf("%s %s has no network policy engine (%s)", [attrs.resource_type, attrs.name, shown("network_policy")]) if {
	"network_policy" in aks.failing(cluster)
}

shown(k) := sprintf("%s: %v", [tf_names[k], cluster[k]]) if tf

shown(k) := sprintf("%s: %v", [concat(".", arm_paths[k]), cluster[k]]) if not tf

missing contains sprintf("attributes.config.%s", [tf_names[k]]) if {
	tf
	some k in aks.unknown(cluster)
}

missing contains sprintf("attributes.properties.%s", [concat(".", arm_paths[k])]) if {
	not tf
	some k in aks.unknown(cluster)
}
