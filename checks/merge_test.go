package checks

import (
	"strings"
	"testing"
	"time"
)

func TestMerge(t *testing.T) {
	at := func(h int) time.Time { return time.Date(2026, 11, 20, h, 0, 0, 0, time.UTC) }
	res := func(id, v string) Resource {
		return Resource{ID: id, Type: "aws.s3.bucket", Attributes: map[string]any{"name": v}}
	}
	a := &Facts{Tool: Version{Name: "sdescan", Version: "1"}, CollectedAt: at(9), Runs: []CollectorRun{{Collector: "aws", Scope: "1", Status: RunOK}}, Resources: []Resource{res("b", "x"), res("shared", "s")}}
	b := &Facts{CollectedAt: at(10), Runs: []CollectorRun{{Collector: "aws", Scope: "2", Status: RunOK}}, Resources: []Resource{res("a", "y"), res("shared", "s")}}
	m, err := Merge([]*Facts{a, b}, []string{"a.json", "b.json"})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Runs) != 2 || len(m.Resources) != 3 || m.Resources[0].ID != "a" || !m.CollectedAt.Equal(at(10)) || m.Tool.Version != "1" {
		t.Fatalf("merged %+v", m)
	}

	tests := []struct {
		name string
		b    *Facts
		want string
	}{
		{"conflicting resource", &Facts{Resources: []Resource{res("shared", "other")}}, "b.json: resource shared differs from the one in a.json"},
		{"overlapping run", &Facts{Runs: []CollectorRun{{Collector: "aws", Scope: "1", Status: RunOK}}}, "b.json: collector aws over 1 was also run in a.json"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Merge([]*Facts{a, tc.b}, []string{"a.json", "b.json"})
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
		})
	}
}
