package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestEvaluateMergedShards splits the demo facts into three shards, by AWS
// account and Azure subscription, and checks that `evaluate --merge` gives
// exactly the result of the whole (both clouds in one assessment, as
// docs/scale.md shards them); and that overlapping shards and a missing --merge
// are input errors.
func TestEvaluateMergedShards(t *testing.T) {
	dir := t.TempDir()
	data, err := os.ReadFile(demoFacts(t))
	if err != nil {
		t.Fatal(err)
	}
	var whole map[string]any
	if err := json.Unmarshal(data, &whole); err != nil {
		t.Fatal(err)
	}
	shard := func(account, idPrefix string) string {
		s := map[string]any{}
		for k, v := range whole {
			s[k] = v
		}
		var runs, res []any
		for _, r := range whole["runs"].([]any) {
			if r.(map[string]any)["scope"] == account {
				runs = append(runs, r)
			}
		}
		for _, r := range whole["resources"].([]any) {
			if strings.HasPrefix(r.(map[string]any)["id"].(string), idPrefix) {
				res = append(res, r)
			}
		}
		s["runs"], s["resources"] = runs, res
		b, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		return write(t, dir, "shard-"+account+".json", string(b))
	}
	a, b := shard("111111111111", "aws://111111111111/"), shard("222222222222", "aws://222222222222/")
	const sub = "33333333-3333-3333-3333-333333333333"
	c := shard(sub, "/subscriptions/"+sub+"/")

	want := run(t, dir, "evaluate", demoFacts(t), "--format", "json")
	got := run(t, dir, "evaluate", "--merge", b, c, a, "--format", "json")
	if got.code != 0 {
		t.Fatalf("evaluate --merge: exit %d: %s", got.code, got.stderr)
	}
	if got.stdout != want.stdout {
		t.Error("the merged shards do not evaluate to the result of the whole estate")
	}
	if r := run(t, dir, "evaluate", a, b); r.code != 2 || !strings.Contains(r.stderr, "--merge") {
		t.Errorf("two files without --merge: exit %d %q, want 2", r.code, r.stderr)
	}
	if r := run(t, dir, "evaluate", "--merge", a, a); r.code != 2 || !strings.Contains(r.stderr, filepath.Base(a)) {
		t.Errorf("overlapping shards: exit %d %q, want 2 naming the shard", r.code, r.stderr)
	}
}
