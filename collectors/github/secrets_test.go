package github

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"reflect"
	"strings"
	"testing"
)

// pemKey makes a real private key block at run time, so that this file holds
// no key itself (sdescan's own history is scanned by OPEN-008).
func pemKey(t *testing.T, blockType string, key any) string {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: blockType, Bytes: der}))
}

// TestScanSecrets: what the rules find and what they let pass. The credentials
// are assembled at run time for the same reason as pemKey's.
func TestScanSecrets(t *testing.T) {
	_, ed, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	edPEM := pemKey(t, "PRIVATE KEY", ed)
	quoted, _ := json.Marshal(map[string]string{"key": pemKey(t, "EC PRIVATE KEY", ec)})
	akia := "AK" + "IA" + "J2R5T7W3Y4Q6P2M5"
	token := "gh" + "p_" + "Zq8RvL2mXw9TnB4kYc7HsD1fJg6PaE3uWo5i"
	for _, tc := range []struct {
		name, data string
		want       []string
	}{
		{"AWS access key ID", "aws_access_key_id = " + akia, []string{"aws-access-key-id"}},
		{"AWS's documented example key ID", "aws_access_key_id = AKIAIOSFODNN7EXAMPLE", nil},
		{"a keyboard-row placeholder", "key = AKIA" + "QWERTYUIOPASDFGH", nil},
		{"an IAM user's unique ID is no credential", "AIDA" + "J2R5T7W3Y4Q6P2M5", nil},
		{"temporary key ID", "ASIA" + "J2R5T7W3Y4Q6P2M5", []string{"aws-access-key-id"}},
		{"Ed25519 key (the shortest)", edPEM, []string{"private-key"}},
		{"EC key quoted in JSON", string(quoted), []string{"private-key"}},
		{"encrypted key with PEM headers", "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\n" + strings.Repeat("QUJD", 20) + "\n", []string{"private-key"}},
		{"a header a test compares against", `strings.HasPrefix(s, "-----BEGIN PRIVATE KEY-----\n")`, nil},
		{"a header with a stub body", "-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----", nil},
		{"GitHub token", "token: " + token, []string{"github-token"}},
		{"GitHub token placeholder", "token ghp_abcdefghijklmnopqrstuvwxyz0123456789", nil},
		{"password", "pass" + `word = "Tr0ub4dor&3x"`, []string{"password-assignment"}},
		{"password placeholder", `password = "changeme123"`, nil},
		{"binary", "\x00" + akia, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := scanSecrets([]byte(tc.data)); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("scanSecrets = %v, want %v", got, tc.want)
			}
		})
	}
}
