package azure

import "strings"

// demoEstateMore serves the rest of the demo subscription: the workloads,
// governance and backups.
func demoEstateMore(a *armStandIn, s, rg, ws string) {
	demoWorkloads(a, s, rg, ws)
	demoGovernance(a, s)
	demoBackups(a, s, rg, ws) // backup_test.go
}

// demoGovernance is the demo subscription's Defender plans (storage left on
// Free), activity-log export, role assignments (two Owners, a service
// principal and a group) and the UK OFFICIAL and UK NHS initiative assigned at
// the management group above it.
func demoGovernance(a *armStandIn, s string) {
	var plans []string
	for _, p := range [][2]string{{"VirtualMachines", "Standard"}, {"SqlServers", "Standard"}, {"SqlServerVirtualMachines", "Standard"},
		{"StorageAccounts", "Free"}, {"KeyVaults", "Standard"}, {"Arm", "Standard"}, {"OpenSourceRelationalDatabases", "Standard"}} {
		plans = append(plans, `{"id": "`+s+`/providers/Microsoft.Security/pricings/`+p[0]+`", "name": "`+p[0]+`", "type": "Microsoft.Security/pricings", "properties": {"pricingTier": "`+p[1]+`"}}`)
	}
	a.set(s+"/providers/Microsoft.Security/pricings", `{"value": [`+strings.Join(plans, ", ")+`]}`)
	a.set(s+"/providers/Microsoft.Insights/diagnosticSettings",
		`{"value": [{"id": "`+s+`/providers/microsoft.insights/diagnosticSettings/activity-to-law", "name": "activity-to-law", "properties": {
		  "workspaceId": "`+s+`/resourceGroups/rg-tre-core/providers/Microsoft.OperationalInsights/workspaces/law-tre",
		  "logs": [{"categoryGroup": "allLogs", "enabled": true}]}}]}`)
	assignment := func(name, principal, typ, scope, def string) string {
		return `{"id": "` + strings.TrimSuffix(scope, "/") + `/providers/Microsoft.Authorization/roleAssignments/` + name + `", "name": "` + name + `",
		  "type": "Microsoft.Authorization/roleAssignments", "properties": {"roleDefinitionId": "` + def + `", "principalId": "` + principal + `",
		  "principalType": "` + typ + `", "scope": "` + scope + `"}}`
	}
	a.set(s+"/providers/Microsoft.Authorization/roleAssignments", `{"value": [`+
		assignment("ra-owner-pipeline", "bbbb0000-0000-0000-0000-000000000001", "ServicePrincipal", s, s+ownerDef)+`, `+
		assignment("ra-owner-platform-team", "bbbb0000-0000-0000-0000-000000000002", "Group", "/providers/Microsoft.Management/managementGroups/NHS-SDE", ownerDef)+`]}`)
	a.set(s+"/providers/Microsoft.Authorization/roleDefinitions", `{"value": []}`)
	a.set(s+"/providers/Microsoft.Authorization/classicAdministrators", `{"value": []}`)
	a.set(s+"/providers/Microsoft.Authorization/policyAssignments",
		`{"value": [{"id": "/providers/Microsoft.Management/managementGroups/NHS-SDE/providers/Microsoft.Authorization/policyAssignments/uk-nhs", "name": "uk-nhs",
		  "type": "Microsoft.Authorization/policyAssignments", "properties": {"displayName": "UK OFFICIAL and UK NHS",
		  "policyDefinitionId": "/providers/Microsoft.Authorization/policySetDefinitions/3937f550-eedd-4639-9c5e-294358be442e",
		  "scope": "/providers/Microsoft.Management/managementGroups/NHS-SDE", "enforcementMode": "Default"}}]}`)
}
