package main

import (
	"archive/zip"
	"bufio"
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// unzipTo unpacks a pack with the standard library, as an assessor's unzip would.
func unzipTo(t *testing.T, file, dir string) map[string][]byte {
	t.Helper()
	zr, err := zip.OpenReader(file)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	out := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name] = b
		if dir != "" {
			write(t, dir, f.Name, string(b))
		}
	}
	return out
}

func readFile(t *testing.T, file string) []byte {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func fixture(t *testing.T, rel string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("../../fixtures/demo", rel))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestEvidencePackCommands drives keygen, scan --pack, pack and verify on the
// built binary: exit codes, byte-identical packs, signatures and tampering.
func TestEvidencePackCommands(t *testing.T) {
	dir := t.TempDir()

	// keygen: PKCS #8 private key readable by its owner only, PKIX public key, no overwrite.
	r := run(t, dir, "keygen", "--out", "op")
	if r.code != 0 || !strings.Contains(r.stdout, "wrote op.key") {
		t.Fatalf("keygen: %+v", r)
	}
	for file, mode := range map[string]os.FileMode{"op.key": 0o600, "op.pub": 0o644} {
		st, err := os.Stat(filepath.Join(dir, file))
		if err != nil || st.Mode().Perm() != mode {
			t.Fatalf("%s: %v mode %v, want %v", file, err, st.Mode().Perm(), mode)
		}
	}
	if !bytes.HasPrefix(readFile(t, filepath.Join(dir, "op.key")), []byte("-----BEGIN PRIVATE KEY-----\n")) ||
		!bytes.HasPrefix(readFile(t, filepath.Join(dir, "op.pub")), []byte("-----BEGIN PUBLIC KEY-----\n")) {
		t.Fatal("keygen: not PKCS #8 / PKIX PEM")
	}
	before := readFile(t, filepath.Join(dir, "op.key"))
	if r := run(t, dir, "keygen", "--out", "op"); r.code != 2 || !strings.Contains(r.stderr, "op.key: already exists") {
		t.Fatalf("keygen over a key: %+v", r)
	}
	if !bytes.Equal(before, readFile(t, filepath.Join(dir, "op.key"))) {
		t.Fatal("keygen overwrote a key")
	}
	run(t, dir, "keygen", "--out", "other")

	// scan --pack, twice and from another directory: byte-identical.
	r = run(t, dir, "scan", "--demo", "--pack", "a.zip", "--key", "op.key")
	if r.code != 0 || !strings.Contains(r.stdout, "Risk score") {
		t.Fatalf("scan --pack: %+v", r)
	}
	other := t.TempDir()
	if r := run(t, other, "scan", "--demo", "--pack", "b.zip", "--key", filepath.Join(dir, "op.key"), "--format", "json"); r.code != 0 {
		t.Fatalf("scan --pack elsewhere: %+v", r)
	}
	if !bytes.Equal(readFile(t, filepath.Join(dir, "a.zip")), readFile(t, filepath.Join(other, "b.zip"))) {
		t.Fatal("two packs of the same scan differ")
	}

	// The pack's assessment.json is the report --output-dir writes.
	out := filepath.Join(dir, "out")
	if r := run(t, dir, "scan", "--demo", "--output-dir", out, "--format", "json"); r.code != 0 {
		t.Fatalf("scan --output-dir: %+v", r)
	}
	files := unzipTo(t, filepath.Join(dir, "a.zip"), "")
	if !bytes.Equal(files["assessment.json"], readFile(t, filepath.Join(out, "assessment.json"))) {
		t.Fatal("the pack's assessment.json differs from the report's")
	}

	// A failed gate keeps its evidence: the pack is written in full, then exit 1.
	if r := run(t, dir, "scan", "--demo", "--fail-on", "critical", "--pack", "gate.zip"); r.code != 1 {
		t.Fatalf("scan --fail-on --pack: %+v", r)
	}
	if r := run(t, dir, "verify", "gate.zip"); r.code != 0 {
		t.Fatalf("verify the pack of a failed gate: %+v", r)
	}

	// pack writes the pack; it is not a gate, whatever the configuration's fail_on says.
	write(t, dir, "gate.yaml", "fail_on: critical\n")
	if r := run(t, dir, "pack", demoFacts(t), "--config", "gate.yaml", "-o", "cfg.zip"); r.code != 0 || r.stdout != "wrote cfg.zip (unsigned)\n" {
		t.Fatalf("pack --config with fail_on: %+v", r)
	}

	// pack from saved facts, as a directory, with the demo's files given as flags.
	r = run(t, dir, "pack", demoFacts(t), "--dir", "d",
		"--attestations", fixture(t, "attestations.yaml"), "--waivers", fixture(t, "waivers.yaml"),
		"--framework-file", fixture(t, "region-policy.yaml"), "--as-of", "2031-01-01")
	if r.code != 0 || !strings.Contains(r.stdout, "wrote d (unsigned)") {
		t.Fatalf("pack --dir: %+v", r)
	}

	tests := []struct {
		name   string
		args   []string
		code   int
		stdout []string // lines, in order
		stderr string
	}{
		{"signed zip, key", []string{"verify", "a.zip", "--key", "op.pub"}, 0,
			[]string{"a.zip: valid: "}, ""},
		{"signed zip, no key", []string{"verify", "a.zip"}, 0,
			[]string{"warning: signature not checked: no --key given", "a.zip: valid: "}, ""},
		{"directory, judged at its own --as-of", []string{"verify", "d"}, 0,
			[]string{"warning: signature not checked: no --key given", "d: valid: "}, ""},
		{"wrong key", []string{"verify", "a.zip", "--key", "other.pub"}, 1,
			[]string{"warning: re-evaluation not attempted: 1 problem(s) found before it", "manifest.json: signed by the key with sha256 "}, "sdescan: a.zip: invalid evidence pack: 1 problem(s)\n"},
		{"unsigned, key required", []string{"verify", "d", "--key", "op.pub"}, 1,
			[]string{"warning: re-evaluation not attempted: 1 problem(s) found before it", "manifest.sig: missing: the pack is not signed"}, "sdescan: d: invalid evidence pack: 1 problem(s)\n"},
		{"not a pack", []string{"verify", "op.pub"}, 2, nil, "sdescan: op.pub: not a readable zip file: zip: not a valid zip file\n"},
		{"no such pack", []string{"verify", "nope.zip"}, 2, nil, "sdescan: nope.zip: no such file or directory\n"},
		{"bad key", []string{"verify", "a.zip", "--key", "op.key"}, 2, nil, "sdescan: op.key: PEM block is \"PRIVATE KEY\", want \"PUBLIC KEY\"\n"},
		{"key without pack", []string{"scan", "--demo", "--key", "op.key"}, 2, nil, "sdescan: --key signs an evidence pack: give --pack FILE.zip or --pack-dir DIR too\n"},
		{"zip and dir", []string{"scan", "--demo", "--pack", "x.zip", "--pack-dir", "x"}, 2, nil, "sdescan: a pack is a zip file or a directory: give one of them, not both\n"},
		{"pack without output", []string{"pack", demoFacts(t)}, 2, nil, "sdescan: pack needs -o PACK.zip or --dir DIR\n"},
		{"pack into a non-empty directory", []string{"pack", demoFacts(t), "--dir", "d"}, 2, nil, "sdescan: d: directory is not empty; a pack directory must hold the pack alone\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := run(t, dir, tt.args...)
			if r.code != tt.code {
				t.Fatalf("exit %d, want %d: %+v", r.code, tt.code, r)
			}
			lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
			if len(tt.stdout) == 0 && r.stdout != "" && tt.code == 2 {
				t.Errorf("stdout %q, want none", r.stdout)
			}
			if len(tt.stdout) > 0 && len(lines) != len(tt.stdout) {
				t.Fatalf("stdout %q, want %d line(s)", r.stdout, len(tt.stdout))
			}
			for i, w := range tt.stdout {
				if !strings.HasPrefix(lines[i], w) {
					t.Errorf("stdout line %d %q, want it to start %q", i+1, lines[i], w)
				}
			}
			if r.stderr != tt.stderr {
				t.Errorf("stderr %q, want %q", r.stderr, tt.stderr)
			}
		})
	}

	// Tampering with an unpacked, signed pack: each problem is one line.
	tampered := filepath.Join(dir, "t")
	unzipTo(t, filepath.Join(dir, "a.zip"), tampered)
	write(t, tampered, "evidence/extra.json", "{}")
	os.Remove(filepath.Join(tampered, "reports/summary.md"))
	f := filepath.Join(tampered, "findings.json")
	os.WriteFile(f, bytes.Replace(readFile(t, f), []byte(`"status": "fail"`), []byte(`"status": "pass"`), 1), 0o644)
	r = run(t, dir, "verify", "t", "--key", "op.pub")
	want := []string{
		"warning: re-evaluation not attempted: 4 problem(s) found before it; none of the packed checks was compiled or run",
		"findings.json: sha256 ",
		"reports/summary.md: missing (listed in the manifest)",
		"evidence/extra.json: not listed in the manifest",
		"evidence/extra.json: not cited by facts.json",
	}
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if r.code != 1 || len(lines) != len(want) || r.stderr != "sdescan: t: invalid evidence pack: 4 problem(s)\n" {
		t.Fatalf("tampered pack: %+v", r)
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("line %d %q, want it to start %q", i+1, lines[i], w)
		}
	}
}

// resign rewrites the manifest of an unpacked pack after its files were
// changed (every files[] and checks[] digest and size) and signs it with the
// private key file: what an operator holding the key can do.
func resign(t *testing.T, pack, keyFile string) {
	t.Helper()
	mf := filepath.Join(pack, "manifest.json")
	var m map[string]any
	if err := json.Unmarshal(readFile(t, mf), &m); err != nil {
		t.Fatal(err)
	}
	for _, list := range []string{"files", "checks"} {
		for _, e := range m[list].([]any) {
			entry := e.(map[string]any)
			b := readFile(t, filepath.Join(pack, entry["path"].(string)))
			entry["sha256"] = fmt.Sprintf("%x", sha256.Sum256(b))
			if list == "files" {
				entry["size"] = len(b)
			}
		}
	}
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(readFile(t, keyFile))
	if block == nil {
		t.Fatalf("%s: no PEM block", keyFile)
	}
	key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	write(t, pack, "manifest.json", string(data))
	write(t, pack, "manifest.sig", string(ed25519.Sign(key.(ed25519.PrivateKey), data)))
}

// TestVerifyChecksWhatWasRun (issue 15): a signed pack whose built-in check was
// edited so that it always passes, its manifest rewritten and re-signed with the
// operator's own key, fails verify (exit 1) naming the check, and its checks are
// not run; a custom check is listed for the assessor, with its digest.
func TestVerifyChecksWhatWasRun(t *testing.T) {
	dir := t.TempDir()
	if r := run(t, dir, "keygen", "--out", "op"); r.code != 0 {
		t.Fatalf("keygen: %+v", r)
	}
	if r := run(t, dir, "scan", "--demo", "--format", "json", "--pack", "a.zip", "--key", "op.key"); r.code != 0 {
		t.Fatalf("scan: %+v", r)
	}
	pack := filepath.Join(dir, "edited")
	unzipTo(t, filepath.Join(dir, "a.zip"), pack)
	check := "policies/checks/builtin/aws/policy/rds_public_access.rego"
	f := filepath.Join(pack, check)
	edited := bytes.Replace(readFile(t, f), []byte("deny contains"), []byte("never contains"), 1)
	write(t, pack, check, string(edited)+"\ndeny contains \"never\" if false\n")
	resign(t, pack, filepath.Join(dir, "op.key"))
	r := run(t, dir, "verify", "edited", "--key", "op.pub")
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if r.code != 1 || r.stderr != "sdescan: edited: invalid evidence pack: 1 problem(s)\n" || len(lines) != 2 ||
		lines[0] != "warning: re-evaluation not attempted: 1 problem(s) found before it; none of the packed checks was compiled or run" ||
		!strings.HasPrefix(lines[1], check+": differs from the check sdescan ") || !strings.Contains(lines[1], " ships (sha256 ") {
		t.Fatalf("verify of an edited built-in check: %+v", r)
	}

	// A custom check: listed, with its digest; the pack is valid.
	write(t, dir, "policy/custom.rego", `# METADATA
# title: A custom check
# description: Packed from --policy.
# custom:
#   id: TEST-CUSTOM-001
#   severity: low
#   resource_types: [aws.s3.bucket]
#   remediation: none
package sdescan.checks.test.custom

import rego.v1

deny contains "never" if false
`)
	if r := run(t, dir, "pack", demoFacts(t), "--policy", "policy", "-o", "c.zip", "--key", "op.key"); r.code != 0 {
		t.Fatalf("pack --policy: %+v", r)
	}
	sum := fmt.Sprintf("%x", sha256.Sum256(readFile(t, filepath.Join(dir, "policy/custom.rego"))))
	r = run(t, dir, "verify", "c.zip", "--key", "op.pub")
	lines = strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if r.code != 0 || len(lines) != 2 ||
		!strings.HasPrefix(lines[0], "custom check (not shipped by sdescan ") ||
		!strings.HasSuffix(lines[0], "): policies/checks/policy-1/custom.rego sha256 "+sum+`, from --policy "policy"`) ||
		!strings.HasPrefix(lines[1], "c.zip: valid: ") || !strings.Contains(lines[1], " ships and 1 custom check file(s), listed above; ") {
		t.Fatalf("verify of a pack with a custom check: %+v", r)
	}

	// Bytes prepended to a pack: refused (exit 2), one line naming it.
	write(t, dir, "prepended.zip", "<html>\n"+string(readFile(t, filepath.Join(dir, "a.zip"))))
	r = run(t, dir, "verify", "prepended.zip", "--key", "op.pub")
	if r.code != 2 || r.stdout != "" || r.stderr != "sdescan: prepended.zip: 7 bytes before the zip's first entry (prepended to the zip): not part of a pack\n" {
		t.Fatalf("verify of a pack with bytes prepended: %+v", r)
	}
}

// TestEvidencePackOpenSSL runs the openssl commands of docs/evidence-pack.md,
// exactly as written there, on a pack signed by `sdescan keygen`'s key. openssl
// is required: without it the test fails, it does not skip.
func TestEvidencePackOpenSSL(t *testing.T) {
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Fatalf("openssl is required to prove that an assessor can check a pack with it alone: %v", err)
	}
	cmds := docOpenSSLCommands(t)
	if len(cmds) != 2 {
		t.Fatalf("docs/evidence-pack.md: want 2 openssl commands in the openssl-check block, found %q", cmds)
	}
	dir := t.TempDir()
	if r := run(t, dir, "keygen", "--out", "sdescan-signing"); r.code != 0 {
		t.Fatalf("keygen: %+v", r)
	}
	if r := run(t, dir, "scan", "--demo", "--format", "json", "--pack", "pack.zip", "--key", "sdescan-signing.key"); r.code != 0 {
		t.Fatalf("scan: %+v", r)
	}
	pack := filepath.Join(dir, "pack")
	unzipTo(t, filepath.Join(dir, "pack.zip"), pack)
	sh := func(command string) (string, error) {
		c := exec.Command("sh", "-c", command)
		c.Dir = pack
		out, err := c.CombinedOutput()
		return string(out), err
	}

	var m struct {
		PublicKey struct{ SHA256 string } `json:"public_key"`
	}
	if err := json.Unmarshal(readFile(t, filepath.Join(pack, "manifest.json")), &m); err != nil {
		t.Fatal(err)
	}
	out, err := sh(cmds[0])
	if err != nil || strings.Fields(out)[0] != m.PublicKey.SHA256 {
		t.Fatalf("%s: %v %q, want the manifest's fingerprint %s", cmds[0], err, out, m.PublicKey.SHA256)
	}
	out, err = sh(cmds[1])
	if err != nil || !strings.Contains(out, "Signature Verified Successfully") {
		t.Fatalf("%s: %v %q", cmds[1], err, out)
	}

	// A manifest changed by one byte no longer verifies.
	mf := filepath.Join(pack, "manifest.json")
	os.WriteFile(mf, bytes.Replace(readFile(t, mf), []byte(`"partial"`), []byte(`"ok"`), 1), 0o644)
	if out, err := sh(cmds[1]); err == nil || strings.Contains(out, "Signature Verified Successfully") {
		t.Fatalf("altered manifest verified: %q", out)
	}
}

// docOpenSSLCommands returns the openssl lines of the openssl-check block of
// docs/evidence-pack.md.
func docOpenSSLCommands(t *testing.T) []string {
	t.Helper()
	f, err := os.Open("../../docs/evidence-pack.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cmds []string
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "<!-- openssl-check: begin"):
			in = true
		case strings.HasPrefix(line, "<!-- openssl-check: end"):
			in = false
		case in && strings.HasPrefix(line, "openssl "):
			cmds = append(cmds, line)
		}
	}
	return cmds
}

// TestEvidencePackCanaries plants credentials in saved facts and their raw
// evidence, packs them with `sdescan pack`, and greps every byte of the pack,
// zipped and unpacked, for them; the pack still verifies.
func TestEvidencePackCanaries(t *testing.T) {
	dir := t.TempDir()
	src := "../../reports/pack/testdata/canary"
	for _, rel := range []string{"facts.json", "policy/canary_key.rego", "evidence/aws/111111111111/global/iam/ListAccessKeys-canary.json",
		"evidence/aws/111111111111/global/iam/GetAccessKeyLastUsed-AKIACANARY0000000042.json"} {
		write(t, dir, rel, string(readFile(t, filepath.Join(src, rel))))
	}
	r := run(t, dir, "pack", "facts.json", "--policy", "policy", "-o", "p.zip")
	if r.code != 0 {
		t.Fatalf("pack: %+v", r)
	}
	blobs := map[string][]byte{"p.zip": readFile(t, filepath.Join(dir, "p.zip"))}
	for name, b := range unzipTo(t, filepath.Join(dir, "p.zip"), "") {
		blobs[name] = b
	}
	if len(blobs) < 10 {
		t.Fatalf("pack holds %d files", len(blobs)-1)
	}
	for name, b := range blobs {
		for _, c := range []string{"AKIACANARY0000000042", "ASIACANARY0000000043", "CANARYSECRETKEY", "CANARYSESSIONTOKEN", "CANARYSIGNATURE"} {
			if bytes.Contains(b, []byte(c)) {
				t.Errorf("%s holds the canary %s", name, c)
			}
		}
	}
	if r := run(t, dir, "verify", "p.zip"); r.code != 0 {
		t.Fatalf("verify: %+v", r)
	}

	// Evidence that is missing or altered stops the pack: exit 2, one line naming the file.
	ev := "evidence/aws/111111111111/global/iam/ListAccessKeys-canary.json"
	write(t, dir, ev, "{}\n")
	r = run(t, dir, "pack", "facts.json", "--policy", "policy", "-o", "q.zip")
	if r.code != 2 || !strings.HasPrefix(r.stderr, "sdescan: "+ev+": sha256 ") || strings.Count(r.stderr, "\n") != 1 {
		t.Fatalf("altered evidence: %+v", r)
	}
	os.Remove(filepath.Join(dir, ev))
	r = run(t, dir, "pack", "facts.json", "--policy", "policy", "-o", "q.zip")
	if r.code != 2 || r.stderr != "sdescan: "+ev+": not found\n" {
		t.Fatalf("missing evidence: %+v", r)
	}
	if _, err := os.Stat(filepath.Join(dir, "q.zip")); err == nil {
		t.Fatal("a partial pack was written")
	}
}

// TestEvidencePackDocCommands runs every sdescan command line of
// docs/evidence-pack.md through the binary's flag parser (with --help).
func TestEvidencePackDocCommands(t *testing.T) {
	doc := string(readFile(t, "../../docs/evidence-pack.md"))
	n := 0
	for _, line := range strings.Split(doc, "\n") {
		if !strings.HasPrefix(line, "sdescan ") {
			continue
		}
		if i := strings.Index(line, "#"); i >= 0 {
			line = line[:i]
		}
		fields := strings.Fields(line)[1:]
		if r := run(t, t.TempDir(), append(fields, "--help")...); r.code != 0 {
			t.Errorf("%q is not a valid sdescan command: %s", line, r.stderr)
		}
		n++
	}
	if n < 6 {
		t.Fatalf("found %d sdescan commands in docs/evidence-pack.md", n)
	}
}
