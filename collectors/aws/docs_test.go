package aws

import (
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// docsAWS is the documentation that lists what the collector may call.
const docsAWS = "../../docs/aws.md"

// TestDocsAllowList: the allow-list in docs/aws.md (between the allow-list
// markers) is the code's, in both directions, and every operation the table of
// what is collected names is on it.
func TestDocsAllowList(t *testing.T) {
	data, err := os.ReadFile(docsAWS)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	_, rest, ok := strings.Cut(doc, "<!-- allow-list: begin -->")
	section, _, ok2 := strings.Cut(rest, "<!-- allow-list: end -->")
	if !ok || !ok2 {
		t.Fatalf("%s: no allow-list markers", docsAWS)
	}
	notes := regexp.MustCompile(`\s*\([^)]*\)`)
	documented := map[string]bool{}
	for _, line := range strings.Split(section, "\n") {
		cells := strings.Split(strings.Trim(strings.TrimSpace(line), "|"), "|")
		if len(cells) != 2 || strings.TrimSpace(cells[0]) == "service" || strings.HasPrefix(strings.TrimSpace(cells[0]), "---") {
			continue
		}
		svc := strings.TrimSpace(cells[0])
		for _, op := range strings.Split(notes.ReplaceAllString(cells[1], ""), ",") {
			if op = strings.TrimSpace(op); op != "" {
				documented[svc+"/"+op] = true
			}
		}
	}
	code := map[string]bool{}
	names := map[string]bool{}
	for _, op := range AllowedOperations() {
		code[op.Service+"/"+op.Name] = true
		names[op.Name] = true
	}
	var missing, extra []string
	for k := range code {
		if !documented[k] {
			missing = append(missing, k)
		}
	}
	for k := range documented {
		if !code[k] {
			extra = append(extra, k)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	if len(missing) > 0 {
		t.Errorf("%s: allowed operations not in its allow-list: %v", docsAWS, missing)
	}
	if len(extra) > 0 {
		t.Errorf("%s: allow-list names operations the code does not allow: %v", docsAWS, extra)
	}

	// The table of what is collected: its APIs column names only allowed operations.
	opName := regexp.MustCompile(`\b(?:Get|List|Describe|Generate|Assume)[A-Z][A-Za-z0-9]*\b`)
	_, table, ok := strings.Cut(doc, "| service | facts (resource types) | APIs | calls |")
	if !ok {
		t.Fatalf("%s: no table of what is collected", docsAWS)
	}
	rows := 0
	for _, line := range strings.Split(table, "\n")[2:] {
		if !strings.HasPrefix(line, "|") {
			break
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		if len(cells) != 4 {
			t.Fatalf("%s: row with %d cells: %s", docsAWS, len(cells), line)
		}
		rows++
		for _, op := range opName.FindAllString(cells[2], -1) {
			if !names[op] {
				t.Errorf("%s: the table of what is collected names %s (%s), which is not on the allow-list", docsAWS, op, strings.TrimSpace(cells[0]))
			}
		}
	}
	if rows < 10 {
		t.Errorf("%s: only %d rows read from the table of what is collected", docsAWS, rows)
	}
	// Nor does the prose (outside code blocks; IAM actions such as
	// s3:ListAllMyBuckets are not operation names).
	prose := regexp.MustCompile("(?s)```.*?```").ReplaceAllString(doc, "")
	for _, m := range opName.FindAllStringIndex(prose, -1) {
		if op := prose[m[0]:m[1]]; !names[op] && (m[0] == 0 || prose[m[0]-1] != ':') {
			t.Errorf("%s names %s, which is not on the allow-list", docsAWS, op)
		}
	}
}
