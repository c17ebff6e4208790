# The one decision on AKS clusters, shared by the live check (AZ-AKS-001, over
# azure.aks.cluster) and its IaC twin (IAC-AZ-007, over azurerm_kubernetes_cluster
# and Microsoft.ContainerService/managedClusters). A library, not a check (it
# has no custom.id). Both judge a cluster in the live facts' shape:
#
#   {"private_cluster": bool|null, "authorized_ip_ranges": [string],
#    "disable_local_accounts": bool|null, "entra_managed": bool|null,
#    "enable_rbac": bool|null, "network_policy": string|null}
#
# An attribute left out is unknown (not assessed), never a pass; null is a
# setting left unset, at its permissive default.
package sdescan.lib.azure_aks

import data.sdescan.lib.facts
import rego.v1

keys := ["private_cluster", "authorized_ip_ranges", "disable_local_accounts", "entra_managed", "enable_rbac", "network_policy"]

# open_ranges are authorised IP ranges that admit the whole internet.
open_ranges := {"0.0.0.0/0", "*", "::/0"}

# policy_engines are the network policy engines that isolate pods.
policy_engines := {"azure", "calico", "cilium"}

# restricted(c): cluster c's API server is private, or reachable only from
# authorised ranges none of which is the whole internet.
restricted(c) if c.private_cluster == true

restricted(c) if {
	count(c.authorized_ip_ranges) > 0
	every r in c.authorized_ip_ranges {
		not r in open_ranges
	}
}

# weak(c, what): cluster c fails on what: "api_server" (judged once both
# private_cluster and authorized_ip_ranges are known) or a setting's key.
weak(c, "api_server") if {
	facts.has(c, "private_cluster")
	facts.has(c, "authorized_ip_ranges")
	not restricted(c)
}

weak(c, "disable_local_accounts") if {
	facts.has(c, "disable_local_accounts")
	c.disable_local_accounts != true
}

weak(c, "entra_managed") if {
	facts.has(c, "entra_managed")
	c.entra_managed != true
}

weak(c, "enable_rbac") if {
	facts.has(c, "enable_rbac")
	c.enable_rbac != true
}

weak(c, "network_policy") if {
	facts.has(c, "network_policy")
	not c.network_policy in policy_engines
}

# failing(c): what cluster c fails on.
failing(c) := {what | some what in ["api_server", "disable_local_accounts", "entra_managed", "enable_rbac", "network_policy"]; weak(c, what)}

# unknown(c): the settings of cluster c that are not known.
unknown(c) := {key | some key in keys; not facts.has(c, key)}
