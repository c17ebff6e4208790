package main

import (
	"crypto/ed25519"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sdescan/sdescan/reports/pack"
)

// TestSign: the signature verifies with the public key of `sdescan keygen`'s
// pair, is the same twice, and a key that is not ed25519 PKCS #8 is refused.
// (The openssl check of a release's SHA256SUMS.sig is in cmd/sdescan.)
func TestSign(t *testing.T) {
	dir := t.TempDir()
	privPEM, pubPEM, err := pack.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	key, sums := filepath.Join(dir, "k.key"), filepath.Join(dir, "SHA256SUMS")
	os.WriteFile(key, privPEM, 0o600)
	os.WriteFile(sums, []byte("0123  sdescan\n"), 0o644)
	if err := sign(key, sums); err != nil {
		t.Fatal(err)
	}
	sig1, _ := os.ReadFile(sums + ".sig")
	if err := sign(key, sums); err != nil {
		t.Fatal(err)
	}
	sig2, _ := os.ReadFile(sums + ".sig")
	pub, err := pack.ParsePublicKey(pubPEM, "pub")
	if err != nil {
		t.Fatal(err)
	}
	if len(sig1) != ed25519.SignatureSize || string(sig1) != string(sig2) || !ed25519.Verify(pub, []byte("0123  sdescan\n"), sig1) {
		t.Errorf("signature %x does not verify or is not deterministic", sig1)
	}
	if err := sign(sums, sums); err == nil || !strings.Contains(err.Error(), "PEM") {
		t.Errorf("a file that is not a key: %v", err)
	}
	pubFile := filepath.Join(dir, "k.pub")
	os.WriteFile(pubFile, pubPEM, 0o644)
	if err := sign(pubFile, sums); err == nil {
		t.Error("a public key signed")
	}
}
