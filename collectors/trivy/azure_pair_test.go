package trivy

import (
	"fmt"
	"strings"
	"testing"

	"github.com/sdescan/sdescan/checks"
)

// The Azure pair tests: each feeds one table of configurations through
// Terraform (azurerm), an ARM template and live facts, and wants the same
// verdict from the live checks (together: any fail fails; else any not
// assessed is not assessed) and their IaC twin, which share one decision
// (collectors/azure/policy/lib_*.rego). In Terraform, var.unknown has no value
// (unknown offline); in ARM, an expression is never evaluated.

// azureCase is one configuration written three ways.
type azureCase struct {
	name string
	tf   string         // the Terraform block's body (besides its required arguments)
	arm  string         // the ARM resource's properties, as JSON
	live map[string]any // the live facts' attributes (an attribute left out was not read)
	want checks.Status
}

// azureFamily is one control family: the Terraform and ARM types, the
// arguments every block needs, the live type and checks, and the twin.
type azureFamily struct {
	tfType, tfRequired string
	armType, armAPI    string
	liveType, livePath string
	live               []string
	twin               string
}

const tfUnknown = "variable \"unknown\" {\n  type = any\n}\n\n"

// azurePair runs the cases of a family and checks every form's verdict.
func azurePair(t *testing.T, fam azureFamily, cases []azureCase) {
	t.Helper()
	tf := tfUnknown
	var arm []string
	var live []checks.Resource
	for i, tc := range cases {
		tf += fmt.Sprintf("resource %q \"c%02d\" {\n%s\n%s\n}\n\n", fam.tfType, i, fam.tfRequired, tc.tf)
		arm = append(arm, fmt.Sprintf(`{"type": %q, "apiVersion": %q, "name": "c%02d", "location": "[resourceGroup().location]", "properties": %s}`, fam.armType, fam.armAPI, i, tc.arm))
		attrs := map[string]any{"name": fmt.Sprintf("c%02d", i)}
		for k, v := range tc.live {
			attrs[k] = v
		}
		live = append(live, checks.Resource{
			ID: fmt.Sprintf("/subscriptions/s/resourcegroups/rg/providers/%s/c%02d", fam.livePath, i), Type: fam.liveType, Source: "azure",
			Scope: checks.Scope{Account: "s", Region: "uksouth"}, Attributes: attrs,
		})
	}
	template := `{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "contentVersion": "1.0.0.0", "resources": [` + strings.Join(arm, ",\n") + "]}"
	got := pairRun(t, map[string]string{"main.tf": tf, "azuredeploy.json": template}, live, append([]string{fam.twin}, fam.live...)...)
	for i, tc := range cases {
		liveID := fmt.Sprintf("/subscriptions/s/resourcegroups/rg/providers/%s/c%02d", fam.livePath, i)
		if s := liveVerdict(got, fam.live, liveID); s != tc.want {
			t.Errorf("%s: live checks %v: %s, want %s", tc.name, fam.live, s, tc.want)
		}
		pairWant(t, got, tc.name, tc.want,
			pairForm{fam.twin, fmt.Sprintf("iac:main.tf#%s.c%02d", fam.tfType, i)},
			pairForm{fam.twin, fmt.Sprintf("iac:azuredeploy.json#%s/c%02d", fam.armType, i)},
		)
	}
}

// liveVerdict is the verdict of several live checks on one resource taken
// together: fail if any fails, else error (not assessed) if any is, else
// pass.
func liveVerdict(got map[[2]string]checks.Finding, ids []string, resource string) checks.Status {
	out := checks.Pass
	for _, id := range ids {
		f, ok := got[[2]string{id, resource}]
		switch {
		case !ok:
			return checks.NotApplicable
		case f.Status == checks.Fail:
			return checks.Fail
		case f.Status == checks.Error:
			out = checks.Error
		}
	}
	return out
}

func TestAzureStoragePairVerdicts(t *testing.T) {
	good := map[string]any{"allow_blob_public_access": false, "https_only": true, "minimum_tls_version": "TLS1_2", "allow_shared_key_access": false}
	with := func(k string, v any) map[string]any {
		m := map[string]any{}
		for a, b := range good {
			m[a] = b
		}
		if v == "-" {
			delete(m, k)
		} else {
			m[k] = v
		}
		return m
	}
	azurePair(t, azureFamily{
		tfType: "azurerm_storage_account", tfRequired: "  resource_group_name = \"rg\"\n  location = \"uksouth\"\n  account_tier = \"Standard\"\n  account_replication_type = \"LRS\"",
		armType: "Microsoft.Storage/storageAccounts", armAPI: "2023-05-01",
		liveType: "azure.storage.account", livePath: "microsoft.storage/storageaccounts",
		live: []string{"AZ-ST-001", "AZ-ST-002", "AZ-ST-005"}, twin: "IAC-AZ-002",
	}, []azureCase{
		{"all closed (Terraform: HTTPS and TLS 1.2 by default)",
			"  allow_nested_items_to_be_public = false\n  shared_access_key_enabled = false",
			`{"allowBlobPublicAccess": false, "supportsHttpsTrafficOnly": true, "minimumTlsVersion": "TLS1_2", "allowSharedKeyAccess": false}`,
			good, checks.Pass},
		{"TLS 1.3 and HTTPS written",
			"  allow_nested_items_to_be_public = false\n  shared_access_key_enabled = false\n  min_tls_version = \"TLS1_3\"\n  https_traffic_only_enabled = true",
			`{"allowBlobPublicAccess": false, "minimumTlsVersion": "TLS1_3", "allowSharedKeyAccess": false}`,
			with("minimum_tls_version", "TLS1_3"), checks.Pass},
		{"anonymous blob access allowed",
			"  allow_nested_items_to_be_public = true\n  shared_access_key_enabled = false",
			`{"allowBlobPublicAccess": true, "minimumTlsVersion": "TLS1_2", "allowSharedKeyAccess": false}`,
			with("allow_blob_public_access", true), checks.Fail},
		{"anonymous blob access left to the default",
			"  shared_access_key_enabled = false",
			`{"minimumTlsVersion": "TLS1_2", "allowSharedKeyAccess": false}`,
			with("allow_blob_public_access", nil), checks.Fail},
		{"plain HTTP",
			"  allow_nested_items_to_be_public = false\n  shared_access_key_enabled = false\n  https_traffic_only_enabled = false",
			`{"allowBlobPublicAccess": false, "supportsHttpsTrafficOnly": false, "minimumTlsVersion": "TLS1_2", "allowSharedKeyAccess": false}`,
			with("https_only", false), checks.Fail},
		{"TLS 1.0",
			"  allow_nested_items_to_be_public = false\n  shared_access_key_enabled = false\n  min_tls_version = \"TLS1_0\"",
			`{"allowBlobPublicAccess": false, "minimumTlsVersion": "TLS1_0", "allowSharedKeyAccess": false}`,
			with("minimum_tls_version", "TLS1_0"), checks.Fail},
		{"shared keys left to the default",
			"  allow_nested_items_to_be_public = false",
			`{"allowBlobPublicAccess": false, "minimumTlsVersion": "TLS1_2"}`,
			with("allow_shared_key_access", nil), checks.Fail},
		{"shared keys not known",
			"  allow_nested_items_to_be_public = false\n  shared_access_key_enabled = var.unknown",
			`{"allowBlobPublicAccess": false, "minimumTlsVersion": "TLS1_2", "allowSharedKeyAccess": "[parameters('keys')]"}`,
			with("allow_shared_key_access", "-"), checks.Error},
		{"TLS not known beside anonymous access",
			"  allow_nested_items_to_be_public = true\n  shared_access_key_enabled = false\n  min_tls_version = var.unknown",
			`{"allowBlobPublicAccess": true, "minimumTlsVersion": "[parameters('tls')]", "allowSharedKeyAccess": false}`,
			with("allow_blob_public_access", true), checks.Fail},
	})
}

// nsgRule writes one rule as a Terraform security_rule body, an ARM rule's
// properties and a live rule.
type nsgRule struct {
	src, port, protocol, access string
}

func (r nsgRule) tf() string {
	src := fmt.Sprintf("source_address_prefix = %q", r.src)
	if r.src == "?" {
		src = "source_address_prefix = var.unknown"
	}
	port := fmt.Sprintf("destination_port_range = %q", r.port)
	if strings.Contains(r.port, ",") {
		port = fmt.Sprintf("destination_port_ranges = [%q, %q]", strings.Split(r.port, ",")[0], strings.Split(r.port, ",")[1])
	}
	return fmt.Sprintf("  security_rule {\n    name = \"r\"\n    priority = 100\n    direction = \"Inbound\"\n    access = %q\n    protocol = %q\n    source_port_range = \"*\"\n    %s\n    %s\n    destination_address_prefix = \"*\"\n  }", r.access, r.protocol, src, port)
}

func (r nsgRule) arm() string {
	src := fmt.Sprintf(`"sourceAddressPrefix": %q`, r.src)
	if r.src == "?" {
		src = `"sourceAddressPrefix": "[parameters('src')]"`
	}
	port := fmt.Sprintf(`"destinationPortRange": %q`, r.port)
	if strings.Contains(r.port, ",") {
		port = fmt.Sprintf(`"destinationPortRanges": [%q, %q]`, strings.Split(r.port, ",")[0], strings.Split(r.port, ",")[1])
	}
	return fmt.Sprintf(`{"securityRules": [{"name": "r", "properties": {"priority": 100, "direction": "Inbound", "access": %q, "protocol": %q, "sourcePortRange": "*", %s, %s, "destinationAddressPrefix": "*"}}]}`, r.access, r.protocol, src, port)
}

func (r nsgRule) live() map[string]any {
	rule := map[string]any{"name": "r", "priority": 100, "direction": "Inbound", "access": r.access, "protocol": r.protocol, "source_prefixes": []any{r.src}}
	if r.src == "?" {
		delete(rule, "source_prefixes")
	}
	var ports []any
	for _, p := range strings.Split(r.port, ",") {
		ports = append(ports, p)
	}
	rule["destination_ports"] = ports
	return map[string]any{"security_rules": []any{rule}}
}

func TestAzureNSGPairVerdicts(t *testing.T) {
	var cases []azureCase
	for _, c := range []struct {
		name string
		rule nsgRule
		want checks.Status
	}{
		{"SSH from a private range", nsgRule{"10.0.0.0/8", "22", "Tcp", "Allow"}, checks.Pass},
		{"SSH from anywhere", nsgRule{"*", "22", "Tcp", "Allow"}, checks.Fail},
		{"RDP in a range from the Internet tag", nsgRule{"Internet", "3000-4000", "*", "Allow"}, checks.Fail},
		{"a list of ports from ::/0", nsgRule{"::/0", "443,8080", "Tcp", "Allow"}, checks.Fail},
		{"any port from Any, denied", nsgRule{"Any", "*", "*", "Deny"}, checks.Pass},
		{"ICMP from 0.0.0.0/0", nsgRule{"0.0.0.0/0", "*", "Icmp", "Allow"}, checks.Pass},
		{"source not known", nsgRule{"?", "22", "Tcp", "Allow"}, checks.Error},
	} {
		cases = append(cases, azureCase{c.name, c.rule.tf(), c.rule.arm(), c.rule.live(), c.want})
	}
	cases = append(cases, azureCase{"no rules", "", `{"securityRules": []}`, map[string]any{"security_rules": []any{}}, checks.Pass})
	azurePair(t, azureFamily{
		tfType: "azurerm_network_security_group", tfRequired: "  resource_group_name = \"rg\"\n  location = \"uksouth\"",
		armType: "Microsoft.Network/networkSecurityGroups", armAPI: "2024-05-01",
		liveType: "azure.network.nsg", livePath: "microsoft.network/networksecuritygroups",
		live: []string{"AZ-NET-001", "AZ-NET-002"}, twin: "IAC-AZ-003",
	}, cases)
}

func TestAzureKeyVaultPairVerdicts(t *testing.T) {
	live := func(soft, purge, rbac any) map[string]any {
		m := map[string]any{"public_network_access": "Disabled"}
		for k, v := range map[string]any{"enable_soft_delete": soft, "enable_purge_protection": purge, "enable_rbac_authorization": rbac} {
			if v != "-" {
				m[k] = v
			}
		}
		return m
	}
	azurePair(t, azureFamily{
		tfType: "azurerm_key_vault", tfRequired: "  resource_group_name = \"rg\"\n  location = \"uksouth\"\n  tenant_id = \"00000000-0000-0000-0000-000000000000\"\n  sku_name = \"standard\"",
		armType: "Microsoft.KeyVault/vaults", armAPI: "2023-07-01",
		liveType: "azure.keyvault.vault", livePath: "microsoft.keyvault/vaults",
		live: []string{"AZ-KV-001", "AZ-KV-002"}, twin: "IAC-AZ-004",
	}, []azureCase{
		{"purge protection and RBAC on", "  purge_protection_enabled = true\n  rbac_authorization_enabled = true",
			`{"enablePurgeProtection": true, "enableRbacAuthorization": true, "publicNetworkAccess": "Disabled"}`, live(true, true, true), checks.Pass},
		{"RBAC under its older name", "  purge_protection_enabled = true\n  enable_rbac_authorization = true",
			`{"enableSoftDelete": true, "enablePurgeProtection": true, "enableRbacAuthorization": true}`, live(true, true, true), checks.Pass},
		{"purge protection left off", "  rbac_authorization_enabled = true",
			`{"enableRbacAuthorization": true}`, live(true, nil, true), checks.Fail},
		{"access policies", "  purge_protection_enabled = true\n  rbac_authorization_enabled = false",
			`{"enablePurgeProtection": true, "enableRbacAuthorization": false}`, live(true, true, false), checks.Fail},
		{"RBAC not known", "  purge_protection_enabled = true\n  rbac_authorization_enabled = var.unknown",
			`{"enablePurgeProtection": true, "enableRbacAuthorization": "[parameters('rbac')]"}`, live(true, true, "-"), checks.Error},
	})
}

func TestAzureSQLPairVerdicts(t *testing.T) {
	admin := func(only string) string {
		return fmt.Sprintf("  azuread_administrator {\n    login_username = \"a\"\n    object_id = \"11111111-1111-1111-1111-111111111111\"\n%s\n  }", only)
	}
	azurePair(t, azureFamily{
		tfType: "azurerm_mssql_server", tfRequired: "  resource_group_name = \"rg\"\n  location = \"uksouth\"\n  version = \"12.0\"",
		armType: "Microsoft.Sql/servers", armAPI: "2023-08-01",
		liveType: "azure.sql.server", livePath: "microsoft.sql/servers",
		live: []string{"AZ-SQL-002"}, twin: "IAC-AZ-005",
	}, []azureCase{
		{"TLS 1.2 by default, Entra only", admin("    azuread_authentication_only = true"),
			`{"minimalTlsVersion": "1.2", "administrators": {"azureADOnlyAuthentication": true}}`,
			map[string]any{"minimal_tls_version": "1.2", "azure_ad_only_authentication": true}, checks.Pass},
		{"TLS 1.0", "  minimum_tls_version = \"1.0\"\n" + admin("    azuread_authentication_only = true"),
			`{"minimalTlsVersion": "1.0", "administrators": {"azureADOnlyAuthentication": true}}`,
			map[string]any{"minimal_tls_version": "1.0", "azure_ad_only_authentication": true}, checks.Fail},
		{"SQL logins allowed (no Entra administrator)", "  administrator_login = \"sqladmin\"",
			`{"minimalTlsVersion": "1.2", "administratorLogin": "sqladmin"}`,
			map[string]any{"minimal_tls_version": "1.2", "azure_ad_only_authentication": false}, checks.Fail},
		{"Entra-only not known", admin("    azuread_authentication_only = var.unknown"),
			`{"minimalTlsVersion": "1.2", "administrators": {"azureADOnlyAuthentication": "[parameters('only')]"}}`,
			map[string]any{"minimal_tls_version": "1.2"}, checks.Error},
	})
}

func TestAzureAVDPairVerdicts(t *testing.T) {
	airlock := "redirectclipboard:i:0;drivestoredirect:s:;usbdevicestoredirect:s:;redirectprinters:i:0"
	props := func(raw string) map[string]any {
		m := map[string]any{}
		for _, item := range strings.Split(raw, ";") {
			if parts := strings.SplitN(item, ":", 3); len(parts) == 3 {
				m[strings.ToLower(parts[0])] = parts[2]
			}
		}
		return map[string]any{"custom_rdp_property": raw, "rdp_properties": m}
	}
	azurePair(t, azureFamily{
		tfType: "azurerm_virtual_desktop_host_pool", tfRequired: "  resource_group_name = \"rg\"\n  location = \"uksouth\"\n  type = \"Pooled\"\n  load_balancer_type = \"BreadthFirst\"",
		armType: "Microsoft.DesktopVirtualization/hostPools", armAPI: "2024-04-03",
		liveType: "azure.avd.host_pool", livePath: "microsoft.desktopvirtualization/hostpools",
		live: []string{"AZ-AVD-001"}, twin: "IAC-AZ-006",
	}, []azureCase{
		{"all four off", fmt.Sprintf("  custom_rdp_properties = %q", airlock), fmt.Sprintf(`{"customRdpProperty": %q}`, airlock), props(airlock), checks.Pass},
		{"names in another case, more properties", fmt.Sprintf("  custom_rdp_properties = %q", "audiomode:i:0;RedirectClipboard:i:0;DriveStoreDirect:s:;usbdevicestoredirect:s:;redirectprinters:i:0"),
			`{"customRdpProperty": "audiomode:i:0;RedirectClipboard:i:0;DriveStoreDirect:s:;usbdevicestoredirect:s:;redirectprinters:i:0"}`,
			props("audiomode:i:0;RedirectClipboard:i:0;DriveStoreDirect:s:;usbdevicestoredirect:s:;redirectprinters:i:0"), checks.Pass},
		{"clipboard on", fmt.Sprintf("  custom_rdp_properties = %q", strings.Replace(airlock, "redirectclipboard:i:0", "redirectclipboard:i:1", 1)),
			fmt.Sprintf(`{"customRdpProperty": %q}`, strings.Replace(airlock, "redirectclipboard:i:0", "redirectclipboard:i:1", 1)),
			props(strings.Replace(airlock, "redirectclipboard:i:0", "redirectclipboard:i:1", 1)), checks.Fail},
		{"none set (RDP defaults redirect)", "", `{}`, map[string]any{"custom_rdp_property": nil, "rdp_properties": map[string]any{}}, checks.Fail},
		{"not known", "  custom_rdp_properties = var.unknown", `{"customRdpProperty": "[parameters('rdp')]"}`, map[string]any{}, checks.Error},
	})
}

func TestAzureAKSPairVerdicts(t *testing.T) {
	const pool = "  dns_prefix = \"c\"\n  default_node_pool {\n    name = \"system\"\n    node_count = 1\n    vm_size = \"Standard_D2s_v5\"\n  }\n  identity {\n    type = \"SystemAssigned\"\n  }\n"
	const entra = "  azure_active_directory_role_based_access_control {\n    azure_rbac_enabled = true\n  }\n"
	const netpol = "  network_profile {\n    network_plugin = \"azure\"\n    network_policy = \"calico\"\n  }\n"
	live := func(private any, ranges []any, policy any) map[string]any {
		m := map[string]any{"private_cluster": private, "authorized_ip_ranges": ranges, "disable_local_accounts": true, "entra_managed": true, "enable_rbac": true, "network_policy": policy}
		if policy == "-" {
			delete(m, "network_policy")
		}
		return m
	}
	armProps := func(profile, policy string) string {
		return fmt.Sprintf(`{"dnsPrefix": "c", "enableRBAC": true, "disableLocalAccounts": true, "aadProfile": {"managed": true, "enableAzureRBAC": true}, "apiServerAccessProfile": %s, "networkProfile": {"networkPlugin": "azure", "networkPolicy": %s}}`, profile, policy)
	}
	azurePair(t, azureFamily{
		tfType: "azurerm_kubernetes_cluster", tfRequired: "  resource_group_name = \"rg\"\n  location = \"uksouth\"\n" + pool + "  local_account_disabled = true\n" + entra,
		armType: "Microsoft.ContainerService/managedClusters", armAPI: "2024-09-01",
		liveType: "azure.aks.cluster", livePath: "microsoft.containerservice/managedclusters",
		live: []string{"AZ-AKS-001"}, twin: "IAC-AZ-007",
	}, []azureCase{
		{"private, calico", "  private_cluster_enabled = true\n" + netpol, armProps(`{"enablePrivateCluster": true}`, `"calico"`), live(true, []any{}, "calico"), checks.Pass},
		{"authorised ranges", "  api_server_access_profile {\n    authorized_ip_ranges = [\"203.0.113.0/24\"]\n  }\n" + netpol,
			armProps(`{"enablePrivateCluster": false, "authorizedIPRanges": ["203.0.113.0/24"]}`, `"calico"`), live(false, []any{"203.0.113.0/24"}, "calico"), checks.Pass},
		{"open to the internet", "  api_server_access_profile {\n    authorized_ip_ranges = [\"0.0.0.0/0\"]\n  }\n" + netpol,
			armProps(`{"enablePrivateCluster": false, "authorizedIPRanges": ["0.0.0.0/0"]}`, `"calico"`), live(false, []any{"0.0.0.0/0"}, "calico"), checks.Fail},
		{"no network policy", "  private_cluster_enabled = true\n", armProps(`{"enablePrivateCluster": true}`, "null"), live(true, []any{}, nil), checks.Fail},
		{"network policy not known", "  private_cluster_enabled = true\n  network_profile {\n    network_plugin = \"azure\"\n    network_policy = var.unknown\n  }\n",
			armProps(`{"enablePrivateCluster": true}`, `"[parameters('policy')]"`), live(true, []any{}, "-"), checks.Error},
	})
}
