package checks

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
)

// EvidenceSink keeps raw evidence (an API response, a scanned file) and returns the
// reference that facts cite. The data must already be redacted (see Redact); a
// sink redacts again, so a forgotten call cannot leak a credential.
type EvidenceSink interface {
	Put(path string, data []byte) (EvidenceRef, error)
}

// EvidencePrefix starts every evidence path. Paths are slash-separated and
// relative to the directory that holds the facts file, as in an evidence pack
// (facts.json beside evidence/).
const EvidencePrefix = "evidence/"

// EvidenceDir is an EvidenceSink writing under Root (the directory of the facts
// file): a reference "evidence/aws/…/x.json" is the file Root/evidence/aws/…/x.json.
type EvidenceDir struct {
	Root string

	mu      sync.Mutex
	written map[string]string // path -> sha256
}

// Put writes data, redacted, to path under the root. Writing the same path twice
// with the same content is a no-op; with different content it is an error (two
// pieces of evidence must never share a name).
func (d *EvidenceDir) Put(p string, data []byte) (EvidenceRef, error) {
	if err := ValidEvidencePath(p); err != nil {
		return EvidenceRef{}, err
	}
	data = Redact(data)
	sum := sha256.Sum256(data)
	ref := EvidenceRef{Path: p, SHA256: hex.EncodeToString(sum[:])}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.written == nil {
		d.written = map[string]string{}
	}
	if prev, ok := d.written[p]; ok {
		if prev != ref.SHA256 {
			return EvidenceRef{}, fmt.Errorf("evidence %s: written twice with different content", p)
		}
		return ref, nil
	}
	file := filepath.Join(d.Root, filepath.FromSlash(p))
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return EvidenceRef{}, fmt.Errorf("evidence %s: %w", p, err)
	}
	if err := os.WriteFile(file, data, 0o644); err != nil {
		return EvidenceRef{}, fmt.Errorf("evidence %s: %w", p, err)
	}
	d.written[p] = ref.SHA256
	return ref, nil
}

// ValidEvidencePath accepts clean, relative, slash-separated paths under
// "evidence/" made of safe characters only.
func ValidEvidencePath(p string) error {
	if !strings.HasPrefix(p, EvidencePrefix) || path.Clean(p) != p || strings.Contains(p, "..") {
		return fmt.Errorf("evidence path %q: must be a clean path under %s", p, EvidencePrefix)
	}
	if !safePath.MatchString(p) {
		return fmt.Errorf("evidence path %q: only letters, digits and ._-/ are allowed", p)
	}
	return nil
}

var safePath = regexp.MustCompile(`^[A-Za-z0-9._/-]+$`)

// SafePathSegment turns a name (an ARN, a bucket name) into one path segment.
func SafePathSegment(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			b[i] = '_'
		}
	}
	out := strings.Trim(string(b), ".")
	if out == "" {
		return "_"
	}
	return out
}

// secret patterns: what must never reach a report, a facts file or a pack.
var (
	// AWS access key IDs (long-term AKIA…, temporary ASIA…, and the other
	// documented prefixes) keep their last four characters.
	// No word boundaries: the ID may sit in an escaped string ("\u003eAKIA…").
	accessKeyID = regexp.MustCompile(`(AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|APKA|ABIA|ACCA)[A-Z0-9]{12}([A-Z0-9]{4})`)
	// Values of fields that hold secrets, in JSON, XML or query/form encoding.
	secretJSON  = regexp.MustCompile(`(?i)("(?:SecretAccessKey|SessionToken|SecurityToken|aws_secret_access_key|aws_session_token|Password|PrivateKey|ClientSecret|Token)"\s*:\s*)"(?:[^"\\]|\\.)*"`)
	secretXML   = regexp.MustCompile(`(?is)<(SecretAccessKey|SessionToken|SecurityToken|Password|PrivateKey)>[^<]*</(SecretAccessKey|SessionToken|SecurityToken|Password|PrivateKey)>`)
	secretForm  = regexp.MustCompile(`(?i)\b(X-Amz-Security-Token|SecretAccessKey|SessionToken|X-Amz-Signature)=[^&\s"]+`)
	privateKey  = regexp.MustCompile(`(?s)-----BEGIN ([A-Z ]*)PRIVATE KEY-----.*?-----END ([A-Z ]*)PRIVATE KEY-----`)
	authHeader  = regexp.MustCompile(`(?i)(Authorization"?\s*[:=]\s*"?)(AWS4-HMAC-SHA256|Bearer|token|Basic)\s[^"\n]+`)
	githubToken = regexp.MustCompile(`\b(ghp|gho|ghu|ghs|ghr|github_pat)_[A-Za-z0-9_]{20,}\b`)
)

// Redacted replaces a secret value.
const Redacted = "REDACTED"

// Redact removes secrets from raw evidence: AWS access key IDs keep only their last
// four characters, and secret keys, session tokens, passwords, private keys,
// signatures, authorisation headers and GitHub tokens are replaced by REDACTED.
//
// Each pattern runs only when a literal it needs occurs in the data (a cheap scan),
// so redacting large facts files costs little more than reading them.
func Redact(data []byte) []byte {
	if len(data) == 0 {
		return data
	}
	out := data
	if containsAny(data, keyIDPrefixes) {
		out = accessKeyID.ReplaceAllFunc(out, func(m []byte) []byte {
			return append(bytes.Repeat([]byte{'*'}, len(m)-4), m[len(m)-4:]...)
		})
	}
	lower := bytes.ToLower(data)
	if containsAny(lower, secretJSONKeys) {
		out = secretJSON.ReplaceAll(out, []byte(`${1}"`+Redacted+`"`))
	}
	if containsAny(lower, secretXMLTags) {
		out = secretXML.ReplaceAllFunc(out, func(m []byte) []byte {
			sub := secretXML.FindSubmatch(m)
			return []byte("<" + string(sub[1]) + ">" + Redacted + "</" + string(sub[2]) + ">")
		})
	}
	if containsAny(lower, secretFormKeys) {
		out = secretForm.ReplaceAll(out, []byte("${1}="+Redacted))
	}
	if bytes.Contains(data, []byte("PRIVATE KEY-----")) {
		out = privateKey.ReplaceAll(out, []byte(Redacted+" PRIVATE KEY"))
	}
	if bytes.Contains(lower, []byte("authorization")) {
		out = authHeader.ReplaceAll(out, []byte("${1}"+Redacted))
	}
	if containsAny(data, githubPrefixes) {
		out = githubToken.ReplaceAll(out, []byte(Redacted))
	}
	return out
}

// The literals the patterns need: a pattern cannot match data without one.
var (
	keyIDPrefixes  = [][]byte{[]byte("AKIA"), []byte("ASIA"), []byte("AGPA"), []byte("AIDA"), []byte("AROA"), []byte("AIPA"), []byte("ANPA"), []byte("ANVA"), []byte("APKA"), []byte("ABIA"), []byte("ACCA")}
	secretJSONKeys = words(`"secretaccesskey"`, `"sessiontoken"`, `"securitytoken"`, `"aws_secret_access_key"`, `"aws_session_token"`, `"password"`, `"privatekey"`, `"clientsecret"`, `"token"`)
	secretXMLTags  = words("<secretaccesskey>", "<sessiontoken>", "<securitytoken>", "<password>", "<privatekey>")
	secretFormKeys = words("x-amz-security-token=", "secretaccesskey=", "sessiontoken=", "x-amz-signature=")
	githubPrefixes = [][]byte{[]byte("ghp_"), []byte("gho_"), []byte("ghu_"), []byte("ghs_"), []byte("ghr_"), []byte("github_pat_")}
)

func words(list ...string) [][]byte {
	out := make([][]byte, len(list))
	for i, w := range list {
		out[i] = []byte(w)
	}
	return out
}

func containsAny(data []byte, words [][]byte) bool {
	for _, w := range words {
		if bytes.Contains(data, w) {
			return true
		}
	}
	return false
}
