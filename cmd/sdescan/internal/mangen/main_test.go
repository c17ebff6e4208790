package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestManPages: one page per command, completion included, dated by
// SOURCE_DATE_EPOCH, without cobra's "auto generated" stamp.
func TestManPages(t *testing.T) {
	dir := t.TempDir()
	if err := generate(dir, "1700000000"); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"sdescan.1", "sdescan-scan.1", "sdescan-iac.1", "sdescan-verify.1", "sdescan-completion-bash.1"} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Error(err)
			continue
		}
		page := string(data)
		if !strings.HasPrefix(page, ".nh\n.TH \"SDESCAN\" \"1\" \"Nov 2023\"") || strings.Contains(page, "Auto generated") {
			t.Errorf("%s: header or stamp:\n%.200s", name, page)
		}
	}
	if err := generate(dir, "today"); err == nil {
		t.Error("SOURCE_DATE_EPOCH=today accepted")
	}
}
