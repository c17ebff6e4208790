package trivy

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/checks/engine"
	"github.com/sdescan/sdescan/collectors"
)

// pairForm is one way of writing a variant of a live/IaC pair test: a
// Terraform resource, a CloudFormation resource or live facts. Each pair test
// (appstream_pair_test.go, sagemaker_pair_test.go, …) lists variants, each with
// the verdict every form of it must get from its check.
type pairForm struct {
	// check is the ID of the check that judges this form.
	check string
	// id is the resource ID the finding names.
	id string
}

// pairRun scans files (Terraform and CloudFormation, through the real parser),
// adds the live resources and evaluates the built-in checks, returning the
// findings of checkIDs by check and resource ID. The scan must leave no entry
// (everything it was given was assessed).
func pairRun(t *testing.T, files map[string]string, live []checks.Resource, checkIDs ...string) map[[2]string]checks.Finding {
	t.Helper()
	return pairRunWith(t, files, live, engine.Params{AsOf: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}, checkIDs...)
}

// pairRunWith is pairRun with the checks' parameters (break-glass roles…).
func pairRunWith(t *testing.T, files map[string]string, live []checks.Resource, p engine.Params, checkIDs ...string) map[[2]string]checks.Finding {
	t.Helper()
	dir := t.TempDir()
	writeTree(t, dir, files)
	res, err := New().Scan(context.Background(), dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range res.Entries {
		t.Errorf("scan entry %+v", e)
	}
	facts := &checks.Facts{Resources: append(append([]checks.Resource{}, live...), res.Resources...)}
	e, err := engine.New(collectors.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	findings, err := e.Evaluate(context.Background(), facts, p)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{}
	for _, id := range checkIDs {
		want[id] = true
	}
	got := map[[2]string]checks.Finding{}
	for _, f := range findings {
		if want[f.CheckID] {
			got[[2]string{f.CheckID, f.ResourceID}] = f
		}
	}
	return got
}

// pairWant checks that every form of variant got status want (NotApplicable:
// no finding, or a not-applicable one).
func pairWant(t *testing.T, got map[[2]string]checks.Finding, variant string, want checks.Status, forms ...pairForm) {
	t.Helper()
	for _, form := range forms {
		f, ok := got[[2]string{form.check, form.id}]
		switch {
		case !ok && want == checks.NotApplicable:
		case !ok:
			t.Errorf("%s: %s %s: no finding, want %s (findings on %s)", variant, form.check, form.id, want, pairIDs(got))
		case f.Status != want:
			t.Errorf("%s: %s %s: %s, want %s (%v)", variant, form.check, form.id, f.Status, want, f.Messages)
		}
	}
}

func pairIDs(got map[[2]string]checks.Finding) string {
	ids := make([]string, 0, len(got))
	for k := range got {
		ids = append(ids, k[0]+"@"+k[1])
	}
	sort.Strings(ids)
	return strings.Join(ids, ", ")
}

// pairLive is a live resource of type typ named name in the test account and
// region.
func pairLive(typ, path, name string, attrs map[string]any) checks.Resource {
	return checks.Resource{
		ID:         fmt.Sprintf("aws://111111111111/eu-west-2/%s/%s", path, name),
		Type:       typ,
		Source:     "aws",
		Scope:      checks.Scope{Account: "111111111111", Region: "eu-west-2"},
		Attributes: attrs,
	}
}

// pairStatus is the status a variant's verdict names.
func pairStatus(pass bool) checks.Status {
	if pass {
		return checks.Pass
	}
	return checks.Fail
}

// cfnTemplate is a CloudFormation template of the resources given as logical
// ID → (type, Properties YAML indented by six spaces).
func cfnTemplate(resources [][3]string) string {
	var b strings.Builder
	b.WriteString("AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n")
	for _, r := range resources {
		fmt.Fprintf(&b, "  %s:\n    Type: %s\n", r[0], r[1])
		if strings.TrimSpace(r[2]) != "" {
			b.WriteString("    Properties:\n")
			for _, line := range strings.Split(strings.TrimRight(r[2], "\n"), "\n") {
				b.WriteString("      " + line + "\n")
			}
		} else {
			b.WriteString("    Properties: {}\n")
		}
	}
	return b.String()
}

// byResource keys pair findings by resource ID alone (each resource has one
// check of the pair).
func byResource(got map[[2]string]checks.Finding) map[string]checks.Finding {
	out := make(map[string]checks.Finding, len(got))
	for k, f := range got {
		out[k[1]] = f
	}
	return out
}
