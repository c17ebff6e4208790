package main

import (
	"archive/tar"
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

const testCA = "-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n"

func buildTest(t *testing.T, dir, name string) string {
	t.Helper()
	bin, ca := filepath.Join(dir, "sdescan"), filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(bin, []byte("\x7fELF not really a binary"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(ca, []byte(testCA), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, name)
	if err := run(options{binary: bin, caFile: ca, out: out, version: "1.2.3", platform: "linux/arm64", repo: "sdescan", created: time.Unix(0, 0).UTC()}); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestImageTarball: the tarball is a docker save archive and an OCI layout of one
// image that runs the binary as 65532:65532, holds the CA bundle, /etc/passwd
// with the nonroot user and nothing else of note, and is the same bytes twice.
func TestImageTarball(t *testing.T) {
	dir := t.TempDir()
	a := buildTest(t, dir, "a.tar")
	b := buildTest(t, dir, "b.tar")
	da, _ := os.ReadFile(a)
	db, _ := os.ReadFile(b)
	if !bytes.Equal(da, db) {
		t.Error("two images of one binary differ")
	}

	names := map[string]bool{}
	tr := tar.NewReader(bytes.NewReader(da))
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		names[h.Name] = true
		if !h.ModTime.Equal(time.Unix(0, 0)) {
			t.Errorf("%s: time %v", h.Name, h.ModTime)
		}
	}
	for _, want := range []string{"oci-layout", "index.json", "manifest.json", "blobs/sha256/"} {
		if !names[want] {
			t.Errorf("no %s in the tarball: %v", want, names)
		}
	}

	img, err := tarball.ImageFromPath(a, nil)
	if err != nil {
		t.Fatal(err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	if cf.Config.User != "65532:65532" || strings.Join(cf.Config.Entrypoint, " ") != "/usr/local/bin/sdescan" || cf.OS != "linux" || cf.Architecture != "arm64" {
		t.Errorf("config: user %q, entrypoint %q, platform %s/%s", cf.Config.User, cf.Config.Entrypoint, cf.OS, cf.Architecture)
	}
	if cf.Config.Labels["org.opencontainers.image.version"] != "1.2.3" || !cf.Created.Equal(time.Unix(0, 0)) {
		t.Errorf("labels %v, created %v", cf.Config.Labels, cf.Created)
	}

	files := map[string]string{}
	owners := map[string]int{}
	fs := tar.NewReader(mutate.Extract(img))
	for {
		h, err := fs.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(fs)
		files[h.Name] = string(body)
		owners[h.Name] = h.Uid
	}
	if files["usr/local/bin/sdescan"] != "\x7fELF not really a binary" || files["etc/ssl/certs/ca-certificates.crt"] != testCA {
		t.Errorf("binary or CA bundle missing: %v", keys(files))
	}
	if !strings.Contains(files["etc/passwd"], "nonroot:x:65532:65532:") || !strings.Contains(files["etc/group"], "nonroot:x:65532:") {
		t.Errorf("passwd %q, group %q", files["etc/passwd"], files["etc/group"])
	}
	if owners["home/nonroot"] != 65532 || owners["usr/local/bin/sdescan"] != 0 {
		t.Errorf("owners: %v", owners)
	}

	var index struct {
		Manifests []struct {
			Digest      string            `json:"digest"`
			Annotations map[string]string `json:"annotations"`
		} `json:"manifests"`
	}
	tr = tar.NewReader(bytes.NewReader(da))
	for {
		h, err := tr.Next()
		if err != nil {
			break
		}
		if h.Name == "index.json" {
			if err := json.NewDecoder(tr).Decode(&index); err != nil {
				t.Fatal(err)
			}
		}
	}
	if len(index.Manifests) != 1 || !names["blobs/sha256/"+strings.TrimPrefix(index.Manifests[0].Digest, "sha256:")] || index.Manifests[0].Annotations["org.opencontainers.image.ref.name"] != "1.2.3" {
		t.Errorf("index.json %+v, want one manifest, in blobs/, tagged 1.2.3", index)
	}
}

// TestImageOCILayout: unpacked, the tarball is an OCI image layout whose one
// image is the docker archive's (same config).
func TestImageOCILayout(t *testing.T) {
	dir := t.TempDir()
	tarPath := buildTest(t, dir, "img.tar")
	lay := filepath.Join(dir, "layout")
	f, err := os.Open(tarPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(lay, h.Name)
		if h.Typeflag == tar.TypeDir {
			os.MkdirAll(p, 0o755)
			continue
		}
		os.MkdirAll(filepath.Dir(p), 0o755)
		body, _ := io.ReadAll(tr)
		if err := os.WriteFile(p, body, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	idx, err := layout.ImageIndexFromPath(lay)
	if err != nil {
		t.Fatal(err)
	}
	im, err := idx.IndexManifest()
	if err != nil || len(im.Manifests) != 1 {
		t.Fatalf("index: %v, %+v", err, im)
	}
	img, err := idx.Image(im.Manifests[0].Digest)
	if err != nil {
		t.Fatal(err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	mt, _ := img.MediaType()
	if cf.Config.User != "65532:65532" || mt != types.OCIManifestSchema1 {
		t.Errorf("OCI layout image: user %q, media type %s", cf.Config.User, mt)
	}
	layers, _ := img.Layers()
	if len(layers) != 2 {
		t.Errorf("%d layers, want 2 (base, binary)", len(layers))
	}
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestImageRefusals(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "sdescan")
	notCA := filepath.Join(dir, "ca.pem")
	os.WriteFile(bin, []byte("x"), 0o755)
	os.WriteFile(notCA, []byte("nothing"), 0o644)
	for _, tc := range []struct {
		o    options
		want string
	}{
		{options{binary: bin, caFile: notCA, out: filepath.Join(dir, "o.tar"), platform: "linux/amd64"}, "no PEM certificate"},
		{options{binary: bin, caFile: notCA, out: filepath.Join(dir, "o.tar"), platform: "windows/amd64"}, "want linux/ARCH"},
	} {
		if err := run(tc.o); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v, want %q", tc.o, err, tc.want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "o.tar")); err == nil {
		t.Error("a refused image left a file")
	}
	if _, err := sourceDate("soon"); err == nil {
		t.Error("SOURCE_DATE_EPOCH=soon accepted")
	}
}
