# METADATA
# title: Every namespace that runs workloads has a NetworkPolicy
# description: >-
#   Without a NetworkPolicy every pod accepts traffic from, and sends it to, any pod of
#   the cluster and beyond: a compromised or careless workload can reach the data and
#   services of every other project. Each namespace that runs workloads must ship a
#   policy (a default deny, then the flows it needs).
# custom:
#   id: IAC-K8S-001
#   severity: medium
#   resource_types: [iac.kubernetes.object]
#   remediation: >-
#     Add a NetworkPolicy to the namespace of each workload, starting from a default
#     deny (podSelector: {} with policyTypes [Ingress, Egress]) and allowing only the
#     flows the workload needs; in a Helm chart, ship it as a template enabled by default.
package sdescan.checks.iac.k8s_network_policy

import rego.v1

default applicable := false

attrs := input.resource.attributes

applicable if attrs.workload == true

namespace := attrs.namespace if attrs.namespace != ""

namespace := "default" if attrs.namespace == ""

deny contains sprintf("%s %s runs in namespace %s, which has no NetworkPolicy in the scanned files", [attrs.kind, attrs.name, namespace]) if {
	attrs.namespace_network_policies == 0
}

missing contains "attributes.namespace_network_policies" if {
	not is_number(object.get(attrs, "namespace_network_policies", null))
}
