package evidence

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRedact(t *testing.T) {
	tests := []struct {
		name, in string
		gone     []string
		kept     []string
	}{
		{"access key id keeps last four", `{"AccessKeyId":"AKIAIOSFODNN7EXAMPLE"}`, []string{"AKIAIOSFODNN7EXAM"}, []string{"MPLE"}},
		{"temporary key id", `<AccessKeyId>ASIAXXXXXXXXXXXX1234</AccessKeyId>`, []string{"ASIAXXXX"}, []string{"1234"}},
		{"json secret and token", `{"SecretAccessKey":"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY","SessionToken":"FwoGZXIvYXdzEJr\"x"}`, []string{"wJalrXUtnFEMI", "FwoGZXIvYXdzEJr"}, []string{`"SecretAccessKey":"REDACTED"`}},
		{"xml secret", `<Credentials><SecretAccessKey>abc/def+ghi</SecretAccessKey><SessionToken>tok</SessionToken></Credentials>`, []string{"abc/def+ghi", ">tok<"}, []string{"<SessionToken>REDACTED</SessionToken>"}},
		{"query string token", `https://x/?X-Amz-Security-Token=IQoJb3JpZ2lu&X-Amz-Signature=abcdef`, []string{"IQoJb3JpZ2lu", "abcdef"}, nil},
		{"private key", "a -----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY----- b", []string{"MIIEow"}, []string{"a ", " b"}},
		{"github token", `token ghp_abcdefghijklmnopqrstuvwxyz0123456789`, []string{"ghp_abcdefghij"}, nil},
		{"docker config auths", `{"auths":{"registry.example.org":{"auth":"dXNlcjpwYXNzd29yZA==","identitytoken":"idtok-1234","registrytoken":"regtok-5678","password":"hunter22","username":"builder","email":"b@example.org"}},"credHelpers":{"123456789012.dkr.ecr.eu-west-2.amazonaws.com":"ecr-login"},"credsStore":"desktop"}`,
			[]string{"dXNlcjpwYXNzd29yZA==", "idtok-1234", "regtok-5678", "hunter22"},
			[]string{`"auth":"REDACTED"`, `"identitytoken":"REDACTED"`, `"registrytoken":"REDACTED"`, `"username":"builder"`, `"credHelpers":{"123456789012.dkr.ecr.eu-west-2.amazonaws.com":"ecr-login"}`, `"credsStore":"desktop"`}},
		{"docker config indented, upper case keys", "{\n  \"auths\": {\n    \"r\": {\n      \"Auth\" : \"YWRtaW46czNjcjN0\",\n      \"IdentityToken\": \"eyJhbGciOi\"\n    }\n  }\n}", []string{"YWRtaW46czNjcjN0", "eyJhbGciOi"}, []string{`"Auth" : "REDACTED"`}},
		{"credential helper answer", `{"ServerURL":"https://index.docker.io/v1/","Username":"builder","Secret":"dckr_pat_abcdef123456"}`, []string{"dckr_pat_abcdef123456"}, []string{`"Username":"builder"`, `"Secret":"REDACTED"`}},
		{"authorization basic header", "GET / HTTP/1.1\r\nAuthorization: Basic dXNlcjpwYXNz\r\n", []string{"dXNlcjpwYXNz"}, []string{"Authorization: REDACTED"}},
		{"authorization bearer in json", `{"Authorization":"Bearer eyJ0eXAiOiJKV1Qi"}`, []string{"eyJ0eXAiOiJKV1Qi"}, nil},
		{"authorization in a Go header map", `{"Authorization":["Basic dXNlcjpwYXNz"],"Accept":["*/*"]}`, []string{"dXNlcjpwYXNz"}, []string{`"Accept":["*/*"]`}},
		{"auth-like keys untouched", `{"authors":["Jo"],"oauth_enabled":true,"auth_type":"iam","secrets":[],"secret_scanning":"enabled"}`, nil, []string{`{"authors":["Jo"],"oauth_enabled":true,"auth_type":"iam","secrets":[],"secret_scanning":"enabled"}`}},
		{"innocent text unchanged", `{"Name":"research-raw","Encrypted":true}`, nil, []string{`{"Name":"research-raw","Encrypted":true}`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := string(Redact([]byte(tt.in)))
			for _, g := range tt.gone {
				if strings.Contains(out, g) {
					t.Errorf("%q still in %s", g, out)
				}
			}
			for _, k := range tt.kept {
				if !strings.Contains(out, k) {
					t.Errorf("%q lost from %s", k, out)
				}
			}
		})
	}
}

func TestEvidenceDir(t *testing.T) {
	root := t.TempDir()
	d := &Dir{Root: root}
	ref, err := d.Put("evidence/aws/1/s3/x.json", []byte(`{"AccessKeyId":"AKIAIOSFODNN7EXAMPLE"}`))
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(root, "evidence/aws/1/s3/x.json"))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(data, []byte("AKIAIOSFODNN7EXAM")) {
		t.Errorf("sink did not redact: %s", data)
	}
	if again, err := d.Put(ref.Path, []byte(`{"AccessKeyId":"AKIAIOSFODNN7EXAMPLE"}`)); err != nil || again != ref {
		t.Errorf("same content twice: %v %v", again, err)
	}
	if _, err := d.Put(ref.Path, []byte(`other`)); err == nil {
		t.Error("different content under the same path was accepted")
	}
	for _, bad := range []string{"../x", "evidence/../x", "/evidence/x", "evidence/a b", "other/x"} {
		if _, err := d.Put(bad, nil); err == nil {
			t.Errorf("path %q accepted", bad)
		}
	}
}

// BenchmarkRedact: a large facts-like document with no secret in it.
func BenchmarkRedact(b *testing.B) {
	var buf bytes.Buffer
	for i := 0; i < 20000; i++ {
		buf.WriteString(`{"id":"aws://111111111111/eu-west-2/s3/bucket/research-raw-`)
		buf.WriteString(strings.Repeat("x", i%7))
		buf.WriteString(`","attributes":{"encryption":{"sse_algorithm":"aws:kms"},"versioning_enabled":true}},` + "\n")
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		Redact(data)
	}
}

// redactReference is Redact as it was before scanLiterals and redactKeyIDs: every
// literal looked for in the whole data and its lower-cased copy, the access key
// IDs replaced with their regular expression. Redact must give the same bytes.
func redactReference(data []byte) []byte {
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

// TestRedactMatchesReference: the one-pass literal scan and the plain key-ID scan
// give exactly the bytes of the regular expressions over the whole data, secrets
// placed anywhere, across chunk boundaries, in upper, lower and mixed case and
// beside non-ASCII text.
func TestRedactMatchesReference(t *testing.T) {
	secrets := []string{
		`AKIAIOSFODNN7EXAMPLE`, `ASIAXXXXXXXXXXXX1234`, `AIDAABCDEFGHIJKLMNOP`, `AKIAabcdEFGHIJKLMNOP`, `AKIAIOSFODNN7EXAMPL`,
		`AKIAAKIAIOSFODNN7EXAMPLE1234`, `"SecretAccessKey":"wJalrXUtnFEMI/K7MDENG"`, `"sessiontoken" : "x\"y"`, `"TOKEN":"abc"`,
		`"Password":"hunter2"`, `"aws_session_token":"t"`, `<SecretAccessKey>abc</SecretAccessKey>`, `<password>p</Password>`,
		`X-Amz-Security-Token=IQoJb3&x=1`, `x-amz-signature=abcdef`, "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----",
		`"Authorization": "Bearer abc.def"`, `authorization=token 123`, `ghp_abcdefghijklmnopqrstuvwxyz0123456789`, `github_pat_0123456789abcdefghijkl`,
		`"secretaccesskey"`, `<sessiontoken>`, `Token`, `PRIVATE KEY-----`, "é\u212aΣ", "\xff\xfe", `"passWORD":"x"`, "\"secretaccess\u212a\u212a\u212a\u212a\u212a\u212aey\":\"s\"", "\u212aey\"", "é", "<Passwor\u212a>",
	}
	filler := []byte(`{"id":"aws://111111111111/eu-west-2/s3/bucket/research-raw","attributes":{"encryption":{"sse_algorithm":"aws:kms"}}},` + "\n")
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 100; i++ {
		var buf bytes.Buffer
		size := rng.IntN(3 * redactChunk)
		for buf.Len() < size {
			if rng.IntN(40) == 0 {
				buf.WriteString(secrets[rng.IntN(len(secrets))])
			} else {
				buf.Write(filler[:rng.IntN(len(filler))+1])
			}
		}
		data := buf.Bytes()
		// Also a secret straddling the first chunk boundary.
		if i%3 == 0 && len(data) > redactChunk+40 {
			s := secrets[rng.IntN(len(secrets))]
			at := redactChunk - rng.IntN(len(s)+1)
			data = append(append(append([]byte{}, data[:at]...), s...), data[at:]...)
		}
		in := append([]byte{}, data...)
		if got, want := Redact(data), redactReference(in); !bytes.Equal(got, want) {
			t.Fatalf("case %d: Redact differs from the reference (%d vs %d bytes)", i, len(got), len(want))
		}
		if !bytes.Equal(data, in) {
			t.Fatalf("case %d: Redact changed its input", i)
		}
	}
	for _, s := range secrets {
		if got, want := Redact([]byte(s)), redactReference([]byte(s)); !bytes.Equal(got, want) {
			t.Errorf("%q: got %q, want %q", s, got, want)
		}
	}
}
