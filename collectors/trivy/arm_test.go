package trivy

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sdescan/sdescan/checks"
)

// armScan scans files and returns the iac.arm.resource facts by ID and the
// scan's entries.
func armScan(t *testing.T, files map[string]string) (map[string]checks.Resource, []Entry, *Result) {
	t.Helper()
	dir := t.TempDir()
	writeTree(t, dir, files)
	res, err := New().Scan(context.Background(), dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]checks.Resource{}
	for _, r := range res.Resources {
		if r.Type == TypeARMResource {
			out[r.ID] = r
		}
	}
	return out, res.Entries, res
}

func jsonText(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestARMTemplate: a deployment template's resources become facts, nested
// children (relative type and name joined to the parent's) and the resources
// of a nested deployment included; template expressions are left out of
// properties (arrays keep their length with null) and named in
// unknown_attributes; "[[" is a literal "["; a property copy loop makes its
// property unknown; the host pool's RDP properties are parsed.
func TestARMTemplate(t *testing.T) {
	tmpl := `{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "contentVersion": "1.0.0.0",
  "resources": [
    {
      "type": "Microsoft.Network/networkSecurityGroups",
      "apiVersion": "2024-05-01",
      "name": "nsg",
      "properties": {
        "securityRules": [
          {"name": "a", "properties": {"direction": "Inbound", "sourceAddressPrefixes": ["10.0.0.0/8", "[parameters('extra')]"]}}
        ],
        "note": "[[not an expression]",
        "bracket": "[half"
      },
      "resources": [
        {"type": "securityRules", "apiVersion": "2024-05-01", "name": "child", "properties": {"protocol": "[variables('p')]"}}
      ]
    },
    {
      "type": "Microsoft.Network/virtualNetworks",
      "apiVersion": "2024-05-01",
      "name": "[parameters('vnet')]",
      "properties": {"copy": [{"name": "subnets", "count": 2, "input": {"name": "[concat('s', copyIndex('subnets'))]"}}], "addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}}
    },
    {
      "type": "Microsoft.DesktopVirtualization/hostPools",
      "apiVersion": "2024-04-03",
      "name": "hp",
      "properties": {"customRdpProperty": "RedirectClipboard:i:0; drivestoredirect:s:C:;D:"}
    },
    {
      "type": "Microsoft.DesktopVirtualization/hostPools",
      "apiVersion": "2024-04-03",
      "name": "hp-none",
      "properties": {}
    },
    {
      "type": "Microsoft.DesktopVirtualization/hostPools",
      "apiVersion": "2024-04-03",
      "name": "hp-expr",
      "properties": {"customRdpProperty": "[parameters('rdp')]"}
    },
    {
      "type": "Microsoft.Resources/deployments",
      "apiVersion": "2022-09-01",
      "name": "module",
      "properties": {
        "mode": "Incremental",
        "template": {
          "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
          "resources": [{"type": "Microsoft.KeyVault/vaults", "apiVersion": "2023-07-01", "name": "kv", "properties": {"enablePurgeProtection": true}}]
        }
      }
    }
  ]
}`
	facts, entries, res := armScan(t, map[string]string{"infra/azuredeploy.json": tmpl})
	for _, e := range entries {
		t.Errorf("entry %+v", e)
	}
	if res.Files["infra/azuredeploy.json"] != KindARM {
		t.Errorf("file kind %q, want %q", res.Files["infra/azuredeploy.json"], KindARM)
	}
	want := map[string]struct{ props, unknown string }{
		"iac:infra/azuredeploy.json#Microsoft.Network/networkSecurityGroups/nsg": {
			`{"bracket":"[half","note":"[not an expression]","securityRules":[{"name":"a","properties":{"direction":"Inbound","sourceAddressPrefixes":["10.0.0.0/8",null]}}]}`,
			`["properties.securityRules.0.properties.sourceAddressPrefixes.1"]`,
		},
		"iac:infra/azuredeploy.json#Microsoft.Network/networkSecurityGroups/securityRules/nsg/child": {`{}`, `["properties.protocol"]`},
		"iac:infra/azuredeploy.json#Microsoft.Network/virtualNetworks/[parameters('vnet')]": {
			`{"addressSpace":{"addressPrefixes":["10.0.0.0/16"]}}`, `["properties.subnets"]`,
		},
		"iac:infra/azuredeploy.json#Microsoft.DesktopVirtualization/hostPools/hp":      {`{"customRdpProperty":"RedirectClipboard:i:0; drivestoredirect:s:C:;D:"}`, `[]`},
		"iac:infra/azuredeploy.json#Microsoft.DesktopVirtualization/hostPools/hp-none": {`{}`, `[]`},
		"iac:infra/azuredeploy.json#Microsoft.DesktopVirtualization/hostPools/hp-expr": {`{}`, `["properties.customRdpProperty"]`},
		"iac:infra/azuredeploy.json#Microsoft.Resources/deployments/module":            {`{"mode":"Incremental"}`, `[]`},
		"iac:infra/azuredeploy.json#Microsoft.KeyVault/vaults/kv":                      {`{"enablePurgeProtection":true}`, `[]`},
	}
	if len(facts) != len(want) {
		t.Errorf("%d facts, want %d: %v", len(facts), len(want), facts)
	}
	for id, w := range want {
		r, ok := facts[id]
		if !ok {
			t.Errorf("no fact %s", id)
			continue
		}
		if got := jsonText(t, r.Attributes["properties"]); got != w.props {
			t.Errorf("%s properties %s, want %s", id, got, w.props)
		}
		if got := jsonText(t, r.Attributes["unknown_attributes"]); got != w.unknown {
			t.Errorf("%s unknown_attributes %s, want %s", id, got, w.unknown)
		}
		if s, _ := r.Attributes["start_line"].(int); s < 1 {
			t.Errorf("%s: no start line", id)
		}
	}
	hp := facts["iac:infra/azuredeploy.json#Microsoft.DesktopVirtualization/hostPools/hp"]
	if got := jsonText(t, hp.Attributes["rdp_properties"]); got != `{"drivestoredirect":"C:;D:","redirectclipboard":"0"}` {
		t.Errorf("rdp_properties %s", got)
	}
	if got := jsonText(t, facts["iac:infra/azuredeploy.json#Microsoft.DesktopVirtualization/hostPools/hp-none"].Attributes["rdp_properties"]); got != `{}` {
		t.Errorf("no customRdpProperty: rdp_properties %s, want {}", got)
	}
	if _, ok := facts["iac:infra/azuredeploy.json#Microsoft.DesktopVirtualization/hostPools/hp-expr"].Attributes["rdp_properties"]; ok {
		t.Error("customRdpProperty an expression: rdp_properties recorded")
	}
	if got := facts["iac:infra/azuredeploy.json#Microsoft.KeyVault/vaults/kv"].Attributes["api_version"]; got != "2023-07-01" {
		t.Errorf("api_version %v", got)
	}
}

// TestARMSymbolicNames: a languageVersion 2.0 template keys its resources by
// symbolic name.
func TestARMSymbolicNames(t *testing.T) {
	tmpl := `{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "languageVersion": "2.0",
  "resources": {"sa": {"type": "Microsoft.Storage/storageAccounts", "apiVersion": "2023-05-01", "name": "data", "properties": {"allowSharedKeyAccess": false}}}}`
	facts, entries, _ := armScan(t, map[string]string{"main.json": tmpl})
	r, ok := facts["iac:main.json#Microsoft.Storage/storageAccounts/data"]
	if !ok || len(entries) > 0 {
		t.Fatalf("facts %v, entries %v", facts, entries)
	}
	if r.Attributes["symbolic_name"] != "sa" {
		t.Errorf("symbolic_name %v", r.Attributes["symbolic_name"])
	}
}

// TestARMOtherJSON: JSON that is not a deployment template (a parameters
// file, another tool's JSON) gives no ARM facts and no entry.
func TestARMOtherJSON(t *testing.T) {
	facts, entries, _ := armScan(t, map[string]string{
		"azuredeploy.parameters.json": `{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#", "parameters": {}}`,
		"package.json":                `{"name": "x", "resources": [{"type": "Microsoft.Storage/storageAccounts"}]}`,
	})
	if len(facts) > 0 || len(entries) > 0 {
		t.Errorf("facts %v, entries %v", facts, entries)
	}
}

// TestARMBadInput: a template that does not parse, one with too many
// resources, one nested too deep and a Bicep source are entries naming the
// file, with no facts; the checks over ARM resources are then not assessed.
func TestARMBadInput(t *testing.T) {
	schema := `"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"`
	var many strings.Builder
	many.WriteString("{" + schema + `, "resources": [`)
	for i := range maxARMResources + 1 {
		if i > 0 {
			many.WriteString(",")
		}
		fmt.Fprintf(&many, `{"type":"Microsoft.Storage/storageAccounts","name":"s%d"}`, i)
	}
	many.WriteString("]}")
	deep := `{"type":"Microsoft.Resources/deployments","name":"d","properties":{"template":{"resources":[%s]}}}`
	nested := `{"type":"Microsoft.Storage/storageAccounts","name":"s"}`
	for range maxARMDepth + 1 {
		nested = fmt.Sprintf(deep, nested)
	}
	files := map[string]string{
		"broken.json":   "{" + schema + `, "resources": [ {"type": "Microsoft.Storage/storageAccounts", `,
		"many.json":     many.String(),
		"deep.json":     "{" + schema + `, "resources": [` + nested + "]}",
		"deeper.json":   "{" + schema + `, "x": ` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + "}",
		"main.bicep":    "resource sa 'Microsoft.Storage/storageAccounts@2023-05-01' = {}\n",
		"fine.json":     "{" + schema + `, "resources": [{"type": "Microsoft.KeyVault/vaults", "name": "kv"}]}`,
		"linked.json":   "{" + schema + `, "resources": [{"type": "Microsoft.Resources/deployments", "name": "net", "properties": {"templateLink": {"uri": "https://example.org/net.json"}}}]}`,
		"existing.json": "{" + schema + `, "languageVersion": "2.0", "resources": {"nsg": {"type": "Microsoft.Network/networkSecurityGroups", "name": "old", "existing": true, "resources": {"r": {"type": "securityRules", "name": "r", "properties": {}}}}}}`,
		"nothing.json":  "{" + schema + "}",
	}
	facts, entries, res := armScan(t, files)
	reasons := map[string]Entry{}
	for _, e := range entries {
		reasons[e.Path] = e
	}
	for name, want := range map[string]string{
		"broken.json": "does not parse as JSON (an ARM template)",
		"many.json":   fmt.Sprintf("more than %d resources", maxARMResources),
		"deep.json":   fmt.Sprintf("nested deeper than %d levels", maxARMDepth),
		"deeper.json": "does not parse as JSON (an ARM template)",
		"main.bicep":  "az bicep build",
		"linked.json": `nested deployment "net": its linked template (templateLink) is not fetched offline`,
	} {
		e, ok := reasons[name]
		if !ok || !strings.Contains(e.Reason, want) {
			t.Errorf("%s: entry %+v, want one saying %q", name, e, want)
		}
		for id := range facts {
			if name != "linked.json" && strings.HasPrefix(id, "iac:"+name+"#") {
				t.Errorf("%s: fact %s from a file not assessed", name, id)
			}
		}
	}
	if e := reasons["many.json"]; !e.Refused || e.Kind != EntryNotAssessed {
		t.Errorf("a template beyond the bound is refused and not assessed: %+v", e)
	}
	if _, ok := facts["iac:fine.json#Microsoft.KeyVault/vaults/kv"]; !ok {
		t.Error("the template beside the bad ones was not parsed")
	}
	if _, ok := facts["iac:existing.json#Microsoft.Network/networkSecurityGroups/old"]; ok {
		t.Error("an existing resource (not deployed by the template) is a fact")
	}
	if _, ok := facts["iac:existing.json#Microsoft.Network/networkSecurityGroups/securityRules/old/r"]; !ok {
		t.Error("the child an existing resource's template deploys is not a fact")
	}
	if len(reasons) != 6 {
		t.Errorf("entries %v", entries)
	}
	// The run's errors make the checks over ARM resources not assessed.
	f := res.Facts(checks.Version{}, time.Time{}, "x")
	for _, e := range f.Runs[0].Errors {
		if !strings.Contains(e.Message, "main.bicep") {
			continue
		}
		if jsonText(t, e.ResourceTypes) != `["iac.arm.resource"]` {
			t.Errorf("bicep entry covers %v", e.ResourceTypes)
		}
	}
}
