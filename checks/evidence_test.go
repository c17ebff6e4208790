package checks

import (
	"bytes"
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
	d := &EvidenceDir{Root: root}
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
