package azure

import "encoding/json"

// PlaceholderScope is the assignable scope RoleDefinition names: a
// placeholder subscription the user replaces with their own (docs/azure.md).
const PlaceholderScope = "/subscriptions/00000000-0000-0000-0000-000000000000"

// RoleDefinition is an Azure custom role definition (the JSON that
// `az role definition create --role-definition` reads) granting exactly the
// actions the collector needs (Actions): no data action, nothing else. It is
// generated from the operations the allow-list enforces, so the two cannot
// drift.
func RoleDefinition() ([]byte, error) {
	role := struct {
		Name             string   `json:"Name"`
		IsCustom         bool     `json:"IsCustom"`
		Description      string   `json:"Description"`
		Actions          []string `json:"Actions"`
		NotActions       []string `json:"NotActions"`
		DataActions      []string `json:"DataActions"`
		NotDataActions   []string `json:"NotDataActions"`
		AssignableScopes []string `json:"AssignableScopes"`
	}{
		Name:             "sdescan reader",
		IsCustom:         true,
		Description:      "Read-only access for sdescan's Azure collector: exactly the reads it sends",
		Actions:          Actions(),
		NotActions:       []string{},
		DataActions:      []string{},
		NotDataActions:   []string{},
		AssignableScopes: []string{PlaceholderScope},
	}
	return json.MarshalIndent(role, "", "  ")
}
