package github

import (
	"bytes"
	"regexp"
	"strings"
)

// secretRule is one high-confidence pattern of a committed credential. Only the
// rule's name is ever recorded, never the text it matched.
type secretRule struct {
	name string
	re   *regexp.Regexp
	// reject, when set, discards a match that is a placeholder, not a secret.
	reject func(match []byte) bool
}

// secretRules are deliberately few and precise: a false positive on a research
// repository costs an operator time, a false negative is caught by GitHub's own
// secret scanning (see the github.repo facts).
var secretRules = []secretRule{
	// Access key IDs only (long-term AKIA, temporary ASIA, and the ABIA/ACCA
	// kinds): AIDA, AROA, AGPA and the other unique IDs of users, roles and
	// groups name principals, they are not credentials.
	{name: "aws-access-key-id", re: regexp.MustCompile(`\b(AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}\b`),
		reject: placeholderKeyID},
	// A private key block with a key in it: the header, any PEM headers, then at
	// least 60 base64 characters (the shortest real key, Ed25519 in PKCS #8, has
	// 64), across lines or escaped newlines (a key quoted in JSON or source). A
	// header alone (a prefix a test compares against, a redaction pattern) is no key.
	{name: "private-key", re: regexp.MustCompile(`-----BEGIN ((RSA|DSA|EC|OPENSSH|PGP|ENCRYPTED) )?PRIVATE KEY( BLOCK)?-----(?:(?:\s|\\[nr])+[A-Za-z][A-Za-z-]*:[^\n\\]*)*(?:(?:\s|\\[nr])*[A-Za-z0-9+/=]){60}`)},
	{name: "github-token", re: regexp.MustCompile(`\b((ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{60,})\b`),
		reject: placeholderToken},
	{name: "password-assignment", re: regexp.MustCompile(`(?i)\b(password|passwd|pwd|db_pass(word)?|secret_key|client_secret)\s*(=|:|<-|:=)\s*(["'])([^"'\s]{6,})(["'])`),
		reject: placeholderPassword},
}

// placeholderKeyID discards AWS's documented example key IDs (…EXAMPLE) and
// the hand-typed placeholders of docs and tests (a keyboard row, an alphabet
// run), which a randomly made key never contains.
func placeholderKeyID(m []byte) bool {
	if bytes.HasSuffix(m, []byte("EXAMPLE")) {
		return true
	}
	for _, p := range []string{"QWERTYUIOP", "ASDFGHJKL", "ZXCVBNM", "ABCDEFGHIJ"} {
		if bytes.Contains(m, []byte(p)) {
			return true
		}
	}
	return false
}

// placeholderToken discards tokens that are published placeholders, not
// credentials: a random token never holds a run like "abcdefghij".
func placeholderToken(m []byte) bool {
	v := strings.ToLower(string(m))
	for _, p := range []string{"example", "xxxxxxxx", "abcdefghij", "0123456789", "1234567890"} {
		if strings.Contains(v, p) {
			return true
		}
	}
	return false
}

var passwordValue = regexp.MustCompile(`(?i)(["'])([^"'\s]{6,})(["'])\s*$`)

// placeholderPassword discards assignments of obvious placeholders and of values
// read from the environment or a template.
func placeholderPassword(m []byte) bool {
	v := passwordValue.FindSubmatch(m)
	if v == nil {
		return true
	}
	val := strings.ToLower(string(v[2]))
	for _, p := range []string{"changeme", "change_me", "password", "example", "placeholder", "xxxx", "****", "${", "{{", "<", "dummy", "secret", "redacted", "your_", "your-", "getenv", "environ"} {
		if strings.Contains(val, p) {
			return true
		}
	}
	return false
}

// maxScanBytes bounds how much of one blob is scanned for secrets.
const maxScanBytes = 2 << 20

// scanSecrets returns the names of the rules matching data (each once, in rule
// order). Binary content (a NUL in the first 8 KiB) is skipped.
func scanSecrets(data []byte) []string {
	if len(data) > maxScanBytes {
		data = data[:maxScanBytes]
	}
	head := data
	if len(head) > 8192 {
		head = head[:8192]
	}
	if bytes.IndexByte(head, 0) >= 0 {
		return nil
	}
	var out []string
	for _, r := range secretRules {
		for _, m := range r.re.FindAll(data, 20) {
			if r.reject != nil && r.reject(m) {
				continue
			}
			out = append(out, r.name)
			break
		}
	}
	return out
}
