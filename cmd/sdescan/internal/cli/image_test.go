package cli

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/collectors/trivy"
	"github.com/sdescan/sdescan/fixtures/imagefixture"
)

func runImage(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(context.Background(), append([]string{"image"}, args...), &out, &errb)
	return code, out.String(), errb.String()
}

func withBase(name, digest string) imagefixture.Image {
	img := imagefixture.Alpine("3.22.2")
	img.Annotations = map[string]string{"org.opencontainers.image.base.name": name}
	if digest != "" {
		img.Annotations["org.opencontainers.image.base.digest"] = digest
	}
	return img
}

// imageFixtures writes the test images and a one-advisory vulnerability
// database into a temporary directory.
func imageFixtures(t *testing.T) map[string]string {
	t.Helper()
	dir := t.TempDir()
	p := map[string]string{
		"current":   filepath.Join(dir, "current.tar"),
		"eol":       filepath.Join(dir, "eol.tar"),
		"a321":      filepath.Join(dir, "alpine321.tar"),
		"secret":    filepath.Join(dir, "secret.tar"),
		"oci":       filepath.Join(dir, "oci"),
		"ociBase":   filepath.Join(dir, "oci-base"),
		"ociTar":    filepath.Join(dir, "oci.tar"),
		"rootfs":    filepath.Join(dir, "rootfs"),
		"db":        filepath.Join(dir, "trivy-cache"),
		"agelessDB": filepath.Join(dir, "ageless-db"),
		"emptyDB":   filepath.Join(dir, "empty-db"),
		"plain":     filepath.Join(dir, "notimage.tar"),
		"random":    filepath.Join(dir, "random.bin"),
	}
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	_ = tw.WriteHeader(&tar.Header{Name: "readme.txt", Mode: 0o644, Size: 2, Typeflag: tar.TypeReg})
	_, _ = io.WriteString(tw, "hi")
	_ = tw.Close()
	for _, err := range []error{
		imagefixture.Alpine("3.22.2").WriteDockerArchive(p["current"]),
		imagefixture.Alpine("3.9.6").WriteDockerArchive(p["eol"]),
		imagefixture.Alpine("3.21.3").WriteDockerArchive(p["a321"]),
		imagefixture.RootWithKey().WriteDockerArchive(p["secret"]),
		imagefixture.Alpine("3.22.2").WriteOCILayout(p["oci"]),
		withBase("docker.io/library/alpine:latest", "").WriteOCILayout(p["ociBase"]),
		withBase("docker.io/library/alpine", "sha256:4bcff63911fcb4448bd4fdacec207030997caf25e9bea4045fa6c8c44de311d1").WriteOCIArchive(p["ociTar"]),
		imagefixture.Alpine("3.22.2").WriteRootFS(p["rootfs"]),
		imagefixture.WriteDB(filepath.Join(p["db"], "db"), []imagefixture.Vuln{{Platform: "alpine 3.22", Package: "musl", ID: "CVE-2026-10001", FixedVersion: "1.2.5-r11", Severity: "CRITICAL"}}),
		imagefixture.WriteDBAt(p["agelessDB"], time.Time{}, nil),
		imagefixture.WriteDB(p["emptyDB"], nil),
		os.WriteFile(p["plain"], b.Bytes(), 0o644),
		os.WriteFile(p["random"], []byte("\x00\x01 not an image at all \xff"), 0o644),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	return p
}

type imageAssessment struct {
	Checks []struct {
		ID      string   `json:"id"`
		Status  string   `json:"status"`
		Reasons []string `json:"reasons"`
	} `json:"checks"`
	Findings []struct {
		CheckID    string   `json:"check_id"`
		ResourceID string   `json:"resource_id"`
		Status     string   `json:"status"`
		Messages   []string `json:"messages"`
	} `json:"findings"`
}

// statuses maps check ID to the status of its finding on the image.
func statuses(t *testing.T, out string) (map[string]string, map[string]string) {
	t.Helper()
	var a imageAssessment
	if err := json.Unmarshal([]byte(out), &a); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	st, msg := map[string]string{}, map[string]string{}
	for _, f := range a.Findings {
		st[f.CheckID] = f.Status
		msg[f.CheckID] = strings.Join(f.Messages, "; ")
	}
	for _, c := range a.Checks {
		if _, ok := st[c.ID]; !ok {
			st[c.ID] = "check:" + c.Status
			msg[c.ID] = strings.Join(c.Reasons, "; ")
		}
	}
	return st, msg
}

// TestImageChecks: each IMG check passes, fails or is not assessed as the image
// and the flags say.
func TestImageChecks(t *testing.T) {
	p := imageFixtures(t)
	cases := []struct {
		name string
		args []string
		code int
		want map[string]string
	}{
		{"current alpine, no db", []string{p["current"]}, 0,
			map[string]string{"IMG-001": "pass", "IMG-002": "error", "IMG-003": "pass", "IMG-004": "pass", "IMG-005": "pass"}},
		{"current alpine, db", []string{p["current"], "--db", p["db"]}, 0,
			map[string]string{"IMG-001": "pass", "IMG-002": "fail", "IMG-003": "pass", "IMG-004": "pass", "IMG-005": "pass"}},
		{"current alpine, db, gate", []string{p["current"], "--db", p["db"], "--fail-on", "high"}, 1,
			map[string]string{"IMG-002": "fail"}},
		{"db older than image.max_db_age_days: what it finds still fails", []string{p["current"], "--db", p["db"], "--as-of", "2026-12-20"}, 0,
			map[string]string{"IMG-002": "fail"}},
		{"db of unknown age finding nothing: not assessed", []string{p["current"], "--db", p["agelessDB"]}, 0,
			map[string]string{"IMG-002": "error"}},
		{"end-of-life alpine", []string{p["eol"], "--fail-on", "high"}, 1,
			map[string]string{"IMG-001": "fail", "IMG-003": "pass"}},
		{"alpine 3.21 before its end-of-life", []string{p["a321"]}, 0,
			map[string]string{"IMG-001": "pass"}},
		{"alpine 3.21 after its end-of-life (--as-of drives it)", []string{p["a321"], "--as-of", "2026-12-10"}, 0,
			map[string]string{"IMG-001": "fail"}},
		{"root with a secret", []string{p["secret"]}, 0,
			map[string]string{"IMG-001": "pass", "IMG-003": "fail", "IMG-004": "fail", "IMG-005": "fail"}},
		{"oci layout", []string{p["oci"]}, 0,
			map[string]string{"IMG-001": "pass", "IMG-003": "pass", "IMG-004": "pass", "IMG-005": "error"}},
		{"oci layout, base annotation latest", []string{p["ociBase"]}, 0,
			map[string]string{"IMG-005": "fail"}},
		{"oci archive, base annotation with digest", []string{p["ociTar"]}, 0,
			map[string]string{"IMG-001": "pass", "IMG-005": "pass"}},
		{"root file system", []string{p["rootfs"]}, 0,
			map[string]string{"IMG-001": "pass", "IMG-003": "error", "IMG-004": "pass", "IMG-005": "error"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			args := append([]string{"--format", "json", "--as-of", "2026-11-25"}, c.args...)
			code, out, errb := runImage(t, args...)
			if code != c.code {
				t.Fatalf("exit %d, want %d; stderr %s", code, c.code, errb)
			}
			st, msg := statuses(t, out)
			for id, want := range c.want {
				if st[id] != want {
					t.Errorf("%s = %s (%s), want %s", id, st[id], msg[id], want)
				}
			}
			reason := trivy.NoDBReason
			if slices.Contains(c.args, p["agelessDB"]) {
				reason = "age is unknown"
			}
			if c.want["IMG-002"] == "error" && !strings.Contains(msg["IMG-002"], reason) {
				t.Errorf("IMG-002 reason %q does not say %q", msg["IMG-002"], reason)
			}
			if c.want["IMG-002"] == "fail" && !strings.Contains(msg["IMG-002"], "CVE-2026-10001") {
				t.Errorf("IMG-002 message %q", msg["IMG-002"])
			}
		})
	}
}

// TestImageSecretNotInOutput: the planted key appears in no report format, in
// the facts, or in the SBOM kept as evidence; the finding names rule and path.
func TestImageSecretNotInOutput(t *testing.T) {
	p := imageFixtures(t)
	out := t.TempDir()
	facts := filepath.Join(out, "facts.json")
	args := []string{p["secret"], "--as-of", "2026-11-25", "--save-facts", facts, "--format", "json"}
	for _, f := range []string{"sarif", "junit", "md", "table"} {
		args = append(args, "--report", f+"="+filepath.Join(out, "report."+f))
	}
	code, stdout, errb := runImage(t, args...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb)
	}
	// The image SARIF passes Microsoft's validator, as the IaC one does.
	pkg, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	validateSARIF(t, pkg, filepath.Join(out, "report.sarif"))
	_, msg := statuses(t, stdout)
	if !strings.Contains(msg["IMG-004"], "/app/config line 2: secret found by rule aws-access-key-id") {
		t.Errorf("IMG-004 message %q", msg["IMG-004"])
	}
	files := map[string][]byte{"stdout": []byte(stdout), "stderr": []byte(errb)}
	err = filepath.WalkDir(out, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		files[path] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	sboms := 0
	for name, b := range files {
		if strings.HasSuffix(name, ".cdx.json") {
			sboms++
		}
		for _, s := range []string{imagefixture.FakeKeyID, imagefixture.FakeSecret, imagefixture.FakeKeyID[4:], imagefixture.FakeSecret[8:24]} {
			if bytes.Contains(b, []byte(s)) {
				t.Errorf("%s holds the planted secret %q", name, s)
			}
		}
	}
	if sboms != 1 {
		t.Errorf("%d SBOMs kept, want 1", sboms)
	}
	// The facts cite the SBOM by its hash.
	f, err := checks.ReadFactsFile(facts)
	if err != nil {
		t.Fatal(err)
	}
	ev := f.Resources[0].Evidence
	if len(ev) != 1 || !strings.HasPrefix(ev[0].Path, "evidence/image/") {
		t.Fatalf("evidence %+v", ev)
	}
	if _, err := os.Stat(filepath.Join(out, filepath.FromSlash(ev[0].Path))); err != nil {
		t.Error(err)
	}
}

// TestImageSBOMDir: --sbom-dir keeps the SBOM there, and beside --save-facts too;
// the SBOM is the same bytes on every run.
func TestImageSBOMDir(t *testing.T) {
	p := imageFixtures(t)
	var first []byte
	for i := 0; i < 2; i++ {
		sbomDir, factsDir := t.TempDir(), t.TempDir()
		code, _, errb := runImage(t, p["current"], "--as-of", "2026-11-25", "--sbom-dir", sbomDir, "--save-facts", filepath.Join(factsDir, "facts.json"), "-o", os.DevNull)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errb)
		}
		var got [][]byte
		for _, d := range []string{sbomDir, factsDir} {
			m, _ := filepath.Glob(filepath.Join(d, "evidence", "image", "*.cdx.json"))
			if len(m) != 1 {
				t.Fatalf("%s: %v", d, m)
			}
			b, err := os.ReadFile(m[0])
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, b)
		}
		if !bytes.Equal(got[0], got[1]) || !json.Valid(got[0]) || !bytes.Contains(got[0], []byte(`"timestamp": "2026-11-25T00:00:00Z"`)) {
			t.Errorf("SBOMs differ or are not CycloneDX JSON stamped at --as-of")
		}
		if first == nil {
			first = got[0]
		} else if !bytes.Equal(first, got[0]) {
			t.Error("SBOM differs between runs")
		}
	}
}

// TestImageBadInput: a file that is not an image is one clear line on stderr and
// exit 2.
func TestImageBadInput(t *testing.T) {
	p := imageFixtures(t)
	cases := []struct {
		args []string
		want string
	}{
		{[]string{p["plain"]}, "sdescan: " + p["plain"] + ": not a container image (no manifest.json or index.json)\n"},
		{[]string{p["random"]}, "sdescan: " + p["random"] + ": not a container image (not a tar archive)\n"},
		{[]string{p["current"], "--db", t.TempDir()}, ""},
		{[]string{p["current"], "--format", "xml"}, ""},
		{[]string{}, ""},
	}
	for _, c := range cases {
		code, out, errb := runImage(t, c.args...)
		if code != ExitInput || out != "" {
			t.Errorf("%v: exit %d, stdout %q", c.args, code, out)
		}
		if strings.Count(errb, "\n") != 1 || !strings.HasPrefix(errb, "sdescan: ") {
			t.Errorf("%v: stderr %q, want one line", c.args, errb)
		}
		if c.want != "" && errb != c.want {
			t.Errorf("%v: stderr %q, want %q", c.args, errb, c.want)
		}
	}
}

// TestImageCollectorError: an image whose layers cannot be read gives no pass:
// every IMG check is not assessed, with the reason.
func TestImageCollectorError(t *testing.T) {
	p := imageFixtures(t)
	bad := filepath.Join(t.TempDir(), "corrupt.tar")
	if err := imagefixture.CorruptLayers(p["current"], bad); err != nil {
		t.Fatal(err)
	}
	code, out, errb := runImage(t, bad, "--format", "json", "--as-of", "2026-11-25")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb)
	}
	if !strings.Contains(errb, "not assessed: "+bad) {
		t.Errorf("stderr %q", errb)
	}
	st, msg := statuses(t, out)
	for _, id := range []string{"IMG-001", "IMG-002", "IMG-003", "IMG-004", "IMG-005"} {
		if st[id] != "check:not_assessed" || !strings.Contains(msg[id], "image analysis failed") {
			t.Errorf("%s = %s (%s), want not assessed", id, st[id], msg[id])
		}
	}
}

// TestImageDeterministic: two runs give the same JSON and SARIF bytes.
func TestImageDeterministic(t *testing.T) {
	p := imageFixtures(t)
	for _, format := range []string{"json", "sarif"} {
		_, a, _ := runImage(t, p["secret"], p["current"], "--format", format, "--as-of", "2026-11-25")
		_, b, _ := runImage(t, p["secret"], p["current"], "--format", format, "--as-of", "2026-11-25")
		if a != b || a == "" {
			t.Errorf("%s: two runs differ", format)
		}
	}
}

// TestScanImages: scan assesses images named by --image or images in sdescan.yaml
// with the estate; the SBOM is cited evidence inside the pack, verify re-derives
// the findings, the planted key is in no byte of the pack, and a bad database is
// exit 2 before anything is collected.
func TestScanImages(t *testing.T) {
	p := imageFixtures(t)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "sdescan.yaml")
	rel, err := filepath.Rel(dir, p["secret"])
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cfg, []byte("images: ["+rel+"]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"flag", []string{"--image", p["secret"], "--image", p["current"], "--db", p["db"]}},
		{"config", []string{"--config", cfg}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pack := filepath.Join(t.TempDir(), "pack.zip")
			var out, errb bytes.Buffer
			args := append([]string{"scan", "--demo", "--format", "json", "--pack", pack}, tc.args...)
			if code := Main(context.Background(), args, &out, &errb); code != 0 {
				t.Fatalf("exit %d: %s", code, errb.String())
			}
			var a imageAssessment
			if err := json.Unmarshal(out.Bytes(), &a); err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			for _, f := range a.Findings {
				if strings.HasPrefix(f.CheckID, "IMG-") && strings.HasSuffix(f.ResourceID, filepath.Base(p["secret"])) {
					got[f.CheckID] = f.Status
				}
			}
			if got["IMG-003"] != "fail" || got["IMG-004"] != "fail" {
				t.Errorf("the root image with a key: %v, want IMG-003 and IMG-004 failing", got)
			}
			data, err := os.ReadFile(pack)
			if err != nil {
				t.Fatal(err)
			}
			zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
			if err != nil {
				t.Fatal(err)
			}
			sbom := false
			for _, f := range zr.File {
				if strings.HasPrefix(f.Name, "evidence/image/") && strings.HasSuffix(f.Name, ".cdx.json") {
					sbom = true
				}
				rc, _ := f.Open()
				b, _ := io.ReadAll(rc)
				rc.Close()
				if bytes.Contains(b, []byte(imagefixture.FakeKeyID)) {
					t.Errorf("%s in the pack holds the planted key", f.Name)
				}
			}
			if !sbom {
				t.Error("no SBOM under evidence/image/ in the pack")
			}
			var vout, verr bytes.Buffer
			if code := Main(context.Background(), []string{"verify", pack}, &vout, &verr); code != 0 {
				t.Fatalf("verify: exit %d: %s%s", code, vout.String(), verr.String())
			}
		})
	}
	var out, errb bytes.Buffer
	if code := Main(context.Background(), []string{"scan", "--demo", "--image", p["current"], "--db", p["random"]}, &out, &errb); code != 2 {
		t.Errorf("a database that is not one: exit %d, want 2: %s", code, errb.String())
	}
}

// TestImageGateWaiversBaseline: the image gate takes scan's waiver file (by ID and
// image:REF pattern) and a baseline of an earlier JSON run, as iac's does.
func TestImageGateWaiversBaseline(t *testing.T) {
	p := imageFixtures(t)
	dir := t.TempDir()
	args := []string{p["secret"], "--as-of", "2026-11-25", "--fail-on", "medium"}
	if code, _, errb := runImage(t, args...); code != 1 || !strings.Contains(errb, "gate failed") {
		t.Fatalf("root image with a key: exit %d, want 1: %s", code, errb)
	}
	waivers := filepath.Join(dir, "waivers.yaml")
	if err := os.WriteFile(waivers, []byte(`waivers:
  - id: W-IMG
    check: IMG-003
    resource: "image:*secret.tar"
    reason: The build image runs as root until the next base image release.
    approver: Test Approver
    approved_on: "2026-11-01"
    expires: "2027-01-31"
`), 0o644); err != nil {
		t.Fatal(err)
	}
	_, out, _ := runImage(t, append(args, "--waivers", waivers, "--format", "json")...)
	st, _ := statuses(t, out)
	if st["IMG-003"] != "fail" {
		t.Fatalf("IMG-003: %q", st["IMG-003"])
	}
	var a struct {
		Findings []struct {
			CheckID string          `json:"check_id"`
			Waiver  json.RawMessage `json:"waiver"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &a); err != nil {
		t.Fatal(err)
	}
	for _, f := range a.Findings {
		if f.CheckID == "IMG-003" && string(f.Waiver) == "null" {
			t.Error("IMG-003 is not waived by W-IMG")
		}
	}
	// IMG-004 (critical) still fails the gate; with the run as baseline nothing is new.
	if code, _, errb := runImage(t, append(args, "--waivers", waivers)...); code != 1 || !strings.Contains(errb, "1 unwaived finding(s)") {
		t.Errorf("with the waiver: exit %d, stderr %q; want IMG-004 alone to fail the gate", code, errb)
	}
	base := filepath.Join(dir, "base.json")
	if err := os.WriteFile(base, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, errb := runImage(t, append(args, "--waivers", waivers, "--baseline", base)...); code != 0 {
		t.Errorf("against its own baseline: exit %d, want 0: %s", code, errb)
	}
	if code, _, errb := runImage(t, append(args, "--waivers", filepath.Join(dir, "missing.yaml"))...); code != 2 {
		t.Errorf("a missing waiver file: exit %d, want 2: %s", code, errb)
	}
}
