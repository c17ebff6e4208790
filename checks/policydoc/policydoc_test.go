package policydoc

import (
	"encoding/json"
	"testing"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		name, doc, want string
	}{
		{
			"single statement, strings and star principal",
			`{"Statement":{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b/*","Condition":{"Bool":{"aws:SecureTransport":false}}}}`,
			`[{"actions":["s3:*"],"conditions":{"Bool":{"aws:securetransport":["false"]}},"effect":"Deny","principals":{"AWS":["*"]},"resources":["arn:aws:s3:::b/*"]}]`,
		},
		{
			"lists, sid, not-fields and service principals",
			`{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Principal":{"Service":"logging.s3.amazonaws.com"},"NotAction":["s3:Delete*"],"NotResource":"x"}]}`,
			`[{"effect":"Allow","not_actions":["s3:Delete*"],"not_resources":["x"],"principals":{"Service":["logging.s3.amazonaws.com"]},"sid":"A"}]`,
		},
		{
			"URL-encoded, as IAM returns documents",
			`%7B%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22%2A%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D`,
			`[{"actions":["*"],"effect":"Allow","resources":["*"]}]`,
		},
		{"no statements", `{"Version":"2012-10-17"}`, `[]`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Normalize(tc.doc)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := json.Marshal(got)
			if string(b) != tc.want {
				t.Errorf("got  %s\nwant %s", b, tc.want)
			}
		})
	}
	for _, doc := range []string{
		`{not json`,
		`{"Statement":[{"Effect":"Deny","Condition":{"Bool":{"aws:SecureTransport":"false"},"StringEquals":"vpc-1"}}]}`,
		`{"Statement":[{"Effect":"Deny","Condition":"x"}]}`,
	} {
		if _, err := Normalize(doc); err == nil {
			t.Errorf("malformed policy accepted: %s", doc)
		}
	}
}
