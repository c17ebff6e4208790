package sdescan.checks.azure.rbac_owners_test

import data.sdescan.checks.azure.rbac_owners as check
import rego.v1

rbac(attrs) := {"resource": {"id": "/subscriptions/s/providers/microsoft.authorization", "type": "azure.subscription.rbac", "source": "azure", "scope": {"account": "sub-1"}, "attributes": attrs}}

owner(id, type) := {"principal_id": id, "principal_type": type, "scope": "/subscriptions/sub-1", "assignment_id": concat("", ["/subscriptions/sub-1/providers/microsoft.authorization/roleassignments/", id])}

# Owners that cannot be guests (service principals and managed identities).
sps := [owner("sp-1", "ServicePrincipal"), owner("sp-2", "ServicePrincipal")]

role(name, actions, not_actions) := {"id": concat("", ["/subscriptions/sub-1/providers/microsoft.authorization/roledefinitions/", name]), "role_name": name, "actions": actions, "not_actions": not_actions, "assignable_scopes": ["/subscriptions/sub-1"]}

good := {
	"owners": sps,
	"classic_administrators": [],
	"custom_roles": [role("reader-plus", ["*/read", "Microsoft.Storage/*"], [])],
}

test_pass if {
	count(check.deny) == 0 with input as rbac(good)
	count(check.missing) == 0 with input as rbac(good)

	# One principal assigned at two scopes counts once; an Account Administrator alone (billing) is not an administrator of resources.
	three := array.concat(sps, [owner("sp-3", "ServicePrincipal"), object.union(owner("sp-1", "ServicePrincipal"), {"scope": "/providers/microsoft.management/managementgroups/sde"})])
	count(check.deny) == 0 with input as rbac(object.union(good, {"owners": three, "classic_administrators": [{"name": "a", "email_address": "billing@example.org", "roles": ["AccountAdministrator"]}]}))
	count(check.missing) == 0 with input as rbac(object.union(good, {"owners": three}))
}

test_fail_too_many_owners if {
	four := array.concat(sps, [owner("sp-3", "ServicePrincipal"), owner("sp-4", "ServicePrincipal")])
	check.deny == {"Subscription sub-1 has 4 Owners (at most 3): sp-1, sp-2, sp-3, sp-4"} with input as rbac(object.union(good, {"owners": four}))

	# Fails even though whether the users are guests is unknown.
	users := [owner("u-1", "User"), owner("u-2", "User"), owner("g-1", "Group"), owner("u-3", "User")]
	check.deny == {"Subscription sub-1 has 4 Owners (at most 3): g-1, u-1, u-2, u-3"} with input as rbac(object.union(good, {"owners": users}))
}

test_fail_classic_admins if {
	check.deny == {"Subscription sub-1 has classic administrator admin@example.org (ServiceAdministrator;AccountAdministrator)"} with input as rbac(object.union(good, {"classic_administrators": [{"name": "x", "email_address": "admin@example.org", "roles": ["ServiceAdministrator", "AccountAdministrator"]}]}))
	check.deny == {"Subscription sub-1 has classic administrator x (CoAdministrator)"} with input as rbac(object.union(good, {"classic_administrators": [{"name": "x", "email_address": null, "roles": ["CoAdministrator"]}]}))
}

test_fail_custom_role_star if {
	check.deny == {"Custom role god (/subscriptions/sub-1/providers/microsoft.authorization/roledefinitions/god) allows every action (\"*\", with 0 notActions)"} with input as rbac(object.union(good, {"custom_roles": [role("god", ["*"], [])]}))
	check.deny == {"Custom role almost (/subscriptions/sub-1/providers/microsoft.authorization/roledefinitions/almost) allows every action (\"*\", with 2 notActions)"} with input as rbac(object.union(good, {"custom_roles": [role("almost", ["*"], ["Microsoft.Authorization/*/Delete", "Microsoft.Authorization/*/Write"])]}))
}

test_fail_known_guest if {
	check.deny == {"Subscription sub-1: guest u-9 holds Owner (at /subscriptions/sub-1)"} with input as rbac(object.union(good, {"owners": [owner("u-9", "User")]}))
		with data.sdescan.params as {"azure_guest_object_ids": ["U-9"]}

	# A parameter entry that is not a string is ignored.
	check.deny == {"Subscription sub-1: guest u-9 holds Owner (at /subscriptions/sub-1)"} with input as rbac(object.union(good, {"owners": [owner("u-9", "User")]}))
		with data.sdescan.params as {"azure_guest_object_ids": [null, 7, "u-9"]}
}

test_guest_unknown if {
	# A user or group Owner: whether it is (or holds) a guest is not known, so the check cannot pass.
	count(check.deny) == 0 with input as rbac(object.union(good, {"owners": [owner("sp-1", "ServicePrincipal"), owner("u-1", "User"), owner("g-1", "Group")]}))
	check.missing == {"whether Owners g-1, u-1 are or include guests (Microsoft Graph, not read)"} with input as rbac(object.union(good, {"owners": [owner("sp-1", "ServicePrincipal"), owner("u-1", "User"), owner("g-1", "Group")]}))
	check.missing == {"whether Owners x-1 are or include guests (Microsoft Graph, not read)"} with input as rbac(object.union(good, {"owners": [owner("x-1", null)]}))
	check.missing == {"whether Owners f-1 are or include guests (Microsoft Graph, not read)"} with input as rbac(object.union(good, {"owners": [owner("f-1", "ForeignGroup")]}))
	check.missing == {"whether Owners d-1 are or include guests (Microsoft Graph, not read)"} with input as rbac(object.union(good, {"owners": [owner("d-1", "Device")]}))

	# The type in any case.
	count(check.missing) == 0 with input as rbac(object.union(good, {"owners": [owner("sp-9", "servicePrincipal")]}))
}

test_missing if {
	count(check.deny) == 0 with input as rbac({})
	check.missing == {"attributes.owners", "attributes.classic_administrators", "attributes.custom_roles"} with input as rbac({})

	# A listing that failed leaves its part missing, while another part still fails.
	check.missing == {"attributes.owners"} with input as rbac({"classic_administrators": [], "custom_roles": []})
	check.deny == {"Custom role god (/subscriptions/sub-1/providers/microsoft.authorization/roledefinitions/god) allows every action (\"*\", with 0 notActions)"} with input as rbac({"classic_administrators": [], "custom_roles": [role("god", ["*"], [])]})
}
