# METADATA
# title: Microsoft Defender for Cloud plans are on for servers, storage, SQL, Key Vault and Resource Manager
# description: >-
#   A subscription holding SDE data must have Microsoft Defender for Cloud's threat
#   protection on (pricing tier Standard) for the workloads an SDE runs: Defender for
#   Servers (plan VirtualMachines, sub-plan P1 or P2), Defender for Storage
#   (StorageAccounts), Defender for SQL on Azure SQL databases and on SQL servers on
#   machines (SqlServers and SqlServerVirtualMachines), Defender for Key Vault
#   (KeyVaults) and Defender for Resource Manager (Arm). A plan on the Free tier, or not
#   listed for the subscription at all, is off. Plan names compare in any case; other
#   plans (open-source relational databases, containers, App Service ...) are recorded
#   but not required.
# custom:
#   id: AZ-DEF-001
#   severity: high
#   resource_types: [azure.subscription.defender]
#   remediation: >-
#     Turn the plans on in Defender for Cloud > Environment settings > the subscription >
#     Defender plans, or az security pricing create -n <plan> --tier standard for each of
#     VirtualMachines, StorageAccounts, SqlServers, SqlServerVirtualMachines, KeyVaults and
#     Arm. Terraform: azurerm_security_center_subscription_pricing with tier = "Standard"
#     and resource_type set to each plan. Better, assign the built-in policy "Configure
#     Microsoft Defender ... plans to be enabled" at the management group.
package sdescan.checks.azure.defender_plans

import data.sdescan.lib.facts
import rego.v1

# The plans required, by the protection they give.
required := {
	"virtualmachines": "Defender for Servers (VirtualMachines)",
	"storageaccounts": "Defender for Storage (StorageAccounts)",
	"sqlservers": "Defender for Azure SQL databases (SqlServers)",
	"sqlservervirtualmachines": "Defender for SQL servers on machines (SqlServerVirtualMachines)",
	"keyvaults": "Defender for Key Vault (KeyVaults)",
	"arm": "Defender for Resource Manager (Arm)",
}

sub := object.get(input.resource.scope, "account", input.resource.id)

off contains sprintf("%s is not listed for the subscription", [label]) if {
	some key, label in required
	not has_plan(key)
}

off contains sprintf("%s is on the %s tier", [label, tier_name(p)]) if {
	some key, label in required
	some p in input.resource.attributes.plans
	lower(p.name) == key
	not standard(p)
}

standard(p) if {
	is_string(p.pricing_tier)
	lower(p.pricing_tier) == "standard"
}

tier_name(p) := p.pricing_tier if is_string(p.pricing_tier)

else := "(unset)"

has_plan(key) if {
	some p in input.resource.attributes.plans
	lower(p.name) == key
}

deny contains sprintf("Subscription %s: Microsoft Defender for Cloud plans off: %s", [sub, concat("; ", sort(off))]) if {
	facts.present("plans")
	count(off) > 0
}

missing contains "attributes.plans" if not facts.present("plans")
