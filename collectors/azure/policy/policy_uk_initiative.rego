# METADATA
# title: A UK regulatory compliance initiative is assigned to the subscription
# description: >-
#   Azure Policy's built-in regulatory compliance initiative "UK OFFICIAL and UK NHS"
#   (policy set definition 3937f550-eedd-4639-9c5e-294358be442e) evaluates a
#   subscription continuously against the controls the NHS expects, and its compliance
#   is what an assessor reads. It, or another initiative named in the parameter
#   azure_policy_initiatives (full policy set definition IDs), must be assigned at the
#   subscription or above it (a management group, the root) and must not exclude the
#   subscription (notScopes). Either enforcement mode counts: the initiative's audit
#   policies evaluate in both. The compliance state itself is not read (Policy Insights
#   answers it only to a POST, which sdescan does not send): read it in the portal's
#   Regulatory compliance view.
# custom:
#   id: AZ-POL-001
#   severity: medium
#   resource_types: [azure.subscription.policy]
#   remediation: >-
#     Assign the initiative at the SDE's management group (or the subscription): Policy >
#     Definitions > "UK OFFICIAL and UK NHS" > Assign, or az policy assignment create
#     --name uk-official-nhs --scope <scope> --policy-set-definition
#     3937f550-eedd-4639-9c5e-294358be442e --mi-system-assigned --location uksouth.
#     Terraform: azurerm_management_group_policy_assignment or
#     azurerm_subscription_policy_assignment with policy_definition_id
#     /providers/Microsoft.Authorization/policySetDefinitions/3937f550-eedd-4639-9c5e-294358be442e.
package sdescan.checks.azure.policy_uk_initiative

import data.sdescan.lib.facts
import rego.v1

uk_official_nhs := "/providers/microsoft.authorization/policysetdefinitions/3937f550-eedd-4639-9c5e-294358be442e"

initiatives := {uk_official_nhs} | {lower(id) | some id in object.get(data.sdescan.params, "azure_policy_initiatives", []); is_string(id)}

sub := object.get(input.resource.scope, "account", input.resource.id)

sub_scope := lower(concat("", ["/subscriptions/", sub]))

# assigned are the assignments of an accepted initiative.
assigned contains a if {
	some a in input.resource.attributes.assignments
	lower(a.policy_definition_id) in initiatives
}

excluded(a) if {
	some s in a.not_scopes
	lower(s) == sub_scope
}

applying := [a | some a in assigned; not excluded(a)]

deny contains sprintf("Subscription %s: no UK regulatory compliance initiative (UK OFFICIAL and UK NHS, or one named in azure_policy_initiatives) is assigned at or above it (%d assignment(s) apply)", [sub, count(input.resource.attributes.assignments)]) if {
	facts.present("assignments")
	count(assigned) == 0
}

deny contains sprintf("Subscription %s is excluded (notScopes) from the assignment %s of %s", [sub, a.id, a.policy_definition_id]) if {
	facts.present("assignments")
	count(applying) == 0
	some a in assigned
	excluded(a)
}

missing contains "attributes.assignments" if not facts.present("assignments")
