package sdescan.checks.iac.k8s_rbac_wildcard_test

import data.sdescan.checks.iac.k8s_rbac_wildcard as check
import rego.v1

role(rules) := {"resource": {"id": "x", "type": "iac.kubernetes.object", "source": "iac", "attributes": {"kind": "ClusterRole", "name": "r", "manifest": {"rules": rules}}}}

test_pass if {
	inp := role([{"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list"]}])
	check.applicable with input as inp
	count(check.deny) == 0 with input as inp
}

test_fail if {
	count(check.deny) == 2 with input as role([{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}])
}

test_not_applicable if {
	not check.applicable with input as {"resource": {"id": "x", "type": "iac.kubernetes.object", "source": "iac", "attributes": {"kind": "Deployment"}}}
}
