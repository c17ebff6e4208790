# METADATA
# title: No Kubernetes Role or ClusterRole grants wildcard verbs or resources
# description: >-
#   A role with "*" verbs or resources grants everything, including resources added later
#   (custom resources too): whoever holds it can read secrets and change the cluster that
#   runs the research environment.
# custom:
#   id: IAC-K8S-002
#   severity: high
#   resource_types: [iac.kubernetes.object]
#   remediation: >-
#     List the verbs and resources each role needs (get, list on pods, for example);
#     never "*".
package sdescan.checks.iac.k8s_rbac_wildcard

import rego.v1

default applicable := false

applicable if input.resource.attributes.kind in {"Role", "ClusterRole"}

attrs := input.resource.attributes

deny contains sprintf("%s %s grants all %s (rule %d)", [attrs.kind, attrs.name, field, i]) if {
	some i, rule in object.get(attrs.manifest, "rules", [])
	some field in ["verbs", "resources"]
	"*" in object.get(rule, field, [])
}
