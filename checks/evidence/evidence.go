package evidence

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/sdescan/sdescan/checks"
)

// Sink keeps raw evidence (an API response, a scanned file) and returns the
// reference that facts cite. The data must already be redacted (see Redact); a
// sink redacts again, so a forgotten call cannot leak a credential.
type Sink interface {
	Put(path string, data []byte) (checks.EvidenceRef, error)
}

// Prefix starts every evidence path. Paths are slash-separated and
// relative to the directory that holds the facts file, as in an evidence pack
// (facts.json beside evidence/).
const Prefix = "evidence/"

// Dir is a Sink writing under Root (the directory of the facts
// file): a reference "evidence/aws/…/x.json" is the file Root/evidence/aws/…/x.json.
type Dir struct {
	Root string

	mu      sync.Mutex
	written map[string]string // path -> sha256
}

// Put writes data, redacted, to path under the root. Writing the same path twice
// with the same content is a no-op; with different content it is an error (two
// pieces of evidence must never share a name).
func (d *Dir) Put(p string, data []byte) (checks.EvidenceRef, error) {
	if err := ValidPath(p); err != nil {
		return checks.EvidenceRef{}, err
	}
	data = Redact(data)
	sum := sha256.Sum256(data)
	ref := checks.EvidenceRef{Path: p, SHA256: hex.EncodeToString(sum[:])}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.written == nil {
		d.written = map[string]string{}
	}
	if prev, ok := d.written[p]; ok {
		if prev != ref.SHA256 {
			return checks.EvidenceRef{}, fmt.Errorf("evidence %s: written twice with different content", p)
		}
		return ref, nil
	}
	file := filepath.Join(d.Root, filepath.FromSlash(p))
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return checks.EvidenceRef{}, fmt.Errorf("evidence %s: %w", p, err)
	}
	if err := os.WriteFile(file, data, 0o644); err != nil {
		return checks.EvidenceRef{}, fmt.Errorf("evidence %s: %w", p, err)
	}
	d.written[p] = ref.SHA256
	return ref, nil
}

// ValidPath accepts clean, relative, slash-separated paths under
// "evidence/" made of safe characters only.
func ValidPath(p string) error {
	if !strings.HasPrefix(p, Prefix) || path.Clean(p) != p || strings.Contains(p, "..") {
		return fmt.Errorf("evidence path %q: must be a clean path under %s", p, Prefix)
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
	// Docker's configuration keeps registry credentials under "auth" (base64 of
	// user:password), "identitytoken", "registrytoken" and "password"; a credential
	// helper answers with "Secret".
	secretJSON = regexp.MustCompile(`(?i)("(?:SecretAccessKey|SessionToken|SecurityToken|aws_secret_access_key|aws_session_token|Password|PrivateKey|ClientSecret|Token|Auth|IdentityToken|RegistryToken|Secret)"\s*:\s*)"(?:[^"\\]|\\.)*"`)
	secretXML  = regexp.MustCompile(`(?is)<(SecretAccessKey|SessionToken|SecurityToken|Password|PrivateKey)>[^<]*</(SecretAccessKey|SessionToken|SecurityToken|Password|PrivateKey)>`)
	secretForm = regexp.MustCompile(`(?i)\b(X-Amz-Security-Token|SecretAccessKey|SessionToken|X-Amz-Signature)=[^&\s"]+`)
	privateKey = regexp.MustCompile(`(?s)-----BEGIN ([A-Z ]*)PRIVATE KEY-----.*?-----END ([A-Z ]*)PRIVATE KEY-----`)
	// An Authorization header as text ("Authorization: Basic …"), as JSON
	// ("Authorization":"Bearer …") or as a Go http.Header (["Basic …"]).
	authHeader  = regexp.MustCompile(`(?i)(Authorization"?\s*[:=]\s*\[?\s*"?)(AWS4-HMAC-SHA256|Bearer|token|Basic|Digest|Negotiate)\s[^"\n]+`)
	githubToken = regexp.MustCompile(`\b(ghp|gho|ghu|ghs|ghr|github_pat)_[A-Za-z0-9_]{20,}\b`)
)

// Redacted replaces a secret value.
const Redacted = "REDACTED"

// Redact removes secrets from raw evidence: AWS access key IDs keep only their last
// four characters, and secret keys, session tokens, passwords, private keys,
// signatures, authorisation headers and GitHub tokens are replaced by REDACTED.
//
// Each pattern runs only when a literal it needs occurs in the data. The literals
// are looked for in one pass over the data (scanLiterals, in cache-sized chunks,
// without lower-casing the whole document), and the access key IDs, a fixed-length
// pattern, are replaced by a plain scan instead of a regular expression, so
// redacting large facts files costs little more than reading them.
func Redact(data []byte) []byte {
	if len(data) == 0 {
		return data
	}
	h := scanLiterals(data)
	out := data
	if h&hitKeyID != 0 {
		out = redactKeyIDs(out)
	}
	if h&hitJSON != 0 {
		out = secretJSON.ReplaceAll(out, []byte(`${1}"`+Redacted+`"`))
	}
	if h&hitXML != 0 {
		out = secretXML.ReplaceAllFunc(out, func(m []byte) []byte {
			sub := secretXML.FindSubmatch(m)
			return []byte("<" + string(sub[1]) + ">" + Redacted + "</" + string(sub[2]) + ">")
		})
	}
	if h&hitForm != 0 {
		out = secretForm.ReplaceAll(out, []byte("${1}="+Redacted))
	}
	if h&hitPrivateKey != 0 {
		out = privateKey.ReplaceAll(out, []byte(Redacted+" PRIVATE KEY"))
	}
	if h&hitAuth != 0 {
		out = authHeader.ReplaceAll(out, []byte("${1}"+Redacted))
	}
	if h&hitGitHub != 0 {
		out = githubToken.ReplaceAll(out, []byte(Redacted))
	}
	return out
}

// The literals the patterns need: a pattern cannot match data without one.
var (
	keyIDPrefixes    = [][]byte{[]byte("AKIA"), []byte("ASIA"), []byte("AGPA"), []byte("AIDA"), []byte("AROA"), []byte("AIPA"), []byte("ANPA"), []byte("ANVA"), []byte("APKA"), []byte("ABIA"), []byte("ACCA")}
	secretJSONKeys   = words(`"secretaccesskey"`, `"sessiontoken"`, `"securitytoken"`, `"aws_secret_access_key"`, `"aws_session_token"`, `"password"`, `"privatekey"`, `"clientsecret"`, `"token"`, `"auth"`, `"identitytoken"`, `"registrytoken"`, `"secret"`)
	secretXMLTags    = words("<secretaccesskey>", "<sessiontoken>", "<securitytoken>", "<password>", "<privatekey>")
	secretFormKeys   = words("x-amz-security-token=", "secretaccesskey=", "sessiontoken=", "x-amz-signature=")
	authorization    = []byte("authorization")
	privateKeyMarker = []byte("PRIVATE KEY-----")
	githubPrefixes   = [][]byte{[]byte("ghp_"), []byte("gho_"), []byte("ghu_"), []byte("ghs_"), []byte("ghr_"), []byte("github_pat_")}
)

// hits says which patterns' literals occur in the data.
type hits uint8

const (
	hitKeyID hits = 1 << iota
	hitJSON
	hitXML
	hitForm
	hitPrivateKey
	hitAuth
	hitGitHub

	hitsOriginal = hitKeyID | hitPrivateKey | hitGitHub // looked for in the data as it is
	hitsLower    = hitJSON | hitXML | hitForm | hitAuth // looked for in the data lower-cased
)

// redactChunk is how much of the data scanLiterals looks at at a time.
const redactChunk = 64 << 10

// Longest literal minus one: how far a literal can reach back into the chunk before.
var (
	originalOverlap = maxLen(keyIDPrefixes, githubPrefixes, [][]byte{privateKeyMarker}) - 1
	lowerOverlap    = maxLen(secretJSONKeys, secretXMLTags, secretFormKeys, [][]byte{authorization}) - 1
)

// scanLiterals reports which literals occur in data: those of hitsOriginal in
// data itself, those of hitsLower in bytes.ToLower(data). It gives exactly what
// searching the whole of data and of bytes.ToLower(data) gives, in one pass over
// chunks small enough to stay in cache, without lower-casing the data: each
// literal is looked for at the occurrences of one of its letters that is rare in
// facts and reports (anchors), found with bytes.IndexByte. A chunk that holds a
// non-ASCII byte, which bytes.ToLower may turn into ASCII (the Kelvin sign into
// k), is lower-cased and searched as a whole instead. Chunks end before an ASCII
// byte, which no UTF-8 sequence continues through, so lower-casing chunk by chunk
// gives the bytes of bytes.ToLower(data); each search also covers the end of the
// chunk before, so a literal across two chunks is found.
func scanLiterals(data []byte) hits {
	var h hits
	var low []byte
	for start := 0; start < len(data) && h != hitsOriginal|hitsLower; {
		end := min(start+redactChunk, len(data))
		for end < len(data) && data[end] >= utf8.RuneSelf {
			end++
		}
		if h&hitsOriginal != hitsOriginal {
			h |= originalAnchors.find(data[max(0, start-originalOverlap):end], false) & hitsOriginal
		}
		if h&hitsLower != hitsLower {
			from := max(0, start-lowerOverlap)
			if window := data[from:end]; isASCII(window) {
				h |= lowerAnchorSet.find(window, true) & hitsLower
			} else {
				// A rune of up to 4 bytes may lower-case to one: go back far
				// enough for the longest literal, to an ASCII byte, so the bytes
				// are those of bytes.ToLower(data) there.
				from = max(0, start-utf8.UTFMax*lowerOverlap)
				for from > 0 && data[from] >= utf8.RuneSelf {
					from--
				}
				low = appendLower(low[:0], data[from:end])
				if h&hitJSON == 0 && containsAny(low, secretJSONKeys) {
					h |= hitJSON
				}
				if h&hitXML == 0 && containsAny(low, secretXMLTags) {
					h |= hitXML
				}
				if h&hitForm == 0 && containsAny(low, secretFormKeys) {
					h |= hitForm
				}
				if h&hitAuth == 0 && bytes.Contains(low, authorization) {
					h |= hitAuth
				}
			}
		}
		start = end
	}
	return h
}

// anchored is a literal, the pattern it stands for, and the index of its anchor.
type anchored struct {
	lit []byte
	at  int
	hit hits
}

// anchorSet holds literals grouped by their anchor letter.
type anchorSet struct {
	letters  []byte
	byAnchor [][]anchored
}

func newAnchorSet(anchors string, groups map[hits][][]byte) anchorSet {
	var s anchorSet
	for bit := hits(1); bit != 0; bit <<= 1 {
		for _, lit := range groups[bit] {
			// The first anchor, in the order given, that the literal holds.
			at := -1
			for i := 0; i < len(anchors) && at < 0; i++ {
				at = bytes.IndexByte(lit, anchors[i])
			}
			if at < 0 {
				panic("redact: literal " + string(lit) + " has no anchor in " + anchors)
			}
			k := bytes.IndexByte(s.letters, lit[at])
			if k < 0 {
				k = len(s.letters)
				s.letters = append(s.letters, lit[at])
				s.byAnchor = append(s.byAnchor, nil)
			}
			s.byAnchor[k] = append(s.byAnchor[k], anchored{lit: lit, at: at, hit: bit})
		}
	}
	return s
}

// find reports the patterns with a literal in data, ignoring ASCII case when fold
// is set (the literals are lower-case then, data ASCII).
func (s anchorSet) find(data []byte, fold bool) hits {
	var h hits
	for k, c := range s.letters {
		h |= findAnchored(data, c, s.byAnchor[k], fold)
		if fold && 'a' <= c && c <= 'z' {
			h |= findAnchored(data, c-('a'-'A'), s.byAnchor[k], fold)
		}
	}
	return h
}

func findAnchored(data []byte, c byte, lits []anchored, fold bool) hits {
	var h, all hits
	for _, l := range lits {
		all |= l.hit
	}
	for i := 0; i < len(data); i++ {
		j := bytes.IndexByte(data[i:], c)
		if j < 0 {
			break
		}
		i += j
		for _, l := range lits {
			from := i - l.at
			if h&l.hit != 0 || from < 0 || from+len(l.lit) > len(data) {
				continue
			}
			if fold && equalFoldLower(data[from:from+len(l.lit)], l.lit) || !fold && bytes.Equal(data[from:from+len(l.lit)], l.lit) {
				h |= l.hit
			}
		}
		if h == all {
			break
		}
	}
	return h
}

// equalFoldLower reports whether ASCII b lower-cased is lit.
func equalFoldLower(b, lit []byte) bool {
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lit[i] {
			return false
		}
	}
	return true
}

func isASCII(b []byte) bool {
	for len(b) >= 8 {
		if binary.LittleEndian.Uint64(b)&0x8080808080808080 != 0 {
			return false
		}
		b = b[8:]
	}
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// The anchors: letters rare in facts, findings and reports, one in every literal,
// rarest first ("auth" and "secret" hold none of the rare ones).
var (
	originalAnchors = newAnchorSet("AgV", map[hits][][]byte{hitKeyID: keyIDPrefixes, hitGitHub: githubPrefixes, hitPrivateKey: {privateKeyMarker}})
	lowerAnchorSet  = newAnchorSet("kwzlhc", map[hits][][]byte{hitJSON: secretJSONKeys, hitXML: secretXMLTags, hitForm: secretFormKeys, hitAuth: {authorization}})
)

// appendLower appends bytes.ToLower(s) to dst.
func appendLower(dst, s []byte) []byte {
	for _, c := range s {
		if c >= utf8.RuneSelf {
			return append(dst, bytes.ToLower(s)...)
		}
	}
	n := len(dst)
	dst = append(dst, s...)
	for i, c := range dst[n:] {
		if 'A' <= c && c <= 'Z' {
			dst[n+i] = c + ('a' - 'A')
		}
	}
	return dst
}

func maxLen(lists ...[][]byte) int {
	n := 0
	for _, l := range lists {
		for _, w := range l {
			n = max(n, len(w))
		}
	}
	return n
}

// keyIDLen is the length of an access key ID: a four-letter prefix and 16 of
// [A-Z0-9], of which the last four are kept.
const keyIDLen = 20

// redactKeyIDs does what accessKeyID.ReplaceAllFunc does (the pattern is of fixed
// length, so its leftmost non-overlapping matches are found by trying each
// position in turn): every access key ID keeps only its last four characters.
func redactKeyIDs(data []byte) []byte {
	var out []byte
	last := 0
	for i := 0; i+keyIDLen <= len(data); {
		j := bytes.IndexByte(data[i:len(data)-keyIDLen+1], 'A')
		if j < 0 {
			break
		}
		i += j
		if !isKeyIDAt(data[i : i+keyIDLen]) {
			i++
			continue
		}
		if out == nil {
			out = make([]byte, 0, len(data))
		}
		out = append(out, data[last:i]...)
		out = append(out, "****************"...)
		out = append(out, data[i+keyIDLen-4:i+keyIDLen]...)
		i += keyIDLen
		last = i
	}
	if out == nil {
		return data
	}
	return append(out, data[last:]...)
}

func isKeyIDAt(m []byte) bool {
	prefix := false
	for _, p := range keyIDPrefixes {
		if bytes.Equal(m[:4], p) {
			prefix = true
			break
		}
	}
	if !prefix {
		return false
	}
	for _, c := range m[4:] {
		if !('A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

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
