package trivy

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// writeTree writes files (slash paths relative to dir) under dir.
func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// scanWithin scans dir and fails the test when the scan takes longer than
// within.
func scanWithin(t *testing.T, dir string, opts Options, within time.Duration) *Result {
	t.Helper()
	start := time.Now()
	res, err := New().Scan(context.Background(), dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > within {
		t.Errorf("scan took %s, want under %s", d, within)
	}
	return res
}

// entryFor returns the reasons of the entries on a path.
func entryFor(res *Result, path string) []string {
	var out []string
	for _, e := range res.Entries {
		if e.Path == path {
			out = append(out, e.Kind+": "+e.Reason)
		}
	}
	return out
}

func wantEntry(t *testing.T, res *Result, path string, want ...string) {
	t.Helper()
	reasons := entryFor(res, path)
	for _, r := range reasons {
		ok := true
		for _, w := range want {
			ok = ok && strings.Contains(r, w)
		}
		if ok {
			return
		}
	}
	t.Errorf("%s: no entry with %q; entries: %+v", path, want, res.Entries)
}

// billionLaughs is a ~1 KB Kubernetes manifest whose aliases expand to 10^9
// strings.
func billionLaughs() string {
	s := "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: lol\ndata:\n  a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
	prev := "a"
	for _, name := range []string{"b", "c", "d", "e", "f", "g", "h", "i"} {
		s += "  " + name + ": &" + name + " [" + strings.Repeat("*"+prev+",", 8) + "*" + prev + "]\n"
		prev = name
	}
	return s
}

// TestYAMLAliasBound: a billion-laughs manifest and a CloudFormation template
// aliasing one large string are refused before anything decodes them: not
// assessed with the reason, quickly and in little memory; the file beside them
// is scanned.
func TestYAMLAliasBound(t *testing.T) {
	dir := t.TempDir()
	big := strings.Repeat("x", 1<<20)
	cfn := "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Bucket:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: &s " + big + "\n      Tags:\n" +
		strings.Repeat("        - {Key: k, Value: *s}\n", 100)
	writeTree(t, dir, map[string]string{
		"k8s/lol.yaml":      billionLaughs(),
		"cfn/template.yaml": cfn,
		"k8s/ok.yaml":       "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fine\n",
	})
	if n := len(billionLaughs()); n > 1200 {
		t.Fatalf("the manifest is %d bytes, want about 1 KB", n)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	res := scanWithin(t, dir, Options{}, time.Minute)
	runtime.ReadMemStats(&after)
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 1<<30 {
		t.Errorf("the scan allocated %d MiB, want under 1 GiB", grew>>20)
	}
	wantEntry(t, res, "k8s/lol.yaml", "not_assessed", "YAML aliases expand to more than 64 MiB", "not assessed")
	wantEntry(t, res, "cfn/template.yaml", "not_assessed", "YAML aliases expand to more than 64 MiB")
	for _, e := range res.Entries {
		if !e.Refused {
			t.Errorf("an entry beyond a bound does not fail a gate: %+v", e)
		}
	}
	for _, r := range res.Resources {
		if r.Scope.Path == "k8s/lol.yaml" || r.Scope.Path == "cfn/template.yaml" {
			t.Errorf("a resource from a file beyond the bound: %s", r.ID)
		}
	}
	for _, m := range res.Misconfigurations {
		if m.Path == "k8s/lol.yaml" || m.Path == "cfn/template.yaml" {
			t.Errorf("Trivy scanned a file beyond the bound: %+v", m)
		}
	}
	found := false
	for _, r := range res.Resources {
		found = found || r.ID == "iac:k8s/ok.yaml#ConfigMap/fine"
	}
	if !found {
		t.Error("the manifest beside them was not parsed")
	}
}

// TestTerraformInstanceBound: count and for_each are expanded up to the bound
// and not beyond; a block beyond is not assessed, with its size, quickly.
func TestTerraformInstanceBound(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"huge/main.tf": `resource "aws_s3_bucket" "many" {
  count  = 100000000
  bucket = "b-${count.index}"
}
`,
		"range/main.tf": `resource "aws_s3_bucket" "ranged" {
  for_each = toset([for i in range(1000000) : tostring(i)])
  bucket   = each.key
}
`,
		"tofu/main.tofu": "resource \"aws_s3_bucket\" \"many\" {\n  count = 100000000\n}\n",
		// A local named like sdescan's cannot choose the count it evaluates.
		"collide/main.tf": `resource "aws_s3_bucket" "hidden" {
  count = 1
}

locals {
  sdescan_bound_0 = 0
}
`,
		"unknown/main.tf": `variable "n" {}

resource "aws_s3_bucket" "some" {
  count = var.n
}
`,
		"small/main.tf": `variable "n" {
  default = 3
}

resource "aws_s3_bucket" "few" {
  count  = var.n
  bucket = "few-${count.index}"
}

resource "aws_s3_bucket" "named" {
  for_each = toset(["a", "b"])
  bucket   = each.key
}
`,
	})
	res := scanWithin(t, dir, Options{}, 2*time.Minute)
	wantEntry(t, res, "huge/main.tf", "not_assessed", `resource "aws_s3_bucket" "many": count expands to 100000000 instances, more than the 10000 sdescan expands per block`)
	// range stops at 1024 values: the for_each is an error, unknown offline.
	wantEntry(t, res, "range/main.tf", "not_assessed", `resource "aws_s3_bucket" "ranged": for_each is not known offline`)
	for _, e := range res.Entries {
		// Beyond a bound fails a gate; unknown offline (as a remote module) does not.
		if want := e.Path == "huge/main.tf" || e.Path == "tofu/main.tofu"; e.Refused != want {
			t.Errorf("%+v: refused %v, want %v", e, e.Refused, want)
		}
	}
	wantEntry(t, res, "tofu/main.tofu", "not_assessed", `resource "aws_s3_bucket" "many": count expands to 100000000 instances`)
	for _, r := range res.Resources {
		if r.Scope.Path == "unknown/main.tf" {
			refs, _ := r.Attributes["unknown_references"].(map[string]any)
			if got := refs["count"]; len(refs) != 1 || len(got.([]any)) != 1 || got.([]any)[0] != "var.n" {
				t.Errorf("unknown count: references %v, want var.n as written", refs)
			}
		}
	}
	if e := entryFor(res, "small/main.tf"); len(e) > 0 {
		t.Errorf("entries on a small configuration: %v", e)
	}
	count := map[string]int{}
	for _, r := range res.Resources {
		count[r.Scope.Path]++
	}
	if count["small/main.tf"] != 5 || count["collide/main.tf"] != 1 || count["unknown/main.tf"] != 1 {
		t.Errorf("%d, %d and %d resources, want 3 + 2, 1 and 1 (count unknown: one)", count["small/main.tf"], count["collide/main.tf"], count["unknown/main.tf"])
	}
	for _, f := range []string{"huge/main.tf", "range/main.tf", "tofu/main.tofu"} {
		if count[f] != 0 {
			t.Errorf("%s: %d resources, want none (not expanded)", f, count[f])
		}
	}
	// Findings keep their lines: the rewrite adds lines only at the end.
	for _, m := range res.Misconfigurations {
		if m.Path == "small/main.tf" && (m.StartLine < 5 || m.StartLine > 13) {
			t.Errorf("finding at line %d of small/main.tf: %+v", m.StartLine, m)
		}
	}
}

// TestTerraformTotalBound: a for_each beyond the bound is not expanded; the
// blocks of one directory share the total bound.
func TestTerraformTotalBound(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"product/main.tf": `resource "aws_s3_bucket" "product" {
  for_each = toset([for p in setproduct(range(20), range(10)) : "${p[0]}-${p[1]}"])
  bucket   = each.key
}
`,
		"shared/main.tf": `resource "aws_s3_bucket" "a" {
  count = 6
}

resource "aws_s3_bucket" "b" {
  count = 5
}
`,
	})
	res := scanWithin(t, dir, Options{MaxInstances: 100, MaxTotalInstances: 10}, time.Minute)
	wantEntry(t, res, "product/main.tf", `resource "aws_s3_bucket" "product": for_each expands to 200 instances, more than the 10 sdescan expands per block`)
	wantEntry(t, res, "shared/main.tf", `resource "aws_s3_bucket" "a": count expands to 6 instances, more than the 5 sdescan expands per block here (10 in all, shared by the 2 count and for_each blocks`)
	if len(res.Entries) != 2 {
		t.Errorf("want two entries, got %+v", res.Entries)
	}
	n := 0
	for _, r := range res.Resources {
		if r.Scope.Path == "shared/main.tf" {
			n++
		}
	}
	if n != 5 {
		t.Errorf("shared/main.tf: %d resources, want the 5 of b", n)
	}
}

// TestHelmBound: a chart looping a literal ten million times is not rendered;
// one whose loop bound is computed is stopped by the time bound;
// both are not assessed and Trivy does not render them either.
func TestHelmBound(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"literal/Chart.yaml":          "apiVersion: v2\nname: literal\nversion: 0.1.0\n",
		"literal/templates/cm.yaml":   "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n{{- range $i := until 10000000 }}\n  k{{ $i }}: v\n{{- end }}\n",
		"valued/Chart.yaml":           "apiVersion: v2\nname: valued\nversion: 0.1.0\n",
		"valued/templates/cm.yaml":    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: y\n{{- $n := int (mul 100 100) }}{{- range $i := until $n }}{{ range $j := until $n }}{{ end }}{{ end }}\n",
		"fine/Chart.yaml":             "apiVersion: v2\nname: fine\nversion: 0.1.0\n",
		"fine/templates/cm.yaml":      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: z\ndata:\n{{- range $i := until 3 }}\n  k{{ $i }}: v\n{{- end }}\n",
		"fine/templates/_helpers.tpl": "{{- define \"x\" }}{{ end }}\n",
		"packaged/app-1.0.0.tgz":      "not unpacked",
	})
	res := scanWithin(t, dir, Options{Timeout: 2 * time.Second}, 30*time.Second)
	wantEntry(t, res, "literal/templates/cm.yaml", "not_assessed", `"until 10000000" loops more than 10000 times`)
	wantEntry(t, res, "valued/Chart.yaml", "not_assessed", "Helm rendering of the chart did not end within the 2s time bound")
	wantEntry(t, res, "packaged/app-1.0.0.tgz", "not_assessed", "archive not unpacked")
	found := false
	for _, r := range res.Resources {
		found = found || r.ID == "iac:fine/templates/cm.yaml#ConfigMap/z"
		if strings.HasPrefix(r.Scope.Path, "literal/") || strings.HasPrefix(r.Scope.Path, "valued/") {
			t.Errorf("a resource from a chart beyond a bound: %s", r.ID)
		}
	}
	// The time bound ends the whole scan: what came after the chart may be
	// not assessed too, never clean; the fine chart rendered before it.
	if !found {
		t.Errorf("the chart within the bounds was not rendered: %+v", res.Entries)
	}
}

// TestOutsideModule: a local module outside the scanned folder is followed,
// read-only, as terraform does: its files are listed and its resources judged,
// under their path relative to the scanned folder.
func TestOutsideModule(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"envs/prod/main.tf": `module "bucket" {
  source = "../../modules/bucket"
  name   = "research-raw"
}
`,
		"modules/bucket/main.tf": `variable "name" {}

resource "aws_s3_bucket" "this" {
  bucket = var.name
}

resource "aws_s3_bucket_public_access_block" "this" {
  bucket                  = aws_s3_bucket.this.id
  block_public_acls       = false
  block_public_policy     = false
  ignore_public_acls      = false
  restrict_public_buckets = false
}
`,
	})
	res := scanWithin(t, filepath.Join(dir, "envs"), Options{Prefix: "envs"}, time.Minute)
	if res.Files["modules/bucket/main.tf"] != KindTerraform {
		t.Errorf("the module's file is not listed: %v", res.Files)
	}
	if len(res.Entries) != 0 {
		t.Errorf("entries: %+v", res.Entries)
	}
	var bucket map[string]any
	for _, r := range res.Resources {
		if r.Scope.Path == "modules/bucket/main.tf" && r.Attributes["resource_type"] == "aws_s3_bucket" {
			bucket = r.Attributes["config"].(map[string]any)
		}
	}
	if bucket["bucket"] != "research-raw" {
		t.Errorf("the module was not evaluated with its caller's inputs: %v", bucket)
	}
	public := false
	for _, m := range res.Misconfigurations {
		if m.Path == "modules/bucket/main.tf" && (m.CheckID == "AWS-0086" || m.CheckID == "AWS-0087" || m.CheckID == "AWS-0091" || m.CheckID == "AWS-0093") {
			public = true
		}
	}
	if !public {
		t.Errorf("Trivy's public access checks did not fail on the module: %+v", res.Misconfigurations)
	}
}

// TestSymlinks: a link to a file inside the tree is scanned under its name; a
// link outside it, a dangling link and a loop are not assessed, with the
// reason, and the walk ends.
func TestSymlinks(t *testing.T) {
	dir := t.TempDir()
	outside := t.TempDir()
	writeTree(t, dir, map[string]string{
		"shared/bucket.tf.txt": "resource \"aws_s3_bucket\" \"linked\" {\n  bucket = \"linked\"\n}\n",
	})
	writeTree(t, outside, map[string]string{
		"secret.tf": "resource \"aws_s3_bucket\" \"outside\" {}\n",
	})
	links := map[string]string{
		"infra/main.tf":     "../shared/bucket.tf.txt",
		"infra/outside.tf":  filepath.Join(outside, "secret.tf"),
		"infra/dangling.tf": "nowhere.tf",
		"infra/loop1.tf":    "loop2.tf",
		"infra/loop2.tf":    "loop1.tf",
		"infra/elsewhere":   outside,
	}
	if err := os.MkdirAll(filepath.Join(dir, "infra"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(dir, filepath.FromSlash(name))); err != nil {
			t.Fatal(err)
		}
	}
	res := scanWithin(t, dir, Options{}, time.Minute)
	if res.Files["infra/main.tf"] != KindTerraform {
		t.Errorf("the link inside the tree was not scanned: %v", res.Files)
	}
	found := false
	for _, r := range res.Resources {
		found = found || r.ID == "iac:infra/main.tf#aws_s3_bucket.linked"
		if strings.Contains(r.ID, "outside") {
			t.Errorf("a file outside the tree was read: %s", r.ID)
		}
	}
	if !found {
		t.Error("the linked file's resource is missing")
	}
	wantEntry(t, res, "infra/outside.tf", "not_assessed", "symbolic link to a file outside the scanned folder")
	wantEntry(t, res, "infra/dangling.tf", "not_assessed", "symbolic link that does not resolve")
	wantEntry(t, res, "infra/loop1.tf", "not_assessed", "symbolic link that does not resolve")
	wantEntry(t, res, "infra/elsewhere", "not_assessed", "symbolic link to a directory outside the scanned folder")
}
