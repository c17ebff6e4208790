package azure

import (
	"context"
	"net/http"
	"slices"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armpolicy"

	"github.com/sdescan/sdescan/checks"
)

var policyTypes = []string{"azure.subscription.policy"}

func init() {
	register(service{
		name:    "policy",
		covers:  policyTypes,
		collect: (*collector).collectPolicy,
		ops: []Operation{
			{"PolicyAssignments.List", http.MethodGet, "/subscriptions/{subscriptionId}/providers/Microsoft.Authorization/policyAssignments", "Microsoft.Authorization/policyAssignments/read"},
		},
	})
}

// collectPolicy lists the Azure Policy assignments that apply to the whole
// subscription ($filter=atScope(): those at the subscription and those
// inherited from its management groups and the root; not those on its
// resource groups or resources) into one azure.subscription.policy resource.
// Their compliance state is not read: Policy Insights answers it only to a
// POST (policyStates summarize or queryResults), which sdescan does not send.
// A listing that fails records the error and no resource, so AZ-POL-001 is
// not assessed for the subscription.
func (c *collector) collectPolicy(ctx context.Context) {
	client, err := armpolicy.NewAssignmentsClient(c.sub, c.cred, c.options())
	var list []*armpolicy.Assignment
	if err == nil {
		list, err = listAll(ctx, client.NewListPager(&armpolicy.AssignmentsClientListOptions{Filter: to.Ptr("atScope()")}),
			func(p armpolicy.AssignmentsClientListResponse) []*armpolicy.Assignment { return p.Value })
	}
	if err != nil {
		c.fail(checks.CollectError{Service: "policy", API: "PolicyAssignments.List", ResourceTypes: policyTypes, Message: errorMessage(err)})
		return
	}
	c.add(policyResource(c.sub, list))
}

// policyResource records each assignment: its ID, name, display name, the
// policy or initiative (policy set) definition it assigns and the scope it
// is assigned at (lower-cased IDs), its enforcement mode (null: Default) and
// excluded scopes, sorted by ID.
func policyResource(sub string, list []*armpolicy.Assignment) checks.Resource {
	slices.SortFunc(list, func(a, b *armpolicy.Assignment) int { return strings.Compare(armID(a.ID), armID(b.ID)) })
	assignments := []any{}
	for _, a := range list {
		p := a.Properties
		if p == nil {
			p = &armpolicy.AssignmentProperties{}
		}
		notScopes := []any{}
		for _, s := range inOrder(p.NotScopes) {
			notScopes = append(notScopes, strings.ToLower(s.(string)))
		}
		assignments = append(assignments, map[string]any{
			"id":                   armID(a.ID),
			"name":                 val(a.Name),
			"display_name":         deref(p.DisplayName),
			"policy_definition_id": armID(p.PolicyDefinitionID),
			"scope":                armID(p.Scope),
			"enforcement_mode":     str(p.EnforcementMode),
			"not_scopes":           notScopes,
		})
	}
	return checks.Resource{
		ID: "/subscriptions/" + sub + "/providers/microsoft.authorization/policyassignments", Type: "azure.subscription.policy", Source: Name,
		Scope: checks.Scope{Account: sub}, Attributes: map[string]any{"assignments": assignments},
	}
}
