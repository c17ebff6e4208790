package azure

import (
	"cmp"
	"context"
	"net/http"
	"path"
	"slices"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/authorization/armauthorization/v2"

	"github.com/sdescan/sdescan/checks"
)

var rbacTypes = []string{"azure.subscription.rbac"}

// ownerRoleID is the name (GUID) of the built-in Owner role definition, the
// same in every tenant and cloud.
const ownerRoleID = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"

func init() {
	register(service{
		name:    "rbac",
		covers:  rbacTypes,
		collect: (*collector).collectRBAC,
		ops: []Operation{
			{"RoleAssignments.ListForSubscription", http.MethodGet, "/subscriptions/{subscriptionId}/providers/Microsoft.Authorization/roleAssignments", "Microsoft.Authorization/roleAssignments/read"},
			{"RoleDefinitions.List", http.MethodGet, "/subscriptions/{subscriptionId}/providers/Microsoft.Authorization/roleDefinitions", "Microsoft.Authorization/roleDefinitions/read"},
			{"ClassicAdministrators.List", http.MethodGet, "/subscriptions/{subscriptionId}/providers/Microsoft.Authorization/classicAdministrators", "Microsoft.Authorization/classicAdministrators/read"},
		},
	})
}

// collectRBAC reads who administers the subscription into one
// azure.subscription.rbac resource, from three listings: the role
// assignments that apply to the whole subscription ($filter=atScope(): those
// at the subscription and above it, management groups and the root
// included; not those on resource groups or resources) of which the Owner
// ones are kept, the custom role definitions assignable there, and the
// classic administrators. Each listing that fails is recorded as an error
// and its attribute left out, so AZ-RBAC-001 cannot pass without it but
// still fails on what the others show.
func (c *collector) collectRBAC(ctx context.Context) {
	id := "/subscriptions/" + c.sub + "/providers/microsoft.authorization"
	attrs := map[string]any{}
	failed := func(api string, err error) {
		c.fail(checks.CollectError{Service: "rbac", API: api, Resource: id, ResourceTypes: rbacTypes, Message: errorMessage(err)})
	}

	assignments, err := armauthorization.NewRoleAssignmentsClient(c.sub, c.cred, c.options())
	var ras []*armauthorization.RoleAssignment
	if err == nil {
		ras, err = listAll(ctx, assignments.NewListForSubscriptionPager(&armauthorization.RoleAssignmentsClientListForSubscriptionOptions{Filter: to.Ptr("atScope()")}),
			func(p armauthorization.RoleAssignmentsClientListForSubscriptionResponse) []*armauthorization.RoleAssignment {
				return p.Value
			})
	}
	if err != nil {
		failed("RoleAssignments.ListForSubscription", err)
	} else {
		attrs["owners"] = owners(ras)
	}

	definitions, err := armauthorization.NewRoleDefinitionsClient(c.cred, c.options())
	var rds []*armauthorization.RoleDefinition
	if err == nil {
		rds, err = listAll(ctx, definitions.NewListPager("subscriptions/"+c.sub, &armauthorization.RoleDefinitionsClientListOptions{Filter: to.Ptr("type eq 'CustomRole'")}),
			func(p armauthorization.RoleDefinitionsClientListResponse) []*armauthorization.RoleDefinition {
				return p.Value
			})
	}
	if err != nil {
		failed("RoleDefinitions.List", err)
	} else {
		attrs["custom_roles"] = customRoles(rds)
	}

	classic, err := armauthorization.NewClassicAdministratorsClient(c.sub, c.cred, c.options())
	var admins []*armauthorization.ClassicAdministrator
	if err == nil {
		admins, err = listAll(ctx, classic.NewListPager(nil),
			func(p armauthorization.ClassicAdministratorsClientListResponse) []*armauthorization.ClassicAdministrator {
				return p.Value
			})
	}
	if err != nil {
		failed("ClassicAdministrators.List", err)
	} else {
		attrs["classic_administrators"] = classicAdmins(admins)
	}

	c.add(checks.Resource{ID: id, Type: "azure.subscription.rbac", Source: Name, Scope: checks.Scope{Account: c.sub}, Attributes: attrs})
}

// owners are the assignments of the Owner role (its role definition's last
// segment is the Owner GUID, at whatever scope the definition ID names):
// principal ID and scope lower-cased, the principal type as ARM gives it (it
// does not say whether a user is a guest: that is in Microsoft Graph),
// sorted by principal and scope.
func owners(list []*armauthorization.RoleAssignment) []any {
	type owner struct{ principal, scope string }
	var found []owner
	entries := map[owner]map[string]any{}
	for _, ra := range list {
		p := ra.Properties
		if p == nil || !strings.EqualFold(path.Base(val(p.RoleDefinitionID)), ownerRoleID) {
			continue
		}
		o := owner{strings.ToLower(val(p.PrincipalID)), strings.ToLower(val(p.Scope))}
		if _, dup := entries[o]; dup {
			continue
		}
		found = append(found, o)
		entries[o] = map[string]any{"principal_id": o.principal, "principal_type": str(p.PrincipalType), "scope": o.scope, "assignment_id": armID(ra.ID)}
	}
	slices.SortFunc(found, func(a, b owner) int {
		return cmp.Or(strings.Compare(a.principal, b.principal), strings.Compare(a.scope, b.scope))
	})
	out := make([]any, len(found))
	for i, o := range found {
		out[i] = entries[o]
	}
	return out
}

// customRoles are the custom role definitions with their permissions
// (actions and notActions of every permission block, in order, without
// repeats), sorted by ID. A definition the listing marks as built-in is
// skipped (the filter asked for custom ones only).
func customRoles(list []*armauthorization.RoleDefinition) []any {
	slices.SortFunc(list, func(a, b *armauthorization.RoleDefinition) int { return strings.Compare(armID(a.ID), armID(b.ID)) })
	out := []any{}
	for _, d := range list {
		p := d.Properties
		if p == nil {
			p = &armauthorization.RoleDefinitionProperties{}
		}
		if p.RoleType != nil && !strings.EqualFold(*p.RoleType, "CustomRole") {
			continue
		}
		var actions, notActions []*string
		for _, perm := range p.Permissions {
			if perm != nil {
				actions = append(actions, perm.Actions...)
				notActions = append(notActions, perm.NotActions...)
			}
		}
		out = append(out, map[string]any{
			"id": armID(d.ID), "role_name": val(p.RoleName),
			"actions": inOrder(actions), "not_actions": inOrder(notActions),
			"assignable_scopes": inOrder(p.AssignableScopes),
		})
	}
	return out
}

// inOrder is a list of strings trimmed, without blanks or repeats, in order.
func inOrder(in []*string) []any {
	out := []any{}
	seen := map[string]bool{}
	for _, s := range in {
		if s == nil {
			continue
		}
		if v := strings.TrimSpace(*s); v != "" && !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

// classicAdmins are the subscription's classic administrators: name, e-mail
// address and roles (the role property is a ";"-separated list, for example
// "ServiceAdministrator;AccountAdministrator"), sorted by name.
func classicAdmins(list []*armauthorization.ClassicAdministrator) []any {
	slices.SortFunc(list, func(a, b *armauthorization.ClassicAdministrator) int {
		return strings.Compare(val(a.Name), val(b.Name))
	})
	out := []any{}
	for _, a := range list {
		var email, role *string
		if a.Properties != nil {
			email, role = a.Properties.EmailAddress, a.Properties.Role
		}
		roles := []any{}
		for r := range strings.SplitSeq(val(role), ";") {
			if r = strings.TrimSpace(r); r != "" {
				roles = append(roles, r)
			}
		}
		out = append(out, map[string]any{"name": val(a.Name), "email_address": deref(email), "roles": roles})
	}
	return out
}
