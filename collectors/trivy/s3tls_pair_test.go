package trivy

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/checks/engine"
	"github.com/sdescan/sdescan/checks/policydoc"
	"github.com/sdescan/sdescan/collectors"
)

// s3TLSCases are bucket policies for bucket b with the verdict both AWS-S3-004
// (live) and IAC-S3-001 (code) must give them. A statement counts only when on
// its own it denies every principal all S3 actions on the bucket's objects under
// Bool or BoolIfExists aws:SecureTransport false and no other condition
// (collectors/aws/policy/lib_s3_policy.rego).
var s3TLSCases = []struct {
	name string
	pass bool
	stmt []any
}{
	{"base", true, []any{tlsStmt(nil)}},
	{"BoolIfExists", true, []any{tlsStmt(map[string]any{"Condition": map[string]any{"BoolIfExists": map[string]any{"aws:SecureTransport": "false"}}})}},
	{"boolean false", true, []any{tlsStmt(map[string]any{"Condition": map[string]any{"Bool": map[string]any{"aws:SecureTransport": false}}})}},
	{"key and value case", true, []any{tlsStmt(map[string]any{"Condition": map[string]any{"Bool": map[string]any{"AWS:SecureTransport": "FALSE"}}})}},
	{"value true", false, []any{tlsStmt(map[string]any{"Condition": map[string]any{"Bool": map[string]any{"aws:SecureTransport": "true"}}})}},
	{"Principal AWS *", true, []any{tlsStmt(map[string]any{"Principal": map[string]any{"AWS": "*"}})}},
	{"Principal one account", false, []any{tlsStmt(map[string]any{"Principal": map[string]any{"AWS": "arn:aws:iam::111111111111:root"}})}},
	{"NotPrincipal", false, []any{tlsStmt(map[string]any{"Principal": nil, "NotPrincipal": map[string]any{"AWS": "arn:aws:iam::111111111111:role/admin"}})}},
	{"Action *", true, []any{tlsStmt(map[string]any{"Action": "*"})}},
	{"Action one S3 action", false, []any{tlsStmt(map[string]any{"Action": []any{"s3:GetObject"}})}},
	{"NotAction other service", true, []any{tlsStmt(map[string]any{"Action": nil, "NotAction": []any{"iam:*"}})}},
	{"NotAction S3 action", false, []any{tlsStmt(map[string]any{"Action": nil, "NotAction": "s3:GetObject"})}},
	{"Allow", false, []any{tlsStmt(map[string]any{"Effect": "Allow"})}},
	{"objects only", true, []any{tlsStmt(map[string]any{"Resource": "arn:aws:s3:::b/*"})}},
	{"Resource *", true, []any{tlsStmt(map[string]any{"Resource": "*"})}},
	{"bucket ARN without /*", false, []any{tlsStmt(map[string]any{"Resource": "arn:aws:s3:::b"})}},
	{"another bucket", false, []any{tlsStmt(map[string]any{"Resource": "arn:aws:s3:::other/*"})}},
	{"narrowed by aws:SourceVpc", false, []any{tlsStmt(map[string]any{"Condition": map[string]any{
		"Bool":         map[string]any{"aws:SecureTransport": "false"},
		"StringEquals": map[string]any{"aws:SourceVpc": "vpc-1"},
	}})}},
	{"StringEquals aws:SecureTransport", false, []any{tlsStmt(map[string]any{"Condition": map[string]any{"StringEquals": map[string]any{"aws:SecureTransport": "false"}}})}},
	{"TLS version only", false, []any{tlsStmt(map[string]any{"Condition": map[string]any{"NumericLessThan": map[string]any{"s3:TlsVersion": "1.2"}}})}},
	{"two statements that only together cover", false, []any{
		tlsStmt(map[string]any{"Action": "s3:Get*"}),
		tlsStmt(map[string]any{"Action": nil, "NotAction": "s3:Get*"}),
	}},
	{"Allow beside the deny", true, []any{
		map[string]any{"Effect": "Allow", "Principal": map[string]any{"AWS": "arn:aws:iam::111111111111:root"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"},
		tlsStmt(nil),
	}},
	{"no TLS statement", false, []any{
		map[string]any{"Effect": "Allow", "Principal": map[string]any{"AWS": "arn:aws:iam::111111111111:root"}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"},
	}},
}

// tlsStmt is the TLS-only deny for bucket b with fields replaced (nil removes one).
func tlsStmt(with map[string]any) map[string]any {
	s := map[string]any{
		"Effect":    "Deny",
		"Principal": "*",
		"Action":    "s3:*",
		"Resource":  []any{"arn:aws:s3:::b", "arn:aws:s3:::b/*"},
		"Condition": map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}},
	}
	for k, v := range with {
		if v == nil {
			delete(s, k)
		} else {
			s[k] = v
		}
	}
	return s
}

// hclExpr writes v as an HCL expression.
func hclExpr(v any) string {
	switch x := v.(type) {
	case string:
		b, _ := json.Marshal(x)
		s := strings.ReplaceAll(string(b), "${", "$${")
		return strings.ReplaceAll(s, "%{", "%%{")
	case bool:
		return fmt.Sprint(x)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = hclExpr(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = hclExpr(k) + " = " + hclExpr(x[k])
		}
		return "{ " + strings.Join(parts, ", ") + " }"
	}
	panic(fmt.Sprintf("hclExpr: %T", v))
}

// policyDocumentHCL writes statements as a data "aws_iam_policy_document"
// (Effect Allow left to the provider's default; Principal "*" as type "*").
func policyDocumentHCL(name string, stmts []any) string {
	var b strings.Builder
	fmt.Fprintf(&b, "data \"aws_iam_policy_document\" %q {\n", name)
	list := func(v any) string {
		if l, ok := v.([]any); ok {
			return hclExpr(l)
		}
		return hclExpr([]any{v})
	}
	for _, x := range stmts {
		st := x.(map[string]any)
		b.WriteString("  statement {\n")
		if e := st["Effect"]; e != "Allow" {
			fmt.Fprintf(&b, "    effect = %s\n", hclExpr(e))
		}
		for _, f := range [][2]string{{"Action", "actions"}, {"NotAction", "not_actions"}, {"Resource", "resources"}, {"NotResource", "not_resources"}} {
			if v, ok := st[f[0]]; ok {
				fmt.Fprintf(&b, "    %s = %s\n", f[1], list(v))
			}
		}
		for _, f := range [][2]string{{"Principal", "principals"}, {"NotPrincipal", "not_principals"}} {
			switch p := st[f[0]].(type) {
			case string:
				fmt.Fprintf(&b, "    %s {\n      type = \"*\"\n      identifiers = [%s]\n    }\n", f[1], hclExpr(p))
			case map[string]any:
				for _, typ := range sortedKeys(p) {
					fmt.Fprintf(&b, "    %s {\n      type = %s\n      identifiers = %s\n    }\n", f[1], hclExpr(typ), list(p[typ]))
				}
			}
		}
		if c, ok := st["Condition"].(map[string]any); ok {
			for _, test := range sortedKeys(c) {
				kv := c[test].(map[string]any)
				for _, variable := range sortedKeys(kv) {
					fmt.Fprintf(&b, "    condition {\n      test = %s\n      variable = %s\n      values = %s\n    }\n", hclExpr(test), hclExpr(variable), list(kv[variable]))
				}
			}
		}
		b.WriteString("  }\n")
	}
	b.WriteString("}\n")
	return b.String()
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// TestS3TLSPairVerdicts feeds each bucket policy through every path — Terraform
// (jsonencode, a heredoc JSON text and a data "aws_iam_policy_document", through
// the real scanner), CloudFormation
// (YAML, through the real scanner) and live facts (the aws.s3.bucket the AWS
// collector writes, through the same normaliser) — and wants the same verdict
// from AWS-S3-004 and IAC-S3-001 on all five.
func TestS3TLSPairVerdicts(t *testing.T) {
	var tf, cfn strings.Builder
	cfn.WriteString("AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n")
	facts := &checks.Facts{}
	for i, tc := range s3TLSCases {
		doc := map[string]any{"Version": "2012-10-17", "Statement": tc.stmt}
		text, err := json.MarshalIndent(doc, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&tf, "resource \"aws_s3_bucket_policy\" \"je%02d\" {\n  bucket = \"b\"\n  policy = jsonencode(%s)\n}\n\n", i, hclExpr(doc))
		fmt.Fprintf(&tf, "resource \"aws_s3_bucket_policy\" \"hd%02d\" {\n  bucket = \"b\"\n  policy = <<-EOT\n%s\n  EOT\n}\n\n", i, text)
		fmt.Fprintf(&tf, "%s\nresource \"aws_s3_bucket_policy\" \"pd%02d\" {\n  bucket = \"b\"\n  policy = data.aws_iam_policy_document.pd%02d.json\n}\n\n", policyDocumentHCL(fmt.Sprintf("pd%02d", i), tc.stmt), i, i)
		flow, _ := json.Marshal(doc)
		fmt.Fprintf(&cfn, "  P%02d:\n    Type: AWS::S3::BucketPolicy\n    Properties:\n      Bucket: b\n      PolicyDocument: %s\n", i, flow)
		stmts, err := policydoc.Normalize(string(text))
		if err != nil {
			t.Fatal(err)
		}
		list := make([]any, len(stmts))
		for j, s := range stmts {
			list[j] = s
		}
		facts.Resources = append(facts.Resources, checks.Resource{
			ID: fmt.Sprintf("aws://111111111111/eu-west-2/s3/bucket/b%02d", i), Type: "aws.s3.bucket", Source: "aws",
			Attributes: map[string]any{"name": "b", "arn": "arn:aws:s3:::b", "policy": map[string]any{"present": true, "statements": list}},
		})
	}
	got := byResource(pairRun(t, map[string]string{"main.tf": tf.String(), "bucket.yaml": cfn.String()}, facts.Resources, "AWS-S3-004", "IAC-S3-001"))
	for i, tc := range s3TLSCases {
		want := checks.Fail
		if tc.pass {
			want = checks.Pass
		}
		for _, id := range []string{
			fmt.Sprintf("aws://111111111111/eu-west-2/s3/bucket/b%02d", i),
			fmt.Sprintf("iac:main.tf#aws_s3_bucket_policy.je%02d", i),
			fmt.Sprintf("iac:main.tf#aws_s3_bucket_policy.hd%02d", i),
			fmt.Sprintf("iac:main.tf#aws_s3_bucket_policy.pd%02d", i),
			fmt.Sprintf("iac:bucket.yaml#P%02d", i),
		} {
			f, ok := got[id]
			switch {
			case !ok:
				t.Errorf("%s: %s: no finding", tc.name, id)
			case f.Status != want:
				t.Errorf("%s: %s: %s, want %s (%v)", tc.name, id, f.Status, want, f.Messages)
			}
		}
	}
	if t.Failed() {
		ids := make([]string, 0, len(got))
		for id := range got {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		t.Logf("findings on: %v", ids)
	}
}

// TestS3TLSCodeIdioms: the ways code names the bucket's objects through a value
// known only once deployed count as the objects of the bucket (the live
// collector reads arn:aws:s3:::b/* for the same policy); a policy whose text is
// unknown offline is not assessed, never passed.
func TestS3TLSCodeIdioms(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"main.tf": `
resource "aws_s3_bucket" "b" {
  bucket = "b"
}

resource "aws_s3_bucket_policy" "ref" {
  bucket = aws_s3_bucket.b.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:*"
      Resource  = [aws_s3_bucket.b.arn, "${aws_s3_bucket.b.arn}/*"]
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }]
  })
}

resource "aws_s3_bucket_policy" "ref_bucket_only" {
  bucket = aws_s3_bucket.b.id
  policy = jsonencode({
    Statement = [{
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:*"
      Resource  = aws_s3_bucket.b.arn
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }]
  })
}

data "aws_iam_policy_document" "tls" {
  statement {
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = ["${aws_s3_bucket.b.arn}/*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "document" {
  bucket = aws_s3_bucket.b.id
  policy = data.aws_iam_policy_document.tls.json
}

locals {
  tls_json = data.aws_iam_policy_document.tls.json
}

resource "aws_s3_bucket_policy" "document_local" {
  bucket = aws_s3_bucket.b.id
  policy = local.tls_json
}

resource "aws_s3_bucket" "inline_document" {
  bucket = "inline-document"
  policy = data.aws_iam_policy_document.tls.json
}

data "aws_iam_policy_document" "sourced" {
  source_policy_documents = [data.aws_iam_policy_document.tls.json]
  statement {
    effect    = "Allow"
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.b.arn}/*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::111111111111:root"]
    }
  }
}

resource "aws_s3_bucket_policy" "sourced" {
  bucket = aws_s3_bucket.b.id
  policy = data.aws_iam_policy_document.sourced.json
}

data "aws_iam_policy_document" "overridden" {
  override_policy_documents = [jsonencode({ Statement = [] })]
  statement {
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = ["arn:aws:s3:::b/*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "overridden" {
  bucket = aws_s3_bucket.b.id
  policy = data.aws_iam_policy_document.overridden.json
}

variable "extra_actions" {
  type = list(string)
}

data "aws_iam_policy_document" "unknown_var" {
  statement {
    effect      = "Deny"
    not_actions = var.extra_actions
    resources   = ["arn:aws:s3:::b/*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "unknown_var" {
  bucket = aws_s3_bucket.b.id
  policy = data.aws_iam_policy_document.unknown_var.json
}

variable "conditions" {
  type = list(object({ test = string, variable = string, values = list(string) }))
}

data "aws_iam_policy_document" "dynamic" {
  statement {
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = ["arn:aws:s3:::b/*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
    dynamic "condition" {
      for_each = var.conditions
      content {
        test     = condition.value.test
        variable = condition.value.variable
        values   = condition.value.values
      }
    }
  }
}

resource "aws_s3_bucket_policy" "dynamic" {
  bucket = aws_s3_bucket.b.id
  policy = data.aws_iam_policy_document.dynamic.json
}

data "aws_iam_policy_document" "star_type_account" {
  statement {
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = ["arn:aws:s3:::b/*"]
    principals {
      type        = "*"
      identifiers = ["arn:aws:iam::111111111111:root"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "star_type_account" {
  bucket = aws_s3_bucket.b.id
  policy = data.aws_iam_policy_document.star_type_account.json
}

data "aws_iam_policy_document" "merged_values" {
  statement {
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = ["arn:aws:s3:::b/*"]
    principals {
      type        = "AWS"
      identifiers = ["*"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["true"]
    }
  }
}

resource "aws_s3_bucket_policy" "merged_values" {
  bucket = aws_s3_bucket.b.id
  policy = data.aws_iam_policy_document.merged_values.json
}

resource "aws_s3_bucket_policy" "transformed" {
  bucket = aws_s3_bucket.b.id
  policy = replace(data.aws_iam_policy_document.tls.json, "Deny", "Allow")
}

resource "aws_s3_bucket" "inline" {
  bucket = "inline"
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::111111111111:root" }, Action = "s3:GetObject", Resource = "arn:aws:s3:::inline/*" }]
  })
}
`,
		"bucket.yaml": `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  B:
    Type: AWS::S3::Bucket
  Sub:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref B
      PolicyDocument:
        Statement:
          - Effect: Deny
            Principal: "*"
            Action: "s3:*"
            Resource: [!GetAtt B.Arn, !Sub "${B.Arn}/*"]
            Condition: {Bool: {"aws:SecureTransport": false}}
  Join:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref B
      PolicyDocument:
        Statement:
          - Effect: Deny
            Principal: "*"
            Action: "s3:*"
            Resource: !Join ["", [!GetAtt B.Arn, "/*"]]
            Condition: {Bool: {"aws:SecureTransport": "false"}}
  Principal:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref B
      PolicyDocument:
        Statement:
          - Effect: Deny
            Principal: {AWS: !Ref Reader}
            Action: "s3:*"
            Resource: !Sub "${B.Arn}/*"
            Condition: {Bool: {"aws:SecureTransport": "false"}}
`,
	})
	res, err := New().Scan(context.Background(), dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	e, err := engine.New(collectors.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	findings, err := e.Evaluate(context.Background(), &checks.Facts{Resources: res.Resources}, engine.Params{AsOf: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]checks.Status{
		"iac:main.tf#aws_s3_bucket_policy.ref":               checks.Pass,
		"iac:main.tf#aws_s3_bucket_policy.ref_bucket_only":   checks.Fail,
		"iac:main.tf#aws_s3_bucket_policy.document":          checks.Pass,
		"iac:main.tf#aws_s3_bucket_policy.document_local":    checks.Pass,
		"iac:main.tf#aws_s3_bucket.inline_document":          checks.Fail, // the document covers bucket b's objects
		"iac:main.tf#aws_s3_bucket_policy.sourced":           checks.Error,
		"iac:main.tf#aws_s3_bucket_policy.overridden":        checks.Error,
		"iac:main.tf#aws_s3_bucket_policy.unknown_var":       checks.Error,
		"iac:main.tf#aws_s3_bucket_policy.dynamic":           checks.Error,
		"iac:main.tf#aws_s3_bucket_policy.star_type_account": checks.Error,
		"iac:main.tf#aws_s3_bucket_policy.merged_values":     checks.Fail,
		"iac:main.tf#aws_s3_bucket_policy.transformed":       checks.Error,
		"iac:main.tf#aws_s3_bucket.inline":                   checks.Fail,
		"iac:main.tf#aws_s3_bucket.b":                        checks.NotApplicable,
		"iac:bucket.yaml#Sub":                                checks.Pass,
		"iac:bucket.yaml#Join":                               checks.Pass,
		"iac:bucket.yaml#Principal":                          checks.Error,
		"iac:bucket.yaml#B":                                  checks.NotApplicable,
	}
	seen := map[string]bool{}
	for _, f := range findings {
		if f.CheckID != "IAC-S3-001" {
			continue
		}
		seen[f.ResourceID] = true
		if w, ok := want[f.ResourceID]; ok && f.Status != w {
			t.Errorf("%s: %s, want %s (%v)", f.ResourceID, f.Status, w, f.Messages)
		}
	}
	for id := range want {
		if !seen[id] && want[id] != checks.NotApplicable {
			t.Errorf("%s: no finding", id)
		}
	}
}
