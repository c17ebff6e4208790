package sdescan.checks.azure.defender_plans_test

import data.sdescan.checks.azure.defender_plans as check
import rego.v1

sub := "00000000-0000-0000-0000-000000000001"

defender(attrs) := {"resource": {"id": "/subscriptions/x/providers/microsoft.security/pricings", "type": "azure.subscription.defender", "source": "azure", "scope": {"account": sub}, "attributes": attrs}}

plan(name, tier) := {"name": name, "pricing_tier": tier, "sub_plan": null, "deprecated": false}

on := [
	{"name": "VirtualMachines", "pricing_tier": "Standard", "sub_plan": "P2", "deprecated": false},
	plan("StorageAccounts", "Standard"), plan("SqlServers", "Standard"), plan("SqlServerVirtualMachines", "Standard"),
	plan("KeyVaults", "Standard"), plan("Arm", "Standard"), plan("Containers", "Free"), plan("OpenSourceRelationalDatabases", "Free"),
]

with_plan(p) := array.concat([x | some x in on; lower(x.name) != lower(p.name)], [p])

without(name) := [x | some x in on; x.name != name]

test_pass if {
	count(check.deny) == 0 with input as defender({"plans": on})
	count(check.missing) == 0 with input as defender({"plans": on})

	# Plan names and tiers in any case; sub-plan P1 is on too.
	lower_case := [object.union(p, {"name": lower(p.name), "pricing_tier": lower(p.pricing_tier)}) | some p in on]
	count(check.deny) == 0 with input as defender({"plans": lower_case})
	count(check.deny) == 0 with input as defender({"plans": with_plan({"name": "VirtualMachines", "pricing_tier": "Standard", "sub_plan": "P1", "deprecated": false})})
}

test_fail_free if {
	check.deny == {"Subscription 00000000-0000-0000-0000-000000000001: Microsoft Defender for Cloud plans off: Defender for Servers (VirtualMachines) is on the Free tier"} with input as defender({"plans": with_plan(plan("VirtualMachines", "Free"))})
	check.deny == {"Subscription 00000000-0000-0000-0000-000000000001: Microsoft Defender for Cloud plans off: Defender for Key Vault (KeyVaults) is on the (unset) tier"} with input as defender({"plans": with_plan(plan("KeyVaults", null))})
	check.deny == {"Subscription 00000000-0000-0000-0000-000000000001: Microsoft Defender for Cloud plans off: Defender for Azure SQL databases (SqlServers) is on the Free tier; Defender for SQL servers on machines (SqlServerVirtualMachines) is on the free tier"} with input as defender({"plans": array.concat(without("SqlServers"), [plan("SqlServers", "Free"), plan("sqlServerVirtualMachines", "free")])})
}

test_fail_not_listed if {
	check.deny == {"Subscription 00000000-0000-0000-0000-000000000001: Microsoft Defender for Cloud plans off: Defender for Resource Manager (Arm) is not listed for the subscription"} with input as defender({"plans": without("Arm")})
	check.deny == {"Subscription 00000000-0000-0000-0000-000000000001: Microsoft Defender for Cloud plans off: Defender for Azure SQL databases (SqlServers) is not listed for the subscription; Defender for Key Vault (KeyVaults) is not listed for the subscription; Defender for Resource Manager (Arm) is not listed for the subscription; Defender for SQL servers on machines (SqlServerVirtualMachines) is not listed for the subscription; Defender for Servers (VirtualMachines) is not listed for the subscription; Defender for Storage (StorageAccounts) is not listed for the subscription"} with input as defender({"plans": []})
}

test_missing if {
	count(check.deny) == 0 with input as defender({})
	check.missing == {"attributes.plans"} with input as defender({})
}
