// Command sign writes a detached ed25519 signature of a file with a key made by
// `sdescan keygen`: `make release SIGNING_KEY=PREFIX.key` runs it on SHA256SUMS.
//
//	go run ./internal/release/sign -key signing.key dist/SHA256SUMS   # writes dist/SHA256SUMS.sig
//
// The signature is the 64 raw bytes of ed25519 (RFC 8032, no pre-hash) over the
// file's bytes, as manifest.sig in an evidence pack, so openssl 3 checks it with
// the public key alone:
//
//	openssl pkeyutl -verify -pubin -inkey signing.pub -rawin -in SHA256SUMS -sigfile SHA256SUMS.sig
//
// The key is read with the evidence pack's own parser (reports/pack). ed25519
// signatures are deterministic: one key and one file give one signature.
//
// It lives under internal/ so that nothing imports it; it is never linked into
// sdescan.
package main

import (
	"crypto/ed25519"
	"flag"
	"fmt"
	"os"

	"github.com/sdescan/sdescan/reports/pack"
)

func main() {
	key := flag.String("key", "", "the private key `FILE` (PKCS #8 PEM, from sdescan keygen)")
	flag.Parse()
	if *key == "" || flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: sign -key PREFIX.key FILE   (writes FILE.sig)")
		os.Exit(2)
	}
	if err := sign(*key, flag.Arg(0)); err != nil {
		fmt.Fprintln(os.Stderr, "sign:", err)
		os.Exit(1)
	}
}

// sign writes file+".sig", the ed25519 signature of file with the key in keyFile.
func sign(keyFile, file string) error {
	keyPEM, err := os.ReadFile(keyFile)
	if err != nil {
		return err
	}
	priv, err := pack.ParsePrivateKey(keyPEM, keyFile)
	if err != nil {
		return err
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	return os.WriteFile(file+".sig", ed25519.Sign(priv, data), 0o644)
}
