package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/sdescan/sdescan/checks"
)

// azureArgsEnv carries the child's command line (TestAzureChild).
const azureArgsEnv = "SDESCAN_TEST_AZURE_ARGS"

// TestAzureChild is sdescan run in a child process by the Azure end-to-end
// tests (a fresh process, so that Go reads SSL_CERT_FILE for its roots);
// alone it does nothing.
func TestAzureChild(t *testing.T) {
	raw := os.Getenv(azureArgsEnv)
	if raw == "" {
		return
	}
	var args []string
	if err := json.Unmarshal([]byte(raw), &args); err != nil {
		t.Fatal(err)
	}
	os.Exit(Main(context.Background(), args, os.Stdout, os.Stderr))
}

const azureSub = "00000000-0000-0000-0000-0000000000aa"

// azureEstate is a local HTTPS ARM stand-in for one subscription (a storage
// account open to anonymous reads, an NSG open to RDP, a VNet without flow
// logs; Key Vault denied), its certificate in a file for SSL_CERT_FILE, a
// custom cloud file pointing at it and a stub az on PATH (picked by
// AZURE_TOKEN_CREDENTIALS, so nothing probes the metadata address).
type azureEstate struct {
	dir, cloudFile string
	env            []string
	mu             sync.Mutex
	seen           []string
}

func newAzureEstate(t *testing.T) *azureEstate {
	t.Helper()
	s := "/subscriptions/" + azureSub
	rg := s + "/resourceGroups/rg"
	docs := map[string]string{
		s: `{"subscriptionId": "` + azureSub + `", "state": "Enabled"}`,
		s + "/providers/Microsoft.Storage/storageAccounts": `{"value": [{"id": "` + rg + `/providers/Microsoft.Storage/storageAccounts/sa", "name": "sa", "location": "uksouth", "kind": "StorageV2",
			"properties": {"allowBlobPublicAccess": true, "supportsHttpsTrafficOnly": true, "minimumTlsVersion": "TLS1_2", "publicNetworkAccess": "Disabled",
			"allowSharedKeyAccess": false, "encryption": {"keySource": "Microsoft.Storage"}}}]}`,
		rg + "/providers/Microsoft.Storage/storageAccounts/sa/blobServices/default": `{"properties": {"deleteRetentionPolicy": {"enabled": true, "days": 7}, "isVersioningEnabled": true}}`,
		s + "/providers/Microsoft.Network/networkSecurityGroups": `{"value": [{"id": "` + rg + `/providers/Microsoft.Network/networkSecurityGroups/nsg", "name": "nsg", "location": "uksouth",
			"properties": {"securityRules": [{"name": "rdp", "properties": {"direction": "Inbound", "access": "Allow", "protocol": "Tcp", "priority": 100,
			"sourceAddressPrefix": "Internet", "destinationPortRanges": ["3380-3390"]}}]}}]}`,
		s + "/providers/Microsoft.Network/virtualNetworks":          `{"value": [{"id": "` + rg + `/providers/Microsoft.Network/virtualNetworks/vnet", "name": "vnet", "location": "uksouth", "properties": {"subnets": []}}]}`,
		s + "/providers/Microsoft.Network/networkWatchers":          `{"value": []}`,
		s + "/providers/Microsoft.Sql/servers":                      `{"value": []}`,
		s + "/providers/Microsoft.DBforPostgreSQL/flexibleServers":  `{"value": []}`,
		s + "/providers/Microsoft.ContainerService/managedClusters": `{"value": []}`,
	}
	// Recovery Services and Backup vaults, virtual machines and disks: none.
	for _, p := range []string{"Microsoft.RecoveryServices/vaults", "Microsoft.DataProtection/backupVaults", "Microsoft.Compute/virtualMachines", "Microsoft.Compute/disks"} {
		docs[s+"/providers/"+p] = `{"value": []}`
	}
	// Azure Virtual Desktop, Machine Learning and Databricks: none.
	for _, p := range []string{"Microsoft.DesktopVirtualization/hostPools", "Microsoft.MachineLearningServices/workspaces", "Microsoft.Databricks/workspaces"} {
		docs[s+"/providers/"+p] = `{"value": []}`
	}
	// Defender plans, activity-log diagnostic settings, role assignments and
	// definitions, classic administrators and policy assignments: none.
	for _, p := range []string{"Microsoft.Security/pricings", "Microsoft.Insights/diagnosticSettings", "Microsoft.Authorization/roleAssignments",
		"Microsoft.Authorization/roleDefinitions", "Microsoft.Authorization/classicAdministrators", "Microsoft.Authorization/policyAssignments"} {
		docs[s+"/providers/"+p] = `{"value": []}`
	}
	e := &azureEstate{dir: t.TempDir()}
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e.mu.Lock()
		e.seen = append(e.seen, r.Method+" "+r.URL.Path)
		e.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if strings.Contains(strings.ToLower(r.URL.Path), "/microsoft.keyvault/") {
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprint(w, `{"error": {"code": "AuthorizationFailed", "message": "no read on Microsoft.KeyVault"}}`)
			return
		}
		for p, body := range docs {
			if strings.EqualFold(p, r.URL.Path) {
				fmt.Fprint(w, body)
				return
			}
		}
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `{"error": {"code": "NotFound", "message": "no document"}}`)
	}))
	t.Cleanup(srv.Close)
	ca := filepath.Join(e.dir, "ca.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	e.cloudFile = filepath.Join(e.dir, "cloud.json")
	if err := os.WriteFile(e.cloudFile, []byte(`{"name": "stand-in", "authority_host": "https://login.invalid/", "resource_manager": "`+srv.URL+`/", "audience": "https://management.invalid/"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(e.dir, "bin")
	if err := os.Mkdir(bin, 0o700); err != nil {
		t.Fatal(err)
	}
	az := "#!/bin/sh\n" + `echo '{"accessToken": "stub-token", "expiresOn": "2099-01-01 00:00:00.000000", "expires_on": 4070908800, "subscription": "` + azureSub + `", "tenant": "11111111-1111-1111-1111-111111111111", "tokenType": "Bearer"}'` + "\n"
	if err := os.WriteFile(filepath.Join(bin, "az"), []byte(az), 0o700); err != nil {
		t.Fatal(err)
	}
	e.env = []string{"SSL_CERT_FILE=" + ca, "SSL_CERT_DIR=" + e.dir, "PATH=" + bin + ":/usr/bin:/bin",
		"AZURE_TOKEN_CREDENTIALS=AzureCLICredential", "HOME=" + e.dir, "AZURE_CONFIG_DIR=" + e.dir}
	return e
}

// run runs sdescan with args in a child process against the stand-in.
func (e *azureEstate) run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	raw, _ := json.Marshal(args)
	cmd := exec.Command(os.Args[0], "-test.run=^TestAzureChild$")
	cmd.Env = append(append(os.Environ(), azureArgsEnv+"="+string(raw)), e.env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), stdout.String(), stderr.String()
	} else if err != nil {
		t.Fatal(err)
	}
	return 0, stdout.String(), stderr.String()
}

// onlyReads: the stand-in was reached, with reads only.
func (e *azureEstate) onlyReads(t *testing.T) {
	t.Helper()
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.seen) == 0 {
		t.Fatal("nothing reached the stand-in")
	}
	for _, r := range e.seen {
		if !strings.HasPrefix(r, "GET ") {
			t.Errorf("%s reached the stand-in", r)
		}
	}
}

// TestAzureCollectEndToEnd: `sdescan collect --azure --azure-cloud FILE`
// against the stand-in writes the estate's facts with the denied provider as
// a collection error naming the operation and the types it hid.
func TestAzureCollectEndToEnd(t *testing.T) {
	e := newAzureEstate(t)
	out := filepath.Join(e.dir, "facts.json")
	code, _, stderr := e.run(t, "collect", "--azure", "--azure-cloud", e.cloudFile, "--subscription", azureSub, "-o", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, fmt.Sprintf("azure %s: %d services read, 1 errors", azureSub, 6+7+2)) { // + AVD, ML, Databricks, Defender, Monitor, RBAC, Policy; + backup, compute
		t.Errorf("progress: %s", stderr)
	}
	f, err := checks.ReadFactsFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Runs) != 1 || f.Runs[0].Collector != "azure" || f.Runs[0].Scope != azureSub || f.Runs[0].Status != checks.RunPartial ||
		len(f.Runs[0].Errors) != 1 || f.Runs[0].Errors[0].API != "Vaults.ListBySubscription" || f.Runs[0].Errors[0].ResourceTypes[0] != "azure.keyvault.vault" {
		t.Errorf("runs %+v", f.Runs)
	}
	types := map[string]int{}
	for _, r := range f.Resources {
		types[r.Type]++
		if r.Source != "azure" || r.Scope.Account != azureSub || r.ID != strings.ToLower(r.ID) {
			t.Errorf("resource %+v", r)
		}
	}
	if types["azure.storage.account"] != 1 || types["azure.network.nsg"] != 1 || types["azure.network.vnet"] != 1 || types["azure.keyvault.vault"] != 0 {
		t.Errorf("resources by type %v", types)
	}
	e.onlyReads(t)
}

// TestAzureFlags: the Azure flags are refused together or wrong before
// anything is sent.
func TestAzureFlags(t *testing.T) {
	t.Setenv("AZURE_TOKEN_CREDENTIALS", "AzureCLICredential")
	dir := t.TempDir()
	if r := runCLI(t, "collect", "--azure", "--subscription", "x", "--management-group", "y", "-o", filepath.Join(dir, "f.json")); r.code != ExitInput || !strings.Contains(r.stderr, "--subscription and --management-group are exclusive") {
		t.Errorf("exit %d, stderr %q", r.code, r.stderr)
	}
	bad := filepath.Join(dir, "cloud.json")
	if err := os.WriteFile(bad, []byte(`{"name": "x", "authority_host": "http://a/", "resource_manager": "https://b/", "audience": "https://b/"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if r := runCLI(t, "collect", "--azure", "--azure-cloud", bad, "-o", filepath.Join(dir, "f.json")); r.code != ExitInput || !strings.Contains(r.stderr, "--azure-cloud: "+bad+": authority_host") {
		t.Errorf("exit %d, stderr %q", r.code, r.stderr)
	}
}

// TestAzureScanEndToEnd: `sdescan scan --azure --azure-cloud FILE` against
// the stand-in judges the estate with the AZ- checks (the RDP rule is open on
// 3380-3390, so AZ-NET-002 fails too; the untagged account is not judged by
// AZ-ST-006), and the denied provider's checks are not assessed, never
// passed.
func TestAzureScanEndToEnd(t *testing.T) {
	e := newAzureEstate(t)
	code, stdout, stderr := e.run(t, "scan", "--azure", "--azure-cloud", e.cloudFile, "--subscription", azureSub, "--format", "json")
	var a struct {
		Checks []struct {
			ID, Status string
		} `json:"checks"`
		Findings []struct {
			CheckID    string `json:"check_id"`
			ResourceID string `json:"resource_id"`
			Status     string `json:"status"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(stdout), &a); err != nil {
		t.Fatalf("exit %d, stderr %s\nstdout %.2000s: %v", code, stderr, stdout, err)
	}
	status := map[string]string{}
	for _, f := range a.Findings {
		status[f.CheckID+" "+f.ResourceID[strings.LastIndex(f.ResourceID, "/")+1:]] = f.Status
	}
	for k, want := range map[string]string{
		"AZ-ST-001 sa": "fail", "AZ-ST-002 sa": "pass", "AZ-ST-003 sa": "pass", "AZ-ST-004 sa": "pass", "AZ-ST-005 sa": "pass",
		"AZ-NET-001 nsg": "fail", "AZ-NET-002 nsg": "fail", "AZ-NET-003 vnet": "fail", "AZ-ST-006 sa": "not_applicable",
	} {
		if status[k] != want {
			t.Errorf("%s: %q, want %s (findings %v)", k, status[k], want, status)
		}
	}
	checkStatus := map[string]string{}
	for _, c := range a.Checks {
		checkStatus[c.ID] = c.Status
	}
	if checkStatus["AZ-KV-001"] != "not_assessed" || checkStatus["AZ-KV-002"] != "not_assessed" {
		t.Errorf("Key Vault checks %q %q, want not_assessed (the provider denied)", checkStatus["AZ-KV-001"], checkStatus["AZ-KV-002"])
	}
	e.onlyReads(t)
}
