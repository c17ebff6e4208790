# METADATA
# title: At most 3 subscription Owners, no guest Owners, no classic administrators and no custom role allowing every action
# description: >-
#   Ownership of a subscription holding SDE data must be narrow and accountable: at most
#   3 principals hold the Owner role over the whole subscription (assigned on it or
#   inherited from a management group or the root; a group counts once), no Owner is a
#   guest (B2B) account, no classic administrator (Service Administrator or
#   Co-Administrator, each equivalent to Owner) remains, and no custom role allows every
#   action ("*" in its actions, even with notActions, which remove only what they name).
#   Whether an Owner is a guest is held in Microsoft Graph, which sdescan does not read:
#   while any Owner is other than a service principal, that part is reported missing, so
#   the check cannot pass on it, but it still fails when another part fails. Principal IDs
#   listed in the parameter azure_guest_object_ids are known guests and fail.
# custom:
#   id: AZ-RBAC-001
#   severity: high
#   resource_types: [azure.subscription.rbac]
#   remediation: >-
#     Remove Owner assignments beyond the 3 accountable administrators (az role
#     assignment delete --role Owner --assignee <id> --scope /subscriptions/<id>), prefer
#     Privileged Identity Management eligible assignments, remove guests from Owner,
#     remove classic administrators (Access control (IAM) > Classic administrators) and
#     replace a custom role with "*" by one listing the actions it needs.
package sdescan.checks.azure.rbac_owners

import data.sdescan.lib.facts
import rego.v1

sub := object.get(input.resource.scope, "account", input.resource.id)

max_owners := 3

attrs := input.resource.attributes

# Known guests from the parameters (object IDs, compared lower-cased).
guest_ids := {lower(id) | some id in object.get(data.sdescan.params, "azure_guest_object_ids", []); is_string(id)}

owner_ids := {o.principal_id | some o in attrs.owners}

deny contains sprintf("Subscription %s has %d Owners (at most %d): %s", [sub, count(owner_ids), max_owners, concat(", ", sort(owner_ids))]) if {
	facts.present("owners")
	count(owner_ids) > max_owners
}

deny contains sprintf("Subscription %s: guest %s holds Owner (at %s)", [sub, o.principal_id, o.scope]) if {
	facts.present("owners")
	some o in attrs.owners
	lower(o.principal_id) in guest_ids
}

# A principal that may be, or contain, a guest user: anything but a service
# principal (managed identities are service principals), the type compared in
# any case; an unset type may be anything.
may_be_guest(o) if {
	is_string(o.principal_type)
	lower(o.principal_type) != "serviceprincipal"
}

may_be_guest(o) if not is_string(o.principal_type)

unknown_guest := {o.principal_id | some o in attrs.owners; may_be_guest(o)}

deny contains sprintf("Subscription %s has classic administrator %s (%s)", [sub, admin_name(a), concat(";", a.roles)]) if {
	facts.present("classic_administrators")
	some a in attrs.classic_administrators
	some r in a.roles
	lower(r) in {"serviceadministrator", "coadministrator"}
}

admin_name(a) := a.email_address if is_string(a.email_address)

else := a.name

deny contains sprintf("Custom role %s (%s) allows every action (\"*\", with %d notActions)", [r.role_name, r.id, count(r.not_actions)]) if {
	facts.present("custom_roles")
	some r in attrs.custom_roles
	"*" in r.actions
}

missing contains sprintf("attributes.%s", [key]) if {
	some key in ["owners", "classic_administrators", "custom_roles"]
	not facts.present(key)
}

missing contains sprintf("whether Owners %s are or include guests (Microsoft Graph, not read)", [concat(", ", sort(unknown_guest))]) if {
	facts.present("owners")
	count(unknown_guest) > 0
}
