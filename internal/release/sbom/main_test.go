package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	cdx "github.com/CycloneDX/cyclonedx-go"
)

// TestSBOMOfABinary writes the SBOM of this test binary (a Go binary with build
// information that links cyclonedx-go and uuid): it parses as CycloneDX, lists
// the linked modules with purls, names the binary by its SHA-256, and the same
// binary gives the same bytes; SOURCE_DATE_EPOCH alone sets a timestamp.
func TestSBOMOfABinary(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	a, b, c := filepath.Join(dir, "a.json"), filepath.Join(dir, "b.json"), filepath.Join(dir, "c.json")
	for _, out := range []string{a, b} {
		if err := run(self, "9.9.9", out, ""); err != nil {
			t.Fatal(err)
		}
	}
	if err := run(self, "9.9.9", c, "1700000000"); err != nil {
		t.Fatal(err)
	}
	da, _ := os.ReadFile(a)
	db, _ := os.ReadFile(b)
	dc, _ := os.ReadFile(c)
	if !bytes.Equal(da, db) {
		t.Error("two SBOMs of one binary differ")
	}
	if bytes.Contains(da, []byte(`"timestamp"`)) {
		t.Error("a timestamp without SOURCE_DATE_EPOCH")
	}
	if !bytes.Contains(dc, []byte(`"timestamp": "2023-11-14T22:13:20Z"`)) {
		t.Errorf("SOURCE_DATE_EPOCH=1700000000 gave no timestamp 2023-11-14T22:13:20Z:\n%.400s", dc)
	}

	var bom cdx.BOM
	if err := cdx.NewBOMDecoder(bytes.NewReader(da), cdx.BOMFileFormatJSON).Decode(&bom); err != nil {
		t.Fatal(err)
	}
	if bom.BOMFormat != "CycloneDX" || bom.SpecVersion != cdx.SpecVersion1_6 {
		t.Errorf("format %q, spec %v", bom.BOMFormat, bom.SpecVersion)
	}
	if !strings.HasPrefix(bom.SerialNumber, "urn:uuid:") || len(bom.SerialNumber) != len("urn:uuid:")+36 {
		t.Errorf("serial number %q", bom.SerialNumber)
	}
	root := bom.Metadata.Component
	if root == nil || root.Version != "9.9.9" || root.Hashes == nil || len((*root.Hashes)[0].Value) != 64 {
		t.Fatalf("metadata component %+v", root)
	}
	purls := map[string]bool{}
	for _, c := range *bom.Components {
		name, _, _ := strings.Cut(c.PackageURL, "@")
		purls[name] = true
	}
	for _, want := range []string{"pkg:golang/stdlib", "pkg:golang/github.com/CycloneDX/cyclonedx-go", "pkg:golang/github.com/google/uuid"} {
		if !purls[want] {
			t.Errorf("no component %s in %v", want, purls)
		}
	}
	deps := *bom.Dependencies
	if len(deps) != 1 || deps[0].Ref != root.BOMRef || len(*deps[0].Dependencies) != len(*bom.Components) {
		t.Errorf("dependencies %+v", deps)
	}
}

func TestSBOMRefusals(t *testing.T) {
	dir := t.TempDir()
	notGo := filepath.Join(dir, "x")
	if err := os.WriteFile(notGo, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := run(notGo, "1", filepath.Join(dir, "o.json"), ""); err == nil || !strings.Contains(err.Error(), "no Go build information") {
		t.Errorf("a non-Go file: %v", err)
	}
	self, _ := os.Executable()
	if err := run(self, "1", filepath.Join(dir, "o.json"), "yesterday"); err == nil || !strings.Contains(err.Error(), "SOURCE_DATE_EPOCH") {
		t.Errorf("a bad SOURCE_DATE_EPOCH: %v", err)
	}
}
