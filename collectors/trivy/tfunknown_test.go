package trivy

import (
	"context"
	"slices"
	"testing"
)

// TestTerraformNestedUnknown: values not known offline below the top level
// are named in unknown_attributes by dotted path, so that a check never takes
// them for "not written": an argument of a nested block, an element of a list
// otherwise known, and a dynamic block whose for_each is not known (a dynamic
// block over a known empty collection is no block at all, and one over a
// known collection is expanded).
func TestTerraformNestedUnknown(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"main.tf": `
variable "unknown" {
  type = any
}

variable "rules" {
  type    = list(string)
  default = ["a"]
}

resource "azurerm_network_security_group" "n" {
  name = "n"
  security_rule {
    name                  = "known"
    source_address_prefix = "10.0.0.0/8"
  }
  security_rule {
    name                  = "unknown"
    source_address_prefix = var.unknown
  }
  dynamic "security_rule" {
    for_each = var.unknown
    content {
      name = security_rule.value
    }
  }
  dynamic "security_rule" {
    for_each = []
    content {
      name = "never"
    }
  }
}

resource "azurerm_network_security_group" "expanded" {
  name = "expanded"
  dynamic "security_rule" {
    for_each = var.rules
    content {
      name = security_rule.value
    }
  }
}

resource "azurerm_kubernetes_cluster" "k" {
  name = "k"
  api_server_access_profile {
    authorized_ip_ranges = ["10.0.0.0/8", var.unknown]
  }
}
`})
	res, err := New().Scan(context.Background(), dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{
		"iac:main.tf#azurerm_network_security_group.n":        {"security_rule.1.source_address_prefix", "security_rule"},
		"iac:main.tf#azurerm_network_security_group.expanded": nil,
		"iac:main.tf#azurerm_kubernetes_cluster.k":            {"api_server_access_profile.0.authorized_ip_ranges.1"},
	}
	for _, r := range res.Resources {
		w, ok := want[r.ID]
		if !ok {
			continue
		}
		delete(want, r.ID)
		var got []string
		for _, u := range r.Attributes["unknown_attributes"].([]any) {
			got = append(got, u.(string))
		}
		slices.Sort(got)
		slices.Sort(w)
		if !slices.Equal(got, w) {
			t.Errorf("%s: unknown_attributes %q, want %q", r.ID, got, w)
		}
		if r.ID == "iac:main.tf#azurerm_network_security_group.expanded" {
			if rules, _ := r.Attributes["config"].(map[string]any)["security_rule"].([]any); len(rules) != 1 {
				t.Errorf("expanded dynamic block: rules %v", rules)
			}
		}
	}
	for id := range want {
		t.Errorf("no resource %s", id)
	}
}
