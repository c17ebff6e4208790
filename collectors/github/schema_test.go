package github

import (
	"bytes"
	"context"
	"net/http/httptest"
	"testing"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/checks/schema"
)

// The facts both collectors write match checks/schema/facts.schema.json, whose
// git.repo, github.repo and github.org schemas are closed: a RAP level written into
// the facts (rap_level, rap_missing, rap_unassessed) is not a valid attribute.
func TestFactsMatchSchema(t *testing.T) {
	dir, _ := fixtures(t)
	local, run := CollectLocal(context.Background(), []string{dir}, LocalOptions{Recursive: true})
	srv := httptest.NewServer(newFakeGitHub(t))
	defer srv.Close()
	remote, run2, _ := collectFake(t, srv, "", &sleeper{}, nil)
	collected := &checks.Facts{Tool: checks.Version{Name: "sdescan", Version: "test"}, CollectedAt: fixtureTime,
		Runs: []checks.CollectorRun{run, run2}, Resources: append(local, remote...)}
	claim := func(typ, id, k string, v any) *checks.Facts {
		return &checks.Facts{Tool: checks.Version{Name: "sdescan", Version: "test"}, CollectedAt: fixtureTime,
			Resources: []checks.Resource{{ID: id, Type: typ, Source: "github", Attributes: map[string]any{"name": "x", k: v}}}}
	}
	cases := []struct {
		name  string
		facts *checks.Facts
		valid bool
	}{
		{"collected", collected, true},
		{"git.repo claiming gold", claim(TypeLocalRepo, "git:///src/x", "rap_level", "gold"), false},
		{"github.repo claiming gold", claim(TypeGitHubRepo, "github://github.com/nhs/x", "rap_level", "gold"), false},
		{"rap_missing", claim(TypeGitHubRepo, "github://github.com/nhs/x", "rap_missing", []any{}), false},
		{"rap_unassessed", claim(TypeLocalRepo, "git:///src/x", "rap_unassessed", []any{}), false},
		{"mistyped visibility", claim(TypeGitHubRepo, "github://github.com/nhs/x", "visibility", "open"), false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := checks.WriteJSON(&b, tc.facts); err != nil {
				t.Fatal(err)
			}
			err := schema.ValidateFacts(b.Bytes())
			if tc.valid && err != nil {
				t.Errorf("want valid: %v", err)
			}
			if !tc.valid && err == nil {
				t.Errorf("want invalid: %s", b.String())
			}
		})
	}
	if len(local) < 5 || len(remote) < 3 {
		t.Fatalf("%d local, %d remote resources", len(local), len(remote))
	}
	var types = map[string]bool{}
	for _, r := range collected.Resources {
		types[r.Type] = true
	}
	if !types[TypeLocalRepo] || !types[TypeGitHubRepo] || !types[TypeGitHubOrg] {
		t.Errorf("types %v", types)
	}
}
