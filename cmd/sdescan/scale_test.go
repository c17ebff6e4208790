package main

import (
	"bytes"
	"errors"
	"io"
	"os"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// yamlBlocks returns the ```yaml blocks of a Markdown file, each split into its
// documents.
func yamlBlocks(t *testing.T, file string) [][]map[string]any {
	t.Helper()
	doc, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]map[string]any
	for _, m := range regexp.MustCompile("(?s)```yaml\n(.*?)\n```").FindAllSubmatch(doc, -1) {
		dec := yaml.NewDecoder(bytes.NewReader(m[1]))
		var docs []map[string]any
		for {
			var d map[string]any
			err := dec.Decode(&d)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("%s: YAML block does not parse: %v\n%s", file, err, m[1])
			}
			docs = append(docs, d)
		}
		out = append(out, docs)
	}
	return out
}

func dig(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			l, _ := v.([]any)
			if k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

var sdescanCommand = regexp.MustCompile(`sdescan (collect|evaluate)[^\n]*`)

// checkCommands runs every sdescan command found in text through the real
// binary's flag parser (with --help, so nothing is collected).
func checkCommands(t *testing.T, where, text string) int {
	t.Helper()
	n := 0
	for _, line := range sdescanCommand.FindAllString(text, -1) {
		fields := strings.Fields(line)[1:]
		r := run(t, t.TempDir(), append(fields, "--help")...)
		if r.code != 0 {
			t.Errorf("%s: %q is not a valid sdescan command: %s", where, line, r.stderr)
		}
		n++
	}
	return n
}

// TestScaleManifests validates the sharding examples of docs/scale.md without
// applying them: a Kubernetes Indexed Job that collects one account per index and a
// Job that merges, and a GitHub Actions matrix with a merge job after it.
func TestScaleManifests(t *testing.T) {
	blocks := yamlBlocks(t, "../../docs/scale.md")
	if len(blocks) != 3 {
		t.Fatalf("docs/scale.md has %d YAML blocks, want 3 (Kubernetes, GitHub Actions for AWS accounts, for Azure subscriptions)", len(blocks))
	}

	k8s := blocks[0]
	if len(k8s) != 2 {
		t.Fatalf("Kubernetes block has %d documents, want the collect and evaluate Jobs", len(k8s))
	}
	collect, evaluate := k8s[0], k8s[1]
	for _, j := range k8s {
		if j["apiVersion"] != "batch/v1" || j["kind"] != "Job" || dig(j, "spec", "template", "spec", "restartPolicy") != "Never" {
			t.Errorf("not a valid batch/v1 Job: %v", j["metadata"])
		}
	}
	if dig(collect, "spec", "completionMode") != "Indexed" || dig(collect, "spec", "completions") != dig(collect, "spec", "parallelism") {
		t.Errorf("collect Job must be Indexed with one pod per completion")
	}
	script, _ := dig(collect, "spec", "template", "spec", "containers", 0, "args", 0).(string)
	if !strings.Contains(script, "JOB_COMPLETION_INDEX") || checkCommands(t, "collect Job", script) != 1 {
		t.Errorf("collect Job must pick its account by JOB_COMPLETION_INDEX and run one sdescan collect")
	}
	mergeScript, _ := dig(evaluate, "spec", "template", "spec", "containers", 0, "args", 0).(string)
	if !strings.Contains(mergeScript, "--merge") || checkCommands(t, "evaluate Job", mergeScript) != 1 {
		t.Errorf("evaluate Job must run sdescan evaluate --merge")
	}

	for i, shard := range []struct{ matrix, flag string }{{"account", "--aws"}, {"subscription", "--azure"}} {
		gha := blocks[1+i][0]
		jobs, _ := gha["jobs"].(map[string]any)
		list, _ := dig(jobs, "collect", "strategy", "matrix", shard.matrix).([]any)
		if len(list) < 2 || dig(jobs, "evaluate", "needs") != "collect" {
			t.Fatalf("workflow %d must have a collect matrix over %ss and an evaluate job that needs it", i+1, shard.matrix)
		}
		var steps strings.Builder
		for _, job := range []string{"collect", "evaluate"} {
			list, _ := dig(jobs, job, "steps").([]any)
			for _, s := range list {
				if r, ok := dig(s, "run").(string); ok {
					steps.WriteString(r + "\n")
				}
			}
		}
		if !strings.Contains(steps.String(), "${{ matrix."+shard.matrix+" }}") || !strings.Contains(steps.String(), "collect "+shard.flag) ||
			checkCommands(t, "workflow", steps.String()) != 2 {
			t.Errorf("workflow %d steps must collect %s per matrix %s and merge: %s", i+1, shard.flag, shard.matrix, steps.String())
		}
	}
}
