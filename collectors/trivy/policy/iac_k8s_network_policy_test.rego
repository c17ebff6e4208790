package sdescan.checks.iac.k8s_network_policy_test

import data.sdescan.checks.iac.k8s_network_policy as check
import rego.v1

obj(attrs) := {"resource": {"id": "x", "type": "iac.kubernetes.object", "source": "iac", "attributes": object.union({"kind": "Deployment", "name": "web", "namespace": "analysis", "workload": true}, attrs)}}

test_pass if {
	inp := obj({"namespace_network_policies": 2})
	check.applicable with input as inp
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_fail if {
	check.deny == {"Deployment web runs in namespace analysis, which has no NetworkPolicy in the scanned files"} with input as obj({"namespace_network_policies": 0})
	check.deny == {"Deployment web runs in namespace default, which has no NetworkPolicy in the scanned files"} with input as obj({"namespace": "", "namespace_network_policies": 0})
}

test_missing if {
	inp := obj({})
	check.missing == {"attributes.namespace_network_policies"} with input as inp
	count(check.deny) == 0 with input as inp
}

test_not_applicable if {
	not check.applicable with input as obj({"kind": "ConfigMap", "workload": false})
}
