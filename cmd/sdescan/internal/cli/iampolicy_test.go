package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sdescan/sdescan/collectors/azure"
)

// TestIAMPolicyAzure: iam-policy --azure prints a custom role whose actions
// are exactly the Azure collector's (sorted, without repeats), each a read,
// with no data action and the placeholder scope docs/azure.md tells the user
// to replace.
func TestIAMPolicyAzure(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := Main(context.Background(), []string{"iam-policy", "--azure"}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	var role struct {
		Name             string
		IsCustom         bool
		Description      string
		Actions          []string
		NotActions       []string
		DataActions      []string
		NotDataActions   []string
		AssignableScopes []string
	}
	dec := json.NewDecoder(bytes.NewReader(out.Bytes()))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&role); err != nil {
		t.Fatalf("not a role definition: %v", err)
	}
	if role.Name != "sdescan reader" || !role.IsCustom || role.Description == "" {
		t.Errorf("name %q, custom %v, description %q", role.Name, role.IsCustom, role.Description)
	}
	if len(role.NotActions) != 0 || len(role.DataActions) != 0 || len(role.NotDataActions) != 0 {
		t.Errorf("not, data and not-data actions must be empty: %v %v %v", role.NotActions, role.DataActions, role.NotDataActions)
	}
	if !slices.Equal(role.AssignableScopes, []string{"/subscriptions/00000000-0000-0000-0000-000000000000"}) {
		t.Errorf("assignable scopes %v", role.AssignableScopes)
	}
	if want := azure.Actions(); !slices.Equal(role.Actions, want) {
		t.Errorf("actions %v, want the collector's %v", role.Actions, want)
	}
	if !slices.IsSorted(role.Actions) || len(slices.Compact(slices.Clone(role.Actions))) != len(role.Actions) {
		t.Errorf("actions not sorted or repeated: %v", role.Actions)
	}
	if len(role.Actions) == 0 {
		t.Fatal("no actions")
	}
	// Every action is a read: */read, or needed only by POSTs on the
	// read-only policy's allow-list. Every operation needing it passes Judge.
	for _, a := range role.Actions {
		var ops []azure.Operation
		for _, op := range azure.Operations() {
			if op.Action == a {
				ops = append(ops, op)
			}
		}
		if len(ops) == 0 {
			t.Errorf("%s: no operation needs it", a)
		}
		for _, op := range ops {
			if err := azure.Judge(op.Method, samplePath(op.Path)); err != nil {
				t.Errorf("%s (%s): %v", a, op.Name, err)
			}
			if !strings.HasSuffix(strings.ToLower(a), "/read") && op.Method != "POST" {
				t.Errorf("%s (%s %s): neither */read nor an allowed read POST", a, op.Method, op.Name)
			}
		}
	}

	// docs/azure.md shows the role as printed.
	doc, err := os.ReadFile(filepath.Join("..", "..", "..", "..", "docs", "azure.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(doc), strings.TrimSpace(out.String())) {
		t.Errorf("docs/azure.md does not show the role iam-policy --azure prints:\n%s", out.String())
	}

	// Without --azure it is still the AWS policy.
	out.Reset()
	if code := Main(context.Background(), []string{"iam-policy"}, &out, &errOut); code != 0 || !strings.Contains(out.String(), `"Statement"`) {
		t.Errorf("iam-policy without --azure: exit %d, %s", code, out.String())
	}
}

// samplePath fills an operation's path template with plain segment values.
func samplePath(template string) string {
	parts := strings.Split(template, "/")
	for i, p := range parts {
		if strings.HasPrefix(p, "{") {
			parts[i] = "x"
		}
	}
	return strings.Join(parts, "/")
}
