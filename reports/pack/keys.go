package pack

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
)

// PEM block types of the signing keys: PKCS #8 for the private key and PKIX
// (SubjectPublicKeyInfo) for the public key, the forms openssl reads.
const (
	pemPrivateKey = "PRIVATE KEY"
	pemPublicKey  = "PUBLIC KEY"
)

// GenerateKey makes an ed25519 key pair and returns it PEM-encoded: the private
// key as PKCS #8, the public key as PKIX. rnd nil means crypto/rand.
func GenerateKey(rnd io.Reader) (privPEM, pubPEM []byte, err error) {
	if rnd == nil {
		rnd = rand.Reader
	}
	pub, priv, err := ed25519.GenerateKey(rnd)
	if err != nil {
		return nil, nil, err
	}
	privDER, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return nil, nil, err
	}
	pubDER, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: pemPrivateKey, Bytes: privDER}),
		pem.EncodeToMemory(&pem.Block{Type: pemPublicKey, Bytes: pubDER}), nil
}

// ParsePrivateKey reads a PKCS #8 PEM ed25519 private key; name is used in errors.
func ParsePrivateKey(data []byte, name string) (ed25519.PrivateKey, error) {
	block, err := onePEM(data, pemPrivateKey)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%s: not a PKCS #8 private key: %w", name, err)
	}
	priv, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("%s: not an ed25519 key (%T); make one with `sdescan keygen`", name, k)
	}
	return priv, nil
}

// ParsePublicKey reads a PKIX PEM ed25519 public key; name is used in errors.
func ParsePublicKey(data []byte, name string) (ed25519.PublicKey, error) {
	block, err := onePEM(data, pemPublicKey)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	k, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%s: not a PKIX public key: %w", name, err)
	}
	pub, ok := k.(ed25519.PublicKey)
	if !ok {
		return nil, fmt.Errorf("%s: not an ed25519 key (%T)", name, k)
	}
	return pub, nil
}

func onePEM(data []byte, typ string) (*pem.Block, error) {
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, errors.New("no PEM block found")
	}
	if block.Type != typ {
		return nil, fmt.Errorf("PEM block is %q, want %q", block.Type, typ)
	}
	return block, nil
}

// KeyFingerprint is the hex sha256 of the public key's PKIX DER encoding, the
// same as `openssl pkey -pubin -in KEY.pub -outform DER | sha256sum`.
func KeyFingerprint(pub ed25519.PublicKey) string {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil { // cannot happen for a well-formed ed25519 key
		return ""
	}
	sum := sha256.Sum256(der)
	return hex.EncodeToString(sum[:])
}
