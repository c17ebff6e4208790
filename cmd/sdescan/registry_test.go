package main

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"golang.org/x/crypto/bcrypt"

	"github.com/sdescan/sdescan/fixtures/imagefixture"
)

// localRegistry is Debian's docker-registry (the distribution registry)
// serving HTTPS on a loopback port with a self-signed certificate and basic
// authentication from an htpasswd file.
type localRegistry struct {
	host, certFile, user, password string
}

// startRegistry starts docker-registry for the test; the test fails (never
// skips) when it is not installed (.ci/run installs it).
func startRegistry(t *testing.T) *localRegistry {
	t.Helper()
	bin, err := exec.LookPath("docker-registry")
	if err != nil {
		t.Fatal("docker-registry is not installed (Debian package docker-registry; .ci/run installs it)")
	}
	dir := t.TempDir()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	host := l.Addr().String()
	l.Close()

	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	r := &localRegistry{host: host, certFile: filepath.Join(dir, "cert.pem"), user: "sde-ci", password: "test-only-registry-password"}
	hash, err := bcrypt.GenerateFromPassword([]byte(r.password), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	keyFile, htpasswd, cfg := filepath.Join(dir, "key.pem"), filepath.Join(dir, "htpasswd"), filepath.Join(dir, "config.yml")
	for file, data := range map[string][]byte{
		r.certFile: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		keyFile:    pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}),
		htpasswd:   []byte(r.user + ":" + string(hash) + "\n"),
		cfg: []byte(fmt.Sprintf("version: 0.1\nlog: {level: error}\nstorage: {filesystem: {rootdirectory: %s}}\n"+
			"http: {addr: %q, tls: {certificate: %s, key: %s}}\nauth: {htpasswd: {realm: sdescan-test, path: %s}}\n",
			filepath.Join(dir, "data"), host, r.certFile, keyFile, htpasswd)),
	} {
		if err := os.WriteFile(file, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(bin, "serve", cfg)
	var log bytes.Buffer // the registry's log, shown when the test fails
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("docker-registry's log:\n%s", log.String())
		}
	})
	for i := 0; ; i++ {
		c, err := net.DialTimeout("tcp", host, 200*time.Millisecond)
		if err == nil {
			c.Close()
			break
		}
		if i == 100 {
			t.Fatalf("docker-registry did not listen on %s", host)
		}
		time.Sleep(100 * time.Millisecond)
	}
	return r
}

// push writes an image to the registry and returns its digest.
func (r *localRegistry) push(t *testing.T, repo string, img imagefixture.Image) string {
	t.Helper()
	v1img, err := img.Image()
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pem, err := os.ReadFile(r.certFile)
	if err != nil || !pool.AppendCertsFromPEM(pem) {
		t.Fatalf("certificate: %v", err)
	}
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}
	ref, err := name.ParseReference(r.host + "/" + repo + ":1.0")
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(ref, v1img, remote.WithAuth(&authn.Basic{Username: r.user, Password: r.password}), remote.WithTransport(tr)); err != nil {
		t.Fatalf("pushing %s: %v", ref, err)
	}
	d, err := v1img.Digest()
	if err != nil {
		t.Fatal(err)
	}
	return d.String()
}

// dockerConfig writes a Docker config with the registry's credentials and
// returns its directory (for DOCKER_CONFIG).
func (r *localRegistry) dockerConfig(t *testing.T, password string) string {
	t.Helper()
	dir := t.TempDir()
	auth := base64.StdEncoding.EncodeToString([]byte(r.user + ":" + password))
	data, err := json.Marshal(map[string]any{"auths": map[string]any{r.host: map[string]string{"auth": auth}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "config.json"), data, 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestImageFromRegistry: `sdescan image REGISTRY/REPO@DIGEST` reads the image
// from a registry (a local one, on loopback) with the credentials of the
// Docker config, verifying TLS with the roots given (SSL_CERT_FILE); wrong
// credentials leave the image not assessed, never passed.
func TestImageFromRegistry(t *testing.T) {
	reg := startRegistry(t)
	digest := reg.push(t, "sde/analysis", imagefixture.Alpine("3.22.2"))
	ref := reg.host + "/sde/analysis@" + digest
	home := t.TempDir()
	env := func(dockerConfig string) []string {
		return []string{"SSL_CERT_FILE=" + reg.certFile, "SSL_CERT_DIR=" + home, "DOCKER_CONFIG=" + dockerConfig, "HOME=" + home,
			"HTTPS_PROXY=", "https_proxy=", "NO_PROXY=*"}
	}

	r := runEnv(t, t.TempDir(), env(reg.dockerConfig(t, reg.password)), "image", ref, "--format", "json", "--as-of", "2026-11-25")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var a struct {
		Findings []struct {
			CheckID    string `json:"check_id"`
			ResourceID string `json:"resource_id"`
			Status     string `json:"status"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &a); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, f := range a.Findings {
		if f.ResourceID != "image:"+ref {
			t.Errorf("finding on %s, want image:%s", f.ResourceID, ref)
		}
		got[f.CheckID] = f.Status
	}
	for id, want := range map[string]string{"IMG-001": "pass", "IMG-003": "pass", "IMG-004": "pass", "IMG-005": "pass"} {
		if got[id] != want {
			t.Errorf("%s = %q, want %q (findings %v)", id, got[id], want, got)
		}
	}

	// The wrong password: the registry refuses, and the image is not assessed.
	r = runEnv(t, t.TempDir(), env(reg.dockerConfig(t, "wrong")), "image", ref, "--format", "json", "--as-of", "2026-11-25")
	if r.code == 0 || !strings.Contains(r.stderr, reg.host) || strings.Contains(r.stdout, `"status": "pass"`) {
		t.Errorf("wrong credentials: exit %d, stderr %q; want a failure naming the registry and no passing finding", r.code, r.stderr)
	}
	if strings.Contains(r.stderr, "wrong") || strings.Contains(r.stderr, reg.password) {
		t.Errorf("a credential reached the output: %s", r.stderr)
	}
}
