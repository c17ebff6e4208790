package main

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// root is the repository, relative to this package.
const root = "../../.."

// TestChecksDepthDocUpToDate fails when docs/checks-depth.md differs from what
// the generator writes now, and when a check has no test.
func TestChecksDepthDocUpToDate(t *testing.T) {
	var got bytes.Buffer
	if err := generate(&got, root); err != nil {
		t.Fatalf("generate: %v", err)
	}
	if strings.Contains(got.String(), "No Rego test of its own yet.") {
		t.Error("a check has no Rego test: every check has a _test.rego beside it")
	}
	want, err := os.ReadFile(root + "/docs/checks-depth.md")
	if err != nil || !bytes.Equal(got.Bytes(), want) {
		t.Fatalf("docs/checks-depth.md is stale: run go run ./controls/internal/depthgen > docs/checks-depth.md (%v)", err)
	}
}

func TestParse(t *testing.T) {
	dir := t.TempDir()
	src := "package sdescan.checks.aws.x_test\n\nimport data.sdescan.checks.aws.x as check\nimport rego.v1\n\n# An IPv6 rule fails too.\ntest_ipv6_fails if {\n\ttrue\n}\n\ntest_plain if true\n"
	if err := os.WriteFile(dir+"/x_test.rego", []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := parse(dir + "/x_test.rego")
	if err != nil {
		t.Fatal(err)
	}
	if f.pkg != "data.sdescan.checks.aws.x_test" || len(f.imports) != 1 || f.imports[0] != "data.sdescan.checks.aws.x" {
		t.Fatalf("package %q imports %q", f.pkg, f.imports)
	}
	if len(f.tests) != 2 || describe(f.tests[0]) != "ipv6 fails: An IPv6 rule fails too." || describe(f.tests[1]) != "plain" || f.tests[0].line != 7 {
		t.Fatalf("tests %+v", f.tests)
	}
}
