package trivy

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/fixtures/imagefixture"
)

var asOf = time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)

func scan(t *testing.T, ref string, o ImageOptions) *ImageResult {
	t.Helper()
	if o.AsOf.IsZero() {
		o.AsOf = asOf
	}
	r, err := ScanImage(context.Background(), ref, o)
	if err != nil {
		t.Fatalf("ScanImage(%s): %v", ref, err)
	}
	if r.Failure != "" {
		t.Fatalf("ScanImage(%s): failure %s", ref, r.Failure)
	}
	return r
}

func writeDocker(t *testing.T, img imagefixture.Image) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "image.tar")
	if err := img.WriteDockerArchive(p); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestScanImageFacts(t *testing.T) {
	cases := []struct {
		name           string
		img            imagefixture.Image
		wantOS         string
		wantEOL        bool
		wantUser       string
		wantSecretRule string
	}{
		{name: "current alpine", img: imagefixture.Alpine("3.22.2"), wantOS: "alpine 3.22.2", wantUser: "10001"},
		{name: "end-of-life alpine", img: imagefixture.Alpine("3.9.6"), wantOS: "alpine 3.9.6", wantEOL: true, wantUser: "10001"},
		{name: "root with secret", img: imagefixture.RootWithKey(), wantOS: "alpine 3.22.2", wantUser: "", wantSecretRule: "aws-access-key-id"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := scan(t, writeDocker(t, c.img), ImageOptions{})
			if got := r.OSFamily + " " + r.OSVersion; got != c.wantOS {
				t.Errorf("OS = %q, want %q", got, c.wantOS)
			}
			if !r.EOLKnown || r.EOL != c.wantEOL {
				t.Errorf("EOL known=%v eol=%v, want known, eol=%v", r.EOLKnown, r.EOL, c.wantEOL)
			}
			if !r.UserKnown || r.User != c.wantUser {
				t.Errorf("user known=%v %q, want %q", r.UserKnown, r.User, c.wantUser)
			}
			want := []ImagePackage{{"busybox", "1.37.0-r18", "alpine"}, {"musl", "1.2.5-r10", "alpine"}}
			if !reflect.DeepEqual(r.Packages, want) {
				t.Errorf("packages = %+v", r.Packages)
			}
			if !reflect.DeepEqual(r.ExposedPorts, []string{"8080/tcp"}) {
				t.Errorf("ports = %v", r.ExposedPorts)
			}
			if r.VulnsScanned || r.VulnsReason != NoDBReason {
				t.Errorf("vulns scanned=%v reason=%q", r.VulnsScanned, r.VulnsReason)
			}
			if !strings.HasPrefix(r.ImageID, "sha256:") || r.Kind != ImageDockerArchive {
				t.Errorf("image id %q kind %q", r.ImageID, r.Kind)
			}
			found := false
			for _, s := range r.Secrets {
				if s.RuleID == c.wantSecretRule && s.Path == "/app/config" && s.Line > 0 {
					found = true
				}
			}
			if c.wantSecretRule == "" && len(r.Secrets) > 0 {
				t.Errorf("unexpected secrets %+v", r.Secrets)
			}
			if c.wantSecretRule != "" && !found {
				t.Errorf("secret rule %s in /app/config not found: %+v", c.wantSecretRule, r.Secrets)
			}
			if len(r.SBOM) == 0 || !json.Valid(r.SBOM) {
				t.Errorf("SBOM missing or invalid")
			}
		})
	}
}

// TestSecretNeverRecorded: the planted secret appears in no byte of the facts or
// the SBOM.
func TestSecretNeverRecorded(t *testing.T) {
	r := scan(t, writeDocker(t, imagefixture.RootWithKey()), ImageOptions{})
	var facts bytes.Buffer
	if err := checks.WriteJSON(&facts, r.Facts(checks.Version{Name: "sdescan", Version: "test"}, asOf)); err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string][]byte{"facts": facts.Bytes(), "sbom": r.SBOM} {
		for _, s := range []string{imagefixture.FakeKeyID, imagefixture.FakeSecret, imagefixture.FakeKeyID[4:], imagefixture.FakeSecret[5:20]} {
			if bytes.Contains(b, []byte(s)) {
				t.Errorf("%s holds the planted secret %q", name, s)
			}
		}
	}
	if len(r.Secrets) == 0 {
		t.Fatal("no secret found")
	}
}

// TestSecretInDeletedFile: a secret written by one layer and deleted by a later
// one is still in the image, and still found.
func TestSecretInDeletedFile(t *testing.T) {
	img := imagefixture.RootWithKey()
	img.MoreLayers = []map[string]string{{"app/.wh.config": ""}}
	r := scan(t, writeDocker(t, img), ImageOptions{})
	found := false
	for _, s := range r.Secrets {
		found = found || (s.RuleID == "aws-access-key-id" && s.Path == "/app/config")
	}
	if !found {
		t.Errorf("secret of a deleted file not found: %+v", r.Secrets)
	}
}

// TestImageVulnerabilities: with a database holding one critical, fixed
// vulnerability of musl, it is found; without a database, vulnerabilities are not assessed.
func TestImageVulnerabilities(t *testing.T) {
	dbDir := t.TempDir()
	if err := imagefixture.WriteDB(filepath.Join(dbDir, "db"), []imagefixture.Vuln{{Platform: "alpine 3.22", Package: "musl", ID: "CVE-2026-10001", FixedVersion: "1.2.5-r11", Severity: "CRITICAL"}}); err != nil {
		t.Fatal(err)
	}
	ref := writeDocker(t, imagefixture.Alpine("3.22.2"))
	for _, db := range []string{dbDir, filepath.Join(dbDir, "db"), filepath.Join(dbDir, "db", "trivy.db")} {
		r := scan(t, ref, ImageOptions{DB: db})
		want := []ImageVuln{{ID: "CVE-2026-10001", Package: "musl", InstalledVersion: "1.2.5-r10", FixedVersion: "1.2.5-r11", Severity: "CRITICAL"}}
		if !r.VulnsScanned || !reflect.DeepEqual(r.Vulns, want) {
			t.Errorf("--db %s: scanned=%v reason=%q vulns=%+v", db, r.VulnsScanned, r.VulnsReason, r.Vulns)
		}
		if !r.DBUpdatedAt.Equal(imagefixture.DBUpdatedAt) {
			t.Errorf("--db %s: database built %v, want its metadata.json's %v", db, r.DBUpdatedAt, imagefixture.DBUpdatedAt)
		}
	}
	// A database without metadata.json is read, its age unknown (IMG-002 then
	// cannot say "no vulnerabilities").
	ageless := t.TempDir()
	if err := imagefixture.WriteDBAt(ageless, time.Time{}, nil); err != nil {
		t.Fatal(err)
	}
	if r := scan(t, ref, ImageOptions{DB: ageless}); !r.VulnsScanned || !r.DBUpdatedAt.IsZero() {
		t.Errorf("database without metadata.json: scanned=%v built %v", r.VulnsScanned, r.DBUpdatedAt)
	}
	// A database of another schema, or a file that is not one, is a hole in IMG-002 only.
	if err := os.WriteFile(filepath.Join(dbDir, "db", "metadata.json"), []byte(`{"Version":1}`), 0o644); err != nil {
		t.Fatal(err)
	}
	broken := t.TempDir()
	if err := os.WriteFile(filepath.Join(broken, "trivy.db"), []byte("not a bolt database"), 0o644); err != nil {
		t.Fatal(err)
	}
	for db, want := range map[string]string{dbDir: "schema 1", broken: "cannot open"} {
		r := scan(t, ref, ImageOptions{DB: db})
		if r.VulnsScanned || !strings.Contains(r.VulnsReason, want) || r.OSFamily != "alpine" {
			t.Errorf("--db %s: scanned=%v reason=%q, want %q", db, r.VulnsScanned, r.VulnsReason, want)
		}
	}
	if _, err := ScanImage(context.Background(), ref, ImageOptions{DB: t.TempDir(), AsOf: asOf}); err == nil || !strings.Contains(err.Error(), "no trivy.db") {
		t.Errorf("empty --db dir: err = %v", err)
	}
}

// TestImageInputsAgree: a docker save tarball, an OCI layout directory, an OCI
// archive and the unpacked root file system of the same content give the same
// OS, packages and secrets; only the root file system lacks a config (user unknown).
func TestImageInputsAgree(t *testing.T) {
	img := imagefixture.RootWithKey()
	dir := t.TempDir()
	docker := filepath.Join(dir, "docker.tar")
	oci := filepath.Join(dir, "oci")
	ociTar := filepath.Join(dir, "oci.tar")
	rootfs := filepath.Join(dir, "rootfs")
	for _, err := range []error{img.WriteDockerArchive(docker), img.WriteOCILayout(oci), img.WriteOCIArchive(ociTar), img.WriteRootFS(rootfs)} {
		if err != nil {
			t.Fatal(err)
		}
	}
	base := scan(t, docker, ImageOptions{})
	for _, c := range []struct{ ref, kind string }{{oci, ImageOCILayout}, {ociTar, ImageOCIArchive}, {rootfs, ImageRootFS}} {
		r := scan(t, c.ref, ImageOptions{})
		if r.Kind != c.kind {
			t.Errorf("%s: kind %s, want %s", c.ref, r.Kind, c.kind)
		}
		if r.OSFamily != base.OSFamily || r.OSVersion != base.OSVersion || r.EOL != base.EOL || r.EOLKnown != base.EOLKnown {
			t.Errorf("%s: OS %s %s differs", c.kind, r.OSFamily, r.OSVersion)
		}
		if !reflect.DeepEqual(r.Packages, base.Packages) {
			t.Errorf("%s: packages %+v differ from %+v", c.kind, r.Packages, base.Packages)
		}
		strip := func(in []ImageSecret) []ImageSecret {
			out := []ImageSecret{}
			for _, s := range in {
				s.Layer = ""
				out = append(out, s)
			}
			return out
		}
		if !reflect.DeepEqual(strip(r.Secrets), strip(base.Secrets)) {
			t.Errorf("%s: secrets %+v differ from %+v", c.kind, r.Secrets, base.Secrets)
		}
		if c.kind == ImageRootFS {
			if r.UserKnown || r.ImageID != "" {
				t.Errorf("rootfs: user known %v, image id %q", r.UserKnown, r.ImageID)
			}
			continue
		}
		if r.ImageID != base.ImageID || !r.UserKnown || r.User != base.User || !reflect.DeepEqual(r.ExposedPorts, base.ExposedPorts) {
			t.Errorf("%s: image id %s user %q ports %v differ", c.kind, r.ImageID, r.User, r.ExposedPorts)
		}
	}
}

// TestImageDeterministic: two scans give the same facts and SBOM bytes.
func TestImageDeterministic(t *testing.T) {
	ref := writeDocker(t, imagefixture.RootWithKey())
	var out [2][2][]byte
	for i := range out {
		r := scan(t, ref, ImageOptions{})
		var b bytes.Buffer
		if err := checks.WriteJSON(&b, r.Facts(checks.Version{Version: "test"}, asOf)); err != nil {
			t.Fatal(err)
		}
		out[i] = [2][]byte{b.Bytes(), r.SBOM}
	}
	if !bytes.Equal(out[0][0], out[1][0]) {
		t.Error("facts differ between two scans")
	}
	if !bytes.Equal(out[0][1], out[1][1]) {
		t.Errorf("SBOM differs between two scans:\n%s\n---\n%s", out[0][1], out[1][1])
	}
}

// TestNotAnImage: a random file and a tar without manifest.json or index.json
// are bad input.
func TestNotAnImage(t *testing.T) {
	dir := t.TempDir()
	random := filepath.Join(dir, "random.bin")
	if err := os.WriteFile(random, []byte("this is not a tar archive\x00\x01\x02"), 0o644); err != nil {
		t.Fatal(err)
	}
	plain := filepath.Join(dir, "plain.tar")
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	_ = tw.WriteHeader(&tar.Header{Name: "hello.txt", Mode: 0o644, Size: 5, Typeflag: tar.TypeReg})
	_, _ = io.WriteString(tw, "hello")
	_ = tw.Close()
	if err := os.WriteFile(plain, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	for file, reason := range map[string]string{random: "not a tar archive", plain: "no manifest.json or index.json"} {
		_, err := ScanImage(context.Background(), file, ImageOptions{AsOf: asOf})
		var ne *NotImageError
		if !errors.As(err, &ne) || !strings.Contains(err.Error(), reason) {
			t.Errorf("%s: err = %v, want a NotImageError saying %q", file, err, reason)
		}
	}
}

// TestCorruptLayerIsCollectorError: an image whose layer cannot be read is a
// failed collector run whose error hides image.container, never a resource.
func TestCorruptLayerIsCollectorError(t *testing.T) {
	ref := writeDocker(t, imagefixture.Alpine("3.22.2"))
	corrupt := filepath.Join(t.TempDir(), "corrupt.tar")
	if err := imagefixture.CorruptLayers(ref, corrupt); err != nil {
		t.Fatal(err)
	}
	r, err := ScanImage(context.Background(), corrupt, ImageOptions{AsOf: asOf})
	if err != nil {
		t.Fatalf("err = %v, want a failure in the result", err)
	}
	if r.Failure == "" {
		t.Fatal("no failure recorded")
	}
	f := r.Facts(checks.Version{Version: "test"}, asOf)
	if len(f.Resources) != 0 || len(f.Runs) != 1 || f.Runs[0].Status != checks.RunFailed || len(f.Runs[0].Errors) != 1 || f.Runs[0].Errors[0].ResourceTypes[0] != TypeImage {
		t.Errorf("facts = %+v", f)
	}
}
