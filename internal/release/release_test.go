// Package release_test tests what the Makefile's release targets make, end to
// end: `make release` twice from two copies of the sources, `make image` and
// `make install`. (The programs they run are tested in sbom, ociimage and sign.)
package release_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

const version = "9.9.9-test"

var root = filepath.Join("..", "..")

// sources copies the files git would commit (tracked, and untracked but not
// ignored) into dir: a checkout with nothing beside it.
func sources(t *testing.T, dir string) {
	t.Helper()
	cmd := exec.Command("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("git ls-files (git is needed to know the sources): %v", err)
	}
	for _, name := range strings.Split(strings.TrimRight(string(out), "\x00"), "\x00") {
		src := filepath.Join(root, name)
		info, err := os.Lstat(src)
		if os.IsNotExist(err) {
			continue // deleted in the working tree
		}
		if err != nil {
			t.Fatal(err)
		}
		dst := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		if info.Mode()&os.ModeSymlink != 0 {
			target, _ := os.Readlink(src)
			if err := os.Symlink(target, dst); err != nil {
				t.Fatal(err)
			}
			continue
		}
		data, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, data, info.Mode().Perm()); err != nil {
			t.Fatal(err)
		}
	}
}

// makeIn runs make with args in dir, outside any make that runs the tests.
func makeIn(t *testing.T, dir string, args ...string) string {
	t.Helper()
	out, err := tryMake(dir, args...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// tryMake is makeIn for another goroutine than the test's.
func tryMake(dir string, args ...string) (string, error) {
	cmd := exec.Command("make", append([]string{"--no-print-directory"}, args...)...)
	cmd.Dir = dir
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); k != "MAKEFLAGS" && k != "MAKELEVEL" && k != "MFLAGS" && k != "SOURCE_DATE_EPOCH" {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("make %s in %s: %v\n%s", strings.Join(args, " "), dir, err, out)
	}
	return string(out), nil
}

func read(t *testing.T, file string) []byte {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestRelease: `make release PLATFORMS=linux/amd64` in two folders with copies of
// the sources gives byte-identical binaries, SBOMs and SHA256SUMS; the SBOM is
// CycloneDX and lists Trivy, OPA and the AWS SDK; SIGNING_KEY signs SHA256SUMS so
// that the README's openssl and sha256sum commands verify it; `make image` gives
// an image `sdescan image` passes for non-root (IMG-003) and no secrets (IMG-004);
// `make install PREFIX=…` installs the binary, the completions and man pages.
// Each folder links sdescan once for the release (and the second once more for
// make install); the compiled packages come from the shared build cache (cold,
// the first copy compiles them: slow, never skipped).
func TestRelease(t *testing.T) {
	for _, tool := range []string{"git", "make", "sha256sum", "openssl"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is needed: %v", tool, err)
		}
	}
	// Release builds use -trimpath, so they share no compiled package with the
	// test builds go test just made: with a cold cache the first copy compiles all
	// of sdescan (about 25 minutes on 2 cores; make test gives go test an hour,
	// and .ci/run builds first). Never skipped: said, then done.
	if n := coldPackages(t); n > 200 {
		t.Logf("the -trimpath build cache is cold (%d packages to compile): the first release build compiles them", n)
	}
	a := filepath.Join(t.TempDir(), "a")
	b := filepath.Join(t.TempDir(), "elsewhere", "b-with-a-longer-path")
	keys := t.TempDir()
	sources(t, a)
	sources(t, b)

	var wg sync.WaitGroup
	var outA string
	var errs [2]error
	wg.Add(2)
	go func() {
		defer wg.Done()
		outA, errs[0] = tryMake(a, "release", "PLATFORMS=linux/amd64", "VERSION="+version)
	}()
	go func() {
		defer wg.Done()
		_, errs[1] = tryMake(b, "release", "PLATFORMS=linux/amd64", "VERSION="+version)
	}()
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("make release:\n%s", outA)
	name := "sdescan-" + version + "-linux-amd64"
	for _, f := range []string{name, name + ".cdx.json", "SHA256SUMS"} {
		da, db := read(t, filepath.Join(a, "dist", f)), read(t, filepath.Join(b, "dist", f))
		if !bytes.Equal(da, db) {
			t.Errorf("dist/%s differs between two builds of the same sources (%d and %d bytes)", f, len(da), len(db))
		}
	}
	bin := filepath.Join(a, "dist", name)
	if out, err := exec.Command(bin, "version").CombinedOutput(); err != nil || !strings.Contains(string(out), version) {
		t.Errorf("%s version: %v %q", name, err, out)
	}
	sums := string(read(t, filepath.Join(a, "dist", "SHA256SUMS")))
	if !strings.Contains(sums, "  "+name+"\n") || !strings.Contains(sums, "  "+name+".cdx.json\n") {
		t.Errorf("SHA256SUMS:\n%s", sums)
	}

	t.Run("sbom", func(t *testing.T) {
		var bom struct {
			BOMFormat   string `json:"bomFormat"`
			SpecVersion string `json:"specVersion"`
			Metadata    struct {
				Component struct {
					Name, Version string
				} `json:"component"`
			} `json:"metadata"`
			Components []struct {
				Name, Version, Purl string
			} `json:"components"`
		}
		if err := json.Unmarshal(read(t, bin+".cdx.json"), &bom); err != nil {
			t.Fatal(err)
		}
		if bom.BOMFormat != "CycloneDX" || bom.SpecVersion != "1.6" || bom.Metadata.Component.Name != "sdescan" || bom.Metadata.Component.Version != version {
			t.Errorf("SBOM header: %s %s, component %+v", bom.BOMFormat, bom.SpecVersion, bom.Metadata.Component)
		}
		have := map[string]bool{}
		for _, c := range bom.Components {
			have[c.Name] = c.Version != "" && strings.HasPrefix(c.Purl, "pkg:golang/"+c.Name+"@")
		}
		for _, m := range []string{"github.com/aquasecurity/trivy", "github.com/open-policy-agent/opa", "github.com/aws/aws-sdk-go-v2", "stdlib"} {
			if !have[m] {
				t.Errorf("the SBOM does not list %s with a version and purl", m)
			}
		}
	})

	t.Run("image", func(t *testing.T) {
		makeIn(t, a, "image", "VERSION="+version)
		tarball := filepath.Join(a, "dist", name+".image.tar")
		cmd := exec.Command(bin, "image", tarball, "--format", "json")
		cmd.Env = append(os.Environ(), "COLUMNS=100")
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("sdescan image %s: %v\n%s", tarball, err, out)
		}
		var res struct {
			Findings []struct {
				CheckID string   `json:"check_id"`
				Status  string   `json:"status"`
				Msgs    []string `json:"messages"`
			} `json:"findings"`
		}
		if err := json.Unmarshal(out, &res); err != nil {
			t.Fatal(err)
		}
		status := map[string]string{}
		for _, f := range res.Findings {
			status[f.CheckID] = f.Status
		}
		if status["IMG-003"] != "pass" || status["IMG-004"] != "pass" {
			t.Errorf("sdescan image on the release image: IMG-003 %q, IMG-004 %q, want pass (%+v)", status["IMG-003"], status["IMG-004"], res.Findings)
		}
		if !strings.Contains(string(read(t, filepath.Join(a, "dist", "SHA256SUMS"))), "  "+name+".image.tar\n") {
			t.Error("SHA256SUMS does not list the image")
		}
	})

	t.Run("signature", func(t *testing.T) {
		cmd := exec.Command(bin, "keygen", "--out", "sdescan-release")
		cmd.Dir = keys
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("keygen: %v %s", err, out)
		}
		makeIn(t, a, "checksums", "VERSION="+version, "SIGNING_KEY="+filepath.Join(keys, "sdescan-release.key"))
		dist := filepath.Join(a, "dist")
		if err := os.WriteFile(filepath.Join(dist, "sdescan-release.pub"), read(t, filepath.Join(keys, "sdescan-release.pub")), 0o644); err != nil {
			t.Fatal(err)
		}
		cmds := readmeChecks(t)
		if len(cmds) != 2 {
			t.Fatalf("README.md: want the openssl and sha256sum commands in the release-check block, found %q", cmds)
		}
		for _, c := range cmds {
			sh := exec.Command("sh", "-c", c)
			sh.Dir = dist
			out, err := sh.CombinedOutput()
			if err != nil || !strings.Contains(string(out), map[bool]string{true: "Signature Verified Successfully", false: ": OK"}[strings.HasPrefix(c, "openssl")]) {
				t.Errorf("%s: %v\n%s", c, err, out)
			}
		}
		// One byte changed in SHA256SUMS: the signature no longer holds.
		f := filepath.Join(dist, "SHA256SUMS")
		data := read(t, f)
		data[0] ^= 1
		os.WriteFile(f, data, 0o644)
		sh := exec.Command("sh", "-c", cmds[0])
		sh.Dir = dist
		if out, err := sh.CombinedOutput(); err == nil {
			t.Errorf("an altered SHA256SUMS verified: %s", out)
		}
	})

	t.Run("install", func(t *testing.T) {
		prefix := filepath.Join(t.TempDir(), "prefix")
		makeIn(t, b, "install", "PREFIX="+prefix, "VERSION="+version)
		for _, f := range []string{
			"bin/sdescan",
			"share/bash-completion/completions/sdescan",
			"share/zsh/site-functions/_sdescan",
			"share/fish/vendor_completions.d/sdescan.fish",
			"share/sdescan/sdescan.ps1",
			"share/man/man1/sdescan.1",
			"share/man/man1/sdescan-scan.1",
			"share/man/man1/sdescan-completion.1",
		} {
			if info, err := os.Stat(filepath.Join(prefix, f)); err != nil || info.Size() == 0 {
				t.Errorf("make install: %s missing or empty (%v)", f, err)
			}
		}
		out, err := exec.Command(filepath.Join(prefix, "bin", "sdescan"), "completion", "bash").Output()
		if err != nil || !bytes.Contains(out, []byte("bash completion V2 for sdescan")) {
			t.Errorf("sdescan completion bash: %v %.100q", err, out)
		}
		if b := read(t, filepath.Join(prefix, "bin", "sdescan")); !bytes.Equal(b, read(t, bin)) {
			t.Error("make install's binary differs from the release's for the same platform and version")
		}
	})
}

// coldPackages counts the packages outside sdescan that a -trimpath build of
// cmd/sdescan would compile (0 when Go's build cache holds them all).
func coldPackages(t *testing.T) int {
	t.Helper()
	cmd := exec.Command("go", "list", "-trimpath", "-deps", "-f", "{{if .Stale}}{{.ImportPath}}{{end}}", "./cmd/sdescan")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	n := 0
	for _, p := range strings.Fields(string(out)) {
		if !strings.HasPrefix(p, "github.com/sdescan/sdescan") {
			n++
		}
	}
	return n
}

// readmeChecks returns the command lines of the release-check block of
// README.md (how a user checks a release).
func readmeChecks(t *testing.T) []string {
	t.Helper()
	var cmds []string
	in := false
	sc := bufio.NewScanner(bytes.NewReader(read(t, filepath.Join(root, "README.md"))))
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "<!-- release-check: begin"):
			in = true
		case strings.HasPrefix(line, "<!-- release-check: end"):
			in = false
		case in && (strings.HasPrefix(line, "openssl ") || strings.HasPrefix(line, "sha256sum ")):
			cmds = append(cmds, line)
		}
	}
	return cmds
}
