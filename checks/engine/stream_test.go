package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/collectors"
)

// TestEvaluateFileMatchesWhole: streaming a facts file gives exactly what
// reading it whole and evaluating it gives — the findings, the facts' header,
// the recorded results, the count — and every file that does not validate gets
// ReadFactsFile's own error, word for word.
func TestEvaluateFileMatchesWhole(t *testing.T) {
	e, err := New(collectors.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	// A small budget: the findings of the larger files spill to disk, and
	// nothing is left behind.
	e.SpillBudget = 16 << 10
	t.Setenv("TMPDIR", t.TempDir())
	demo, err := os.ReadFile("../../fixtures/demo/facts.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(demo, &doc); err != nil {
		t.Fatal(err)
	}
	res := doc["resources"].([]any)
	// write writes the demo's header with resources made by mk, the members in
	// the given order.
	dir := t.TempDir()
	write := func(name string, order []string, resources []any, extra string) string {
		var b strings.Builder
		b.WriteString("{")
		for i, k := range order {
			if i > 0 {
				b.WriteString(",")
			}
			v := doc[k]
			if k == "resources" {
				v = resources
			}
			data, err := json.Marshal(v)
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&b, "%q:%s\n", k, data)
		}
		b.WriteString("}" + extra)
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(b.String()), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	many := make([]any, 0, 3*streamChunk+7)
	for i := range cap(many) {
		r := map[string]any{}
		for k, v := range res[i%len(res)].(map[string]any) {
			r[k] = v
		}
		r["id"] = fmt.Sprintf("%s#%05d", r["id"], i)
		many = append(many, r)
	}
	recorded := append([]any{map[string]any{"id": "trivy:AWS-0090@iac:a.tf#b", "type": checks.TypeRecordedResult, "source": "iac",
		"attributes": map[string]any{"check_id": "AWS-0090", "resource_id": "iac:a.tf#b", "resource_type": "iac.terraform.resource", "severity": "medium", "messages": []any{"m"}}}}, many...)
	header := []string{"tool", "catalogue", "collected_at", "runs", "resources"}
	late := []string{"resources", "tool", "catalogue", "collected_at", "runs"}
	dup := append(append([]any{}, many...), many[5])
	noType := append([]any{}, many...)
	noType[300] = map[string]any{"id": "x", "source": "aws"}
	unknown := append([]any{}, many...)
	unknown[600] = map[string]any{"id": "y", "type": "aws.s3.bucket", "surprise": true}
	for _, tc := range []struct {
		name, file string
		streamed   bool
	}{
		{"demo", write("demo.json", header, res, "\n"), true},
		{"several chunks", write("many.json", header, many, ""), true},
		{"recorded results", write("recorded.json", header, recorded, ""), true},
		{"header after the resources", write("late.json", late, many, ""), false},
		{"duplicate id", write("dup.json", header, dup, ""), false},
		{"no type", write("notype.json", header, noType, ""), false},
		{"unknown field", write("unknown.json", header, unknown, ""), false},
		{"trailing data", write("trailing.json", header, many, "{}"), false},
		{"truncated", func() string {
			p := write("cut.json", header, many, "")
			data, _ := os.ReadFile(p)
			os.WriteFile(p, data[:len(data)*2/3], 0o600)
			return p
		}(), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			params := func(f *checks.Facts) (Params, error) { return Params{AsOf: f.AsOf()}, nil }
			var seen atomic.Int64
			facts, n, set, err := e.EvaluateFile(context.Background(), tc.file, params, func(*checks.Resource) { seen.Add(1) })
			whole, werr := checks.ReadFactsFile(tc.file)
			if werr != nil {
				if err == nil || err.Error() != werr.Error() {
					t.Fatalf("EvaluateFile: %v, want ReadFactsFile's %v", err, werr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got, err := set.Collect()
			if err != nil {
				t.Fatal(err)
			}
			if tc.streamed && streams && tc.name != "demo" && !set.Spilled() {
				t.Error("not spilled")
			}
			if err := set.Close(); err != nil {
				t.Fatal(err)
			}
			want, err := e.Evaluate(context.Background(), whole, Params{AsOf: whole.AsOf()})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("findings differ: %d streamed, %d whole", len(got), len(want))
			}
			if n != len(whole.Resources) || int(seen.Load()) != n {
				t.Errorf("%d resources counted, %d observed, want %d", n, seen.Load(), len(whole.Resources))
			}
			rec, _ := checks.RecordedFindings(whole)
			if r, _ := checks.RecordedFindings(facts); !reflect.DeepEqual(r, rec) {
				t.Errorf("recorded findings %v, want %v", r, rec)
			}
			whole.Resources = nil
			facts.Resources = nil
			if !reflect.DeepEqual(facts, whole) {
				t.Errorf("header %+v, want %+v", facts, whole)
			}
			s, _ := e.streamFile(context.Background(), tc.file, params, nil)
			if streamed := s != nil && s.ok; streamed != (tc.streamed && streams) {
				t.Errorf("streamed = %v, want %v", streamed, tc.streamed)
			}
			if s != nil && s.findings != nil {
				s.findings.Close()
			}
			if left, _ := os.ReadDir(os.Getenv("TMPDIR")); len(left) != 0 {
				t.Errorf("left behind: %v", left)
			}
		})
	}
}
