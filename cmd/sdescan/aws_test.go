package main

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/checks/engine"
	"github.com/sdescan/sdescan/collectors"
	"github.com/sdescan/sdescan/collectors/aws"
	"github.com/sdescan/sdescan/collectors/aws/mototest"
)

// Canary credentials: moto accepts any; they must never reach an output.
const (
	canaryKeyID  = "AKIASDESCANCANARY123"
	canarySecret = "sdescanCanarySecretDoNotPrint0123456789"
)

func awsEnv(t *testing.T, moto *mototest.Server) []string {
	home := t.TempDir()
	return []string{
		"AWS_ENDPOINT_URL=" + moto.URL,
		"AWS_ACCESS_KEY_ID=" + canaryKeyID,
		"AWS_SECRET_ACCESS_KEY=" + canarySecret,
		"AWS_SESSION_TOKEN=",
		"AWS_REGION=eu-west-2",
		"AWS_PROFILE=",
		"AWS_CONFIG_FILE=" + filepath.Join(home, "config"),
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(home, "credentials"),
		"AWS_EC2_METADATA_DISABLED=true",
		"HOME=" + home,
	}
}

// TestScanAWSAgainstMoto runs `sdescan scan --aws` on the built binary against
// seeded buckets in moto: each seeded misconfiguration is reported with the right
// check and resource, the compliant bucket has no finding, what the collector does
// not read yet is not assessed (never met), and no credential reaches an output.
func TestScanAWSAgainstMoto(t *testing.T) {
	moto := mototest.Start(t)
	moto.SeedS3(t)
	_, badSG := moto.SeedEC2(t)
	dir := t.TempDir()
	env := awsEnv(t, moto)
	r := runEnv(t, dir, env, "scan", "--aws", "--region", "eu-west-2", "--format", "json", "--save-facts", "facts.json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var a struct {
		Findings []struct {
			CheckID    string `json:"check_id"`
			ResourceID string `json:"resource_id"`
			Status     string `json:"status"`
		} `json:"findings"`
		Checks []struct {
			ID     string `json:"id"`
			Status string `json:"status"`
		} `json:"checks"`
		Frameworks []struct {
			ID           string `json:"id"`
			Requirements []struct {
				ID     string `json:"id"`
				Status string `json:"status"`
			} `json:"requirements"`
		} `json:"frameworks"`
		CollectorRuns []struct {
			Status string `json:"status"`
			Scope  string `json:"scope"`
			Errors []any  `json:"errors"`
		} `json:"collector_runs"`
	}
	// stdout holds only the result (it parses as JSON); progress went to stderr,
	// as plain lines since stderr is not a terminal here.
	if err := json.Unmarshal([]byte(r.stdout), &a); err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{"sdescan: aws 123456789012 global: ", "sdescan: aws 123456789012 eu-west-2: "} {
		if !strings.Contains(r.stderr, line) {
			t.Errorf("stderr lacks the progress line %q:\n%s", line, r.stderr)
		}
	}
	if len(a.CollectorRuns) != 1 || a.CollectorRuns[0].Status != "ok" || a.CollectorRuns[0].Scope != "123456789012" {
		t.Fatalf("collector runs %+v", a.CollectorRuns)
	}
	status := map[string]string{}
	for _, f := range a.Findings {
		status[f.CheckID+" "+f.ResourceID] = f.Status
	}
	for _, id := range []string{"AWS-S3-001", "AWS-S3-002", "AWS-S3-003", "AWS-S3-004", "AWS-S3-005", "AWS-S3-006"} {
		if s := status[id+" "+mototest.GoodBucketID]; s != "pass" {
			t.Errorf("%s on the compliant bucket: %q, want pass", id, s)
		}
		if s := status[id+" "+mototest.BadBucketID]; s != "fail" {
			t.Errorf("%s on the misconfigured bucket: %q, want fail", id, s)
		}
	}
	if s := status["AWS-EC2-001 "+badSG]; s != "fail" {
		t.Errorf("AWS-EC2-001 on the group open to SSH: %q, want fail", s)
	}
	// Checks over resource types the collector does not read yet are not
	// assessed; so are checks of other sources only. A check judging AWS and
	// another source (the backup checks: Azure stores too) is judged over AWS,
	// the only source this scan read.
	covered := map[string]bool{}
	for _, typ := range aws.Covers() {
		covered[typ] = true
	}
	eng, err := engine.New(collectors.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	collected := map[string]bool{}
	for _, c := range eng.Checks() {
		all, some := true, false
		for _, typ := range c.ResourceTypes {
			if strings.HasPrefix(typ, "aws.") {
				some = true
				all = all && covered[typ]
			}
		}
		collected[c.ID] = some && all
	}
	for _, c := range a.Checks {
		if !collected[c.ID] && c.Status != "not_assessed" {
			t.Errorf("check %s is %s, but the collector does not read its resources yet: want not_assessed", c.ID, c.Status)
		}
	}
	for _, fw := range a.Frameworks {
		for _, q := range fw.Requirements {
			if q.Status == "met" {
				t.Errorf("%s %s is met from a scan that read only S3 and has no attestations", fw.ID, q.ID)
			}
		}
	}
	saved, err := os.ReadFile(filepath.Join(dir, "facts.json"))
	if err != nil {
		t.Fatal(err)
	}
	for name, out := range map[string]string{"stdout": r.stdout, "stderr": r.stderr, "facts.json": string(saved)} {
		if strings.Contains(out, canarySecret) || strings.Contains(out, canaryKeyID) {
			t.Errorf("%s contains the canary credentials", name)
		}
	}
	// The raw responses are kept beside the saved facts, each cited reference
	// resolves to its file and digest, and no kept byte holds the credentials.
	assertEvidence(t, dir, saved)
	// A pack of an AWS scan holds the raw evidence every resource and run cites,
	// verifies, and holds no credential.
	if p := runEnv(t, dir, env, "scan", "--aws", "--region", "eu-west-2", "--pack", "aws-pack.zip"); p.code != 0 {
		t.Fatalf("scan --pack: exit %d: %s", p.code, p.stderr)
	}
	if v := run(t, dir, "verify", "aws-pack.zip"); v.code != 0 {
		t.Errorf("verify of the AWS pack: exit %d: %s%s", v.code, v.stdout, v.stderr)
	}
	assertPackEvidence(t, filepath.Join(dir, "aws-pack.zip"))
	// The saved facts evaluate to the same result.
	again := run(t, dir, "evaluate", "facts.json", "--format", "json")
	if again.code != 0 || again.stdout != r.stdout {
		t.Errorf("evaluate of the saved facts differs from the scan (exit %d): %s", again.code, again.stderr)
	}
	if g := runEnv(t, dir, env, "scan", "--aws", "--region", "eu-west-2", "--fail-on", "high"); g.code != 1 {
		t.Errorf("--fail-on high: exit %d, want 1", g.code)
	}
	// collect writes facts only; evaluating them gives the scan's findings.
	if c := runEnv(t, dir, env, "collect", "--aws", "--region", "eu-west-2", "-o", "shard.json"); c.code != 0 || c.stdout != "" {
		t.Fatalf("collect: exit %d, stdout %q: %s", c.code, c.stdout, c.stderr)
	}
	if e := run(t, dir, "evaluate", "shard.json", "--format", "json"); e.code != 0 || !strings.Contains(e.stdout, mototest.BadBucketID) {
		t.Errorf("evaluate of the collected shard: exit %d: %s", e.code, e.stderr)
	}
	if c := runEnv(t, dir, env, "collect", "--aws"); c.code != 2 || !strings.Contains(c.stderr, "-o") {
		t.Errorf("collect without -o: exit %d %q, want 2", c.code, c.stderr)
	}
}

// assertEvidence checks the evidence a facts file in dir cites, and greps every
// file under dir for the canary credentials.
func assertEvidence(t *testing.T, dir string, factsJSON []byte) {
	t.Helper()
	facts, err := checks.DecodeFactsBytes(factsJSON, "facts.json")
	if err != nil {
		t.Fatal(err)
	}
	refs := 0
	for _, r := range facts.Resources {
		if len(r.Evidence) == 0 {
			t.Errorf("%s cites no evidence", r.ID)
		}
		for _, ref := range r.Evidence {
			refs++
			data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(ref.Path)))
			if err != nil {
				t.Fatalf("%s cites %s: %v", r.ID, ref.Path, err)
			}
			if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != ref.SHA256 {
				t.Errorf("%s: %s does not match its sha256", r.ID, ref.Path)
			}
		}
	}
	if refs == 0 {
		t.Fatal("the facts cite no evidence")
	}
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if bytes.Contains(data, []byte(canarySecret)) || bytes.Contains(data, []byte(canaryKeyID)) {
			t.Errorf("%s contains the canary credentials", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// assertPackEvidence checks that a pack holds evidence files and no canary.
func assertPackEvidence(t *testing.T, pack string) {
	t.Helper()
	zr, err := zip.OpenReader(pack)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	evidence := 0
	for _, f := range zr.File {
		if strings.HasPrefix(f.Name, "evidence/aws/") {
			evidence++
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(data, []byte(canarySecret)) || bytes.Contains(data, []byte(canaryKeyID)) {
			t.Errorf("pack entry %s contains the canary credentials", f.Name)
		}
	}
	if evidence < 20 {
		t.Errorf("the pack holds %d raw AWS responses, want every one the facts cite", evidence)
	}
}
