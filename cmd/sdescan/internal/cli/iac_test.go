package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var updateIAC = flag.Bool("update-iac", false, "rewrite the golden files of sdescan iac")

// iacRepo runs the test from the repository root, so that paths in reports are
// repository paths (fixtures/iac/...), and returns the package directory.
func iacRepo(t *testing.T) string {
	t.Helper()
	pkg, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(filepath.Join(pkg, "..", "..", "..", ".."))
	return pkg
}

func runIAC(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(context.Background(), append([]string{"iac"}, args...), &out, &errb)
	return code, out.String(), errb.String()
}

func iacGolden(t *testing.T, pkg, name string, got []byte) {
	t.Helper()
	file := filepath.Join(pkg, "testdata", name)
	if *updateIAC {
		if err := os.WriteFile(file, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/sdescan/internal/cli -run TestIAC -update-iac)", err)
	}
	if !bytes.Equal(want, got) {
		t.Errorf("%s differs from the golden file (run with -update-iac and review the diff)", name)
	}
}

type iacAssessment struct {
	Findings []struct {
		CheckID    string   `json:"check_id"`
		ResourceID string   `json:"resource_id"`
		Status     string   `json:"status"`
		Messages   []string `json:"messages"`
	} `json:"findings"`
	CollectorRuns []struct {
		Status string `json:"status"`
		Errors []struct {
			Resource string `json:"resource"`
			Message  string `json:"message"`
		} `json:"errors"`
	} `json:"collector_runs"`
}

// TestIACGoldenAndDeterministic: the JSON and SARIF of the fixture tree match
// their golden files, and two runs give the same bytes.
func TestIACGoldenAndDeterministic(t *testing.T) {
	pkg := iacRepo(t)
	for _, format := range []string{"json", "sarif"} {
		code1, out1, _ := runIAC(t, "fixtures/iac", "--as-of", "2026-11-25", "--format", format)
		code2, out2, _ := runIAC(t, "fixtures/iac", "--as-of", "2026-11-25", "--format", format)
		if code1 != 0 || code2 != 0 {
			t.Fatalf("%s: exit %d, %d", format, code1, code2)
		}
		if out1 != out2 {
			t.Errorf("%s: two runs differ", format)
		}
		iacGolden(t, pkg, "iac-fixtures."+format, []byte(out1))
	}
}

// TestIACChecksGoodAndBad: every IAC-… check fails on its bad fixture and passes
// (no failure) on its good one; Trivy's findings keep Trivy's IDs.
func TestIACChecksGoodAndBad(t *testing.T) {
	iacRepo(t)
	_, out, _ := runIAC(t, "fixtures/iac", "--as-of", "2026-11-25", "--format", "json")
	var a iacAssessment
	if err := json.Unmarshal([]byte(out), &a); err != nil {
		t.Fatal(err)
	}
	fails := map[string][]string{}
	for _, f := range a.Findings {
		if f.Status == "fail" {
			fails[f.CheckID] = append(fails[f.CheckID], f.ResourceID)
		}
	}
	cases := map[string]struct{ bad, good []string }{
		"IAC-SECRET-001":  {[]string{"terraform/bad/main.tf#aws_db_instance.cohort", "terraform/bad/terraform.tfvars", "cloudformation/bad.yaml#Cohort", "kubernetes/bad/", "helm/research-app/values.yaml", "compose/bad/"}, []string{"/good", "good.json"}},
		"IAC-S3-001":      {[]string{"terraform/bad/main.tf#aws_s3_bucket_policy.research_raw"}, []string{"/good"}},
		"IAC-EC2-001":     {[]string{"terraform/bad/main.tf#aws_instance.jump"}, []string{"/good"}},
		"IAC-SM-001":      {[]string{"terraform/bad/main.tf#aws_sagemaker_notebook_instance.analysis"}, []string{"/good", "good.json"}},
		"IAC-AS-001":      {[]string{"terraform/bad/main.tf#aws_appstream_stack.desktop"}, []string{"/good"}},
		"IAC-AS-002":      {[]string{"terraform/bad/main.tf#aws_appstream_fleet.desktop"}, []string{"/good"}},
		"IAC-NET-002":     {[]string{"terraform/bad/main.tf#aws_flow_log.vpc", "malformed/ok.tf"}, []string{"/good"}},
		"IAC-K8S-002":     {[]string{"kubernetes/bad/workloads.yaml#ClusterRole/analyst-everything"}, []string{"/good"}},
		"IAC-COMPOSE-001": {[]string{"compose/bad/docker-compose.yml#service/agent", "compose/bad/docker-compose.yml#service/db"}, []string{"/good"}},
		"IAC-IAM-001":     {[]string{"terraform/bad/main.tf#aws_iam_policy.analyst_everything", "terraform/bad/main.tf#aws_iam_role_policy_attachment.analyst_admin", "terraform/bad/main.tf#data.aws_iam_policy_document.kms_all", "cloudformation/bad.yaml#AnalystRole"}, []string{"/good", "good.json"}},
		"IAC-BKP-001":     {[]string{"terraform/bad/main.tf#aws_db_instance.cohort", "terraform/bad/main.tf#aws_dynamodb_table.consent", "terraform/bad/main.tf#aws_efs_file_system.scratch", "cloudformation/bad.yaml#Cohort", "cloudformation/bad.yaml#Consent"}, []string{"/good", "good.json"}},
		"IAC-AZ-001":      {[]string{"terraform/bad/main.tf#azurerm_storage_account.landing", "terraform/bad/main.tf#azurerm_key_vault.keys"}, []string{"/good"}},
		"IAC-K8S-001":     {[]string{"kubernetes/bad/workloads.yaml#Deployment/scratch/notebook"}, []string{"/good"}},
		"IAC-AZ-002":      {[]string{"terraform/azure-bad/main.tf#azurerm_storage_account.landing", "arm/bad/azuredeploy.json#Microsoft.Storage/storageAccounts/trustlandingarm"}, []string{"/good", "azure-good", "arm/good"}},
		"IAC-AZ-003":      {[]string{"terraform/azure-bad/main.tf#azurerm_network_security_group.jump", "terraform/azure-bad/main.tf#azurerm_network_security_rule.rdp_range", "terraform/azure-bad/main.tf#azurerm_network_security_rule.web", "arm/bad/azuredeploy.json#Microsoft.Network/networkSecurityGroups/jump", "arm/bad/azuredeploy.json#Microsoft.Network/networkSecurityGroups/securityRules/jump/all-from-ipv6"}, []string{"azure-good", "arm/good"}},
		"IAC-AZ-004":      {[]string{"terraform/azure-bad/main.tf#azurerm_key_vault.keys", "arm/bad/azuredeploy.json#Microsoft.KeyVault/vaults/trust-bad-keys-arm"}, []string{"/good", "azure-good", "arm/good"}},
		"IAC-AZ-005":      {[]string{"terraform/azure-bad/main.tf#azurerm_mssql_server.cohort", "arm/bad/azuredeploy.json#Microsoft.Sql/servers/trust-cohort-bad-arm"}, []string{"azure-good", "arm/good"}},
		"IAC-AZ-006":      {[]string{"terraform/azure-bad/main.tf#azurerm_virtual_desktop_host_pool.desktop", "arm/bad/azuredeploy.json#Microsoft.DesktopVirtualization/hostPools/sde-desktop-bad-arm"}, []string{"azure-good", "arm/good"}},
		"IAC-AZ-007":      {[]string{"terraform/azure-bad/main.tf#azurerm_kubernetes_cluster.analysis", "arm/bad/azuredeploy.json#Microsoft.ContainerService/managedClusters/sde-analysis-bad-arm"}, []string{"azure-good", "arm/good"}},
		"AWS-0090":        {[]string{"terraform/bad/main.tf#aws_s3_bucket.research_raw"}, nil},
		"KSV-0044":        {[]string{"kubernetes/bad/workloads.yaml"}, []string{"/good"}},
		"DS-0002":         {[]string{"docker/Dockerfile"}, nil},
	}
	for id, c := range cases {
		for _, want := range c.bad {
			found := false
			for _, r := range fails[id] {
				found = found || strings.Contains(r, want)
			}
			if !found {
				t.Errorf("%s: no failure on %s (failures: %v)", id, want, fails[id])
			}
		}
		for _, r := range fails[id] {
			for _, good := range c.good {
				if strings.Contains(r, good) {
					t.Errorf("%s fails on a good fixture: %s", id, r)
				}
			}
		}
	}
}

// TestIACMalformed: a file that does not parse is an error entry naming it, with
// no finding on it, and the rest of the tree is still scanned.
func TestIACMalformed(t *testing.T) {
	iacRepo(t)
	code, out, stderr := runIAC(t, "fixtures/iac/malformed", "--as-of", "2026-11-25", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, f := range []string{"fixtures/iac/malformed/broken.tf", "fixtures/iac/malformed/broken.yaml"} {
		if !strings.Contains(stderr, "error: "+f+": does not parse") {
			t.Errorf("stderr does not name %s: %s", f, stderr)
		}
	}
	var a iacAssessment
	if err := json.Unmarshal([]byte(out), &a); err != nil {
		t.Fatal(err)
	}
	if len(a.CollectorRuns) != 1 || a.CollectorRuns[0].Status != "partial" || len(a.CollectorRuns[0].Errors) != 2 {
		t.Errorf("want one partial run with two errors, got %+v", a.CollectorRuns)
	}
	okScanned := false
	for _, f := range a.Findings {
		if strings.Contains(f.ResourceID, "broken") {
			t.Errorf("finding on a malformed file: %+v", f)
		}
		if f.CheckID == "IAC-NET-002" && f.Status == "fail" && strings.Contains(f.ResourceID, "ok.tf") {
			okScanned = true
		}
	}
	if !okScanned {
		t.Error("the parsable file beside the malformed ones was not scanned")
	}
}

// TestIACGateBaselineWaivers: --fail-on fails on new findings only; a baseline of
// the same tree passes; a waiver covers a finding by ID alias and path pattern.
func TestIACGateBaselineWaivers(t *testing.T) {
	iacRepo(t)
	dir := t.TempDir()
	base := filepath.Join(dir, "base.json")
	code, _, stderr := runIAC(t, "fixtures/iac/terraform/bad", "--as-of", "2026-11-25", "--fail-on", "critical", "--report", "json="+base, "--format", "table")
	if code != ExitGateFailed || !strings.Contains(stderr, "gate failed") {
		t.Fatalf("want exit 1 (gate), got %d: %s", code, stderr)
	}
	if code, _, stderr := runIAC(t, "fixtures/iac/terraform/bad", "--as-of", "2026-11-25", "--fail-on", "low", "--baseline", base); code != 0 {
		t.Errorf("with the baseline of the same tree: exit %d: %s", code, stderr)
	}
	waivers := filepath.Join(dir, "waivers.yaml")
	os.WriteFile(waivers, []byte(`waivers:
  - check: AVD-AZU-0012
    resource: "iac:fixtures/iac/terraform/bad/*"
    reason: landing account is replaced in Q1
    approver: Jane Smith (SIRO)
    expires: "2027-01-31"
  - check: IAC-AZ-002
    resource: "iac:fixtures/iac/terraform/bad/main.tf#azurerm_storage_account.landing"
    reason: landing account is replaced in Q1
    approver: Jane Smith (SIRO)
    expires: "2027-01-31"
  - check: IAC-SECRET-001
    resource: "iac:fixtures/iac/terraform/bad/*"
    reason: fixture credentials, never deployed
    approver: Jane Smith (SIRO)
    expires: "2027-01-31"
`), 0o644)
	code, out, stderr := runIAC(t, "fixtures/iac/terraform/bad", "--as-of", "2026-11-25", "--fail-on", "critical", "--waivers", waivers)
	if code != 0 {
		t.Errorf("waived critical findings still fail the gate: exit %d: %s", code, stderr)
	}
	if !strings.Contains(out, "[waived:") {
		t.Errorf("table does not show the waiver:\n%s", out)
	}
	if code, _, stderr := runIAC(t, "fixtures/iac", "--format", "oscal"); code != ExitInput || !strings.Contains(stderr, "--format") {
		t.Errorf("unknown format: exit %d: %s", code, stderr)
	}
}

// TestIACSARIFValid validates the SARIF of the fixture tree with Microsoft's
// SARIF multitool and checks that results are located at file and line.
func TestIACSARIFValid(t *testing.T) {
	pkg := iacRepo(t)
	file := filepath.Join(t.TempDir(), "iac.sarif")
	if code, _, stderr := runIAC(t, "fixtures/iac", "--as-of", "2026-11-25", "--format", "sarif", "--output", file); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	validateSARIF(t, pkg, file)
	sarif, _ := os.ReadFile(file)
	if !bytes.Contains(sarif, []byte(`"uri": "fixtures/iac/terraform/bad/main.tf"`)) || !bytes.Contains(sarif, []byte(`"startLine"`)) {
		t.Error("SARIF results are not located at file and line")
	}
}

// validateSARIF runs Microsoft's SARIF validator (make tools) on a file and fails
// the test on any error or warning. pkg is this package's directory.
func validateSARIF(t *testing.T, pkg, file string) {
	t.Helper()
	bin := filepath.Join(pkg, "..", "..", "..", "..", "tools", "npm", "node_modules", ".bin", "sarif-multitool")
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("%s is missing: run `make tools` (%v)", bin, err)
	}
	log := filepath.Join(t.TempDir(), "validation.sarif")
	cmd := exec.Command(bin, "validate", file, "--level", `"Error;Warning"`, "--output", log)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("sarif-multitool validate %s: %v\n%s", file, err, b)
	}
	var v struct {
		Runs []struct {
			Results []struct {
				RuleID  string         `json:"ruleId"`
				Level   string         `json:"level"`
				Message map[string]any `json:"message"`
			} `json:"results"`
		} `json:"runs"`
	}
	data, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	for _, r := range v.Runs[0].Results {
		t.Errorf("sarif-multitool %s: %s %s: %v", file, r.Level, r.RuleID, r.Message)
	}
}

// TestIACHelmRender: a chart that cannot render without values is a not_assessed
// entry naming it (Trivy skips it silently); with --helm-values it renders, and
// sdescan's Kubernetes checks judge its objects as they judge plain manifests.
func TestIACHelmRender(t *testing.T) {
	dir := t.TempDir()
	chart := filepath.Join(dir, "chart")
	files := map[string]string{
		"Chart.yaml":  "apiVersion: v2\nname: needs-values\nversion: 0.1.0\n",
		"values.yaml": "image: {}\n",
		"templates/deploy.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-app
  namespace: analysis
spec:
  template:
    spec:
      containers:
        - name: app
          image: {{ required "image.repository is required" .Values.image.repository }}
`,
		"templates/role.yaml": `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: everything
  namespace: analysis
rules:
  - apiGroups: ["*"]
    resources: ["*"]
    verbs: ["*"]
`,
	}
	for name, body := range files {
		p := filepath.Join(chart, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	values := filepath.Join(dir, "values-prod.yaml")
	if err := os.WriteFile(values, []byte("image:\n  repository: registry.example.nhs.uk/app\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := runIAC(t, dir, "--format", "json", "--as-of", "2026-11-25")
	if code != 0 || !strings.Contains(stderr, "not_assessed: "+filepath.ToSlash(filepath.Join(dir, "chart", "Chart.yaml"))+": Helm chart does not render offline") ||
		!strings.Contains(stderr, "image.repository is required") {
		t.Fatalf("a chart that needs values: exit %d, stderr %q", code, stderr)
	}
	var a iacAssessment
	if err := json.Unmarshal([]byte(out), &a); err != nil {
		t.Fatal(err)
	}
	for _, f := range a.Findings {
		if f.Status == "pass" && strings.Contains(f.ResourceID, "/templates/") {
			t.Errorf("%s passes on %s though the chart did not render", f.CheckID, f.ResourceID)
		}
	}
	code, out, stderr = runIAC(t, dir, "--format", "json", "--as-of", "2026-11-25", "--helm-values", values)
	if code != 0 || strings.Contains(stderr, "not_assessed") {
		t.Fatalf("with --helm-values: exit %d, stderr %q", code, stderr)
	}
	if err := json.Unmarshal([]byte(out), &a); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, f := range a.Findings {
		if strings.HasPrefix(f.CheckID, "IAC-K8S") && got[f.CheckID] != "fail" {
			got[f.CheckID] = f.Status
		}
	}
	if got["IAC-K8S-001"] != "fail" || got["IAC-K8S-002"] != "fail" {
		t.Errorf("rendered chart: %v, want IAC-K8S-001 (no NetworkPolicy in analysis) and IAC-K8S-002 (wildcard Role) failing", got)
	}
}

// writeIACTree writes files (slash paths) under dir.
func writeIACTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestIACBounds: what is beyond a bound (a ~1 KB billion-laughs manifest, a
// count of a hundred million) is listed as not assessed and fails the gate
// under --fail-on, never passes as clean; without --fail-on the run exits 0.
// A local module outside the scanned folder is followed and judged.
func TestIACBounds(t *testing.T) {
	laughs := "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: lol\ndata:\n  a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
	prev := "a"
	for _, name := range []string{"b", "c", "d", "e", "f", "g", "h", "i"} {
		laughs += "  " + name + ": &" + name + " [" + strings.Repeat("*"+prev+",", 8) + "*" + prev + "]\n"
		prev = name
	}
	dir := t.TempDir()
	writeIACTree(t, dir, map[string]string{
		"yaml/k8s/lol.yaml":      laughs,
		"yaml/k8s/fine.yaml":     "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fine\n",
		"count/main.tf":          "resource \"aws_s3_bucket\" \"many\" {\n  count  = 100000000\n  bucket = \"b-${count.index}\"\n}\n",
		"repo/envs/prod/main.tf": "module \"bucket\" {\n  source = \"../../modules/bucket\"\n}\n",
		"repo/modules/bucket/main.tf": `resource "aws_s3_bucket" "this" {
  bucket = "research-raw"
}

resource "aws_s3_bucket_public_access_block" "this" {
  bucket              = aws_s3_bucket.this.id
  block_public_acls   = false
  block_public_policy = false
}
`,
	})
	for _, tc := range []struct {
		tree, stderr string
	}{
		{"yaml", "not_assessed: " + filepath.ToSlash(filepath.Join(dir, "yaml", "k8s", "lol.yaml")) + ": line "},
		{"count", `resource "aws_s3_bucket" "many": count expands to 100000000 instances`},
	} {
		start := time.Now()
		code, out, stderr := runIAC(t, filepath.Join(dir, tc.tree), "--fail-on", "critical", "--as-of", "2026-11-25")
		if code != ExitGateFailed || !strings.Contains(stderr, tc.stderr) || !strings.Contains(stderr, "gate failed: 1 file(s) or part(s) beyond sdescan's bounds") {
			t.Errorf("%s under --fail-on: exit %d, stderr %q", tc.tree, code, stderr)
		}
		if !strings.Contains(out, "1 not assessed") {
			t.Errorf("%s: the table does not count it as not assessed:\n%s", tc.tree, out)
		}
		if d := time.Since(start); d > time.Minute {
			t.Errorf("%s: took %s", tc.tree, d)
		}
		if code, _, stderr := runIAC(t, filepath.Join(dir, tc.tree), "--as-of", "2026-11-25"); code != 0 || !strings.Contains(stderr, tc.stderr) {
			t.Errorf("%s without --fail-on: exit %d, stderr %q", tc.tree, code, stderr)
		}
	}
	code, out, stderr := runIAC(t, filepath.Join(dir, "repo", "envs"), "--fail-on", "high", "--format", "json", "--as-of", "2026-11-25")
	if code != ExitGateFailed || strings.Contains(stderr, "not_assessed") {
		t.Fatalf("outside module: exit %d, stderr %q", code, stderr)
	}
	var a iacAssessment
	if err := json.Unmarshal([]byte(out), &a); err != nil {
		t.Fatal(err)
	}
	module := filepath.ToSlash(filepath.Join(dir, "repo", "modules", "bucket", "main.tf"))
	found := false
	for _, f := range a.Findings {
		found = found || f.Status == "fail" && strings.HasPrefix(f.ResourceID, "iac:"+module)
	}
	if !found {
		t.Errorf("no failing finding on %s: %+v", module, a.Findings)
	}
}
