package sdescan.checks.azure.policy_uk_initiative_test

import data.sdescan.checks.azure.policy_uk_initiative as check
import rego.v1

pol(assignments) := {"resource": {"id": "/subscriptions/sub-1/providers/microsoft.authorization/policyassignments", "type": "azure.subscription.policy", "source": "azure", "scope": {"account": "sub-1"}, "attributes": {"assignments": assignments}}}

assignment(scope, definition) := {
	"id": concat("", [scope, "/providers/microsoft.authorization/policyassignments/a"]), "name": "a", "display_name": null,
	"policy_definition_id": definition, "scope": scope, "enforcement_mode": null, "not_scopes": [],
}

nhs := "/providers/microsoft.authorization/policysetdefinitions/3937f550-eedd-4639-9c5e-294358be442e"

mg := "/providers/microsoft.management/managementgroups/sde"

security_benchmark := assignment("/subscriptions/sub-1", "/providers/microsoft.authorization/policysetdefinitions/1f3afdf9-d0c9-4c3d-847f-89da613e70a8")

test_pass if {
	count(check.deny) == 0 with input as pol([security_benchmark, assignment("/subscriptions/sub-1", nhs)])
	count(check.missing) == 0 with input as pol([assignment("/subscriptions/sub-1", nhs)])

	# Inherited from a management group; DoNotEnforce; the definition ID in any case;
	# an exclusion of a resource group only.
	count(check.deny) == 0 with input as pol([assignment(mg, nhs)])
	count(check.deny) == 0 with input as pol([object.union(assignment(mg, upper(nhs)), {"enforcement_mode": "DoNotEnforce", "not_scopes": ["/subscriptions/sub-1/resourcegroups/sandbox"]})])

	# Another initiative named in the parameters.
	custom := "/providers/microsoft.management/managementgroups/sde/providers/microsoft.authorization/policysetdefinitions/nhs-dspt"
	count(check.deny) == 0 with input as pol([assignment(mg, custom)]) with data.sdescan.params as {"azure_policy_initiatives": ["/providers/Microsoft.Management/managementGroups/sde/providers/Microsoft.Authorization/policySetDefinitions/nhs-dspt"]}

	# Not named: it fails; a parameter entry that is not a string is ignored.
	count(check.deny) == 1 with input as pol([assignment(mg, custom)])
	count(check.deny) == 1 with input as pol([assignment(mg, custom)]) with data.sdescan.params as {"azure_policy_initiatives": [null, 3]}
}

test_fail_not_assigned if {
	check.deny == {"Subscription sub-1: no UK regulatory compliance initiative (UK OFFICIAL and UK NHS, or one named in azure_policy_initiatives) is assigned at or above it (1 assignment(s) apply)"} with input as pol([security_benchmark])
	check.deny == {"Subscription sub-1: no UK regulatory compliance initiative (UK OFFICIAL and UK NHS, or one named in azure_policy_initiatives) is assigned at or above it (0 assignment(s) apply)"} with input as pol([])

	# A single policy from the initiative is not the initiative.
	check.deny == {"Subscription sub-1: no UK regulatory compliance initiative (UK OFFICIAL and UK NHS, or one named in azure_policy_initiatives) is assigned at or above it (1 assignment(s) apply)"} with input as pol([assignment("/subscriptions/sub-1", "/providers/microsoft.authorization/policydefinitions/3937f550-eedd-4639-9c5e-294358be442e")])
}

test_fail_excluded if {
	check.deny == {"Subscription sub-1 is excluded (notScopes) from the assignment /providers/microsoft.management/managementgroups/sde/providers/microsoft.authorization/policyassignments/a of /providers/microsoft.authorization/policysetdefinitions/3937f550-eedd-4639-9c5e-294358be442e"} with input as pol([object.union(assignment(mg, nhs), {"not_scopes": ["/subscriptions/SUB-1"]})])

	# Another assignment of it that applies passes.
	count(check.deny) == 0 with input as pol([object.union(assignment(mg, nhs), {"not_scopes": ["/subscriptions/sub-1"]}), assignment("/subscriptions/sub-1", nhs)])
}

test_missing if {
	count(check.deny) == 0 with input as {"resource": {"id": "x", "type": "azure.subscription.policy", "source": "azure", "scope": {"account": "sub-1"}, "attributes": {}}}
	check.missing == {"attributes.assignments"} with input as {"resource": {"id": "x", "type": "azure.subscription.policy", "source": "azure", "scope": {"account": "sub-1"}, "attributes": {}}}
}
