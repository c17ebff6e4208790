package pack

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sdescan/sdescan/controls"
	"github.com/sdescan/sdescan/reports"
)

// TestReportInput proves a report read from a pack renders the very assessment
// the scan made (assessment.json decodes into controls.Assessment and encodes
// back to the same bytes), with the packed checks' metadata, and cites the pack
// as its manifest lists it.
func TestReportInput(t *testing.T) {
	p := buildPack(t, demoCase(t))
	file := writeZipFile(t, p)
	pi, err := ReadReportInput(file)
	if err != nil {
		t.Fatal(err)
	}
	if len(pi.Problems) > 0 {
		t.Fatalf("the demo pack does not match its manifest: %v", pi.Problems)
	}
	packed, _ := p.File(reports.PackAssessment)
	var buf bytes.Buffer
	if err := reports.JSON(&buf, pi.Assessment); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), packed) {
		t.Fatalf("assessment.json does not round-trip (line %d)", reports.FirstDiffLine(buf.Bytes(), packed))
	}
	if len(pi.Checks) == 0 || pi.Checks["AWS-S3-001"] == nil || pi.Checks["AWS-S3-001"].Remediation == "" {
		t.Fatal("the packed checks' metadata was not loaded")
	}

	// The pack as the reports cite it: every file the manifest lists, with its
	// digest, and where the attestations and waivers are (the names
	// reports' demoPack uses for the demo).
	md, _ := p.File(reports.PackManifest)
	var m Manifest
	if err := json.Unmarshal(md, &m); err != nil {
		t.Fatal(err)
	}
	src := pi.Pack
	if src == nil || src.ManifestSHA256 != sha256Hex(md) || len(src.Files) != len(m.Files) {
		t.Fatalf("pack source %+v", src)
	}
	for i, f := range m.Files {
		if src.Files[i] != (reports.PackFile{Path: f.Path, SHA256: f.SHA256}) {
			t.Errorf("file %d: %+v, manifest %+v", i, src.Files[i], f)
		}
	}
	wantAtt := []reports.PackedInput{{Name: "demo/attestations.yaml", File: "attestations/1/attestations.yaml"}}
	wantWaivers := []reports.PackedInput{{Name: "demo/waivers.yaml", File: "waivers/1/waivers.yaml"}}
	if len(src.Attestations) != 1 || src.Attestations[0] != wantAtt[0] || len(src.Waivers) != 1 || src.Waivers[0] != wantWaivers[0] {
		t.Errorf("attestations %+v, waivers %+v", src.Attestations, src.Waivers)
	}
}

// TestReadAssessment reads the same assessment from a zip pack, a pack directory
// and an assessment JSON file (with and without the trend object), and refuses
// what is not one.
func TestReadAssessment(t *testing.T) {
	p := buildPack(t, demoCase(t))
	zipFile := writeZipFile(t, p)
	dir := filepath.Join(t.TempDir(), "pack")
	if err := p.WriteDir(dir); err != nil {
		t.Fatal(err)
	}
	data, _ := p.File(reports.PackAssessment)
	tmp := t.TempDir()
	jsonFile := filepath.Join(tmp, "assessment.json")
	writeFile(t, jsonFile, string(data))
	var a controls.Assessment
	if err := json.Unmarshal(data, &a); err != nil {
		t.Fatal(err)
	}
	var withTrend bytes.Buffer
	if err := reports.JSONWithTrend(&withTrend, &a, &a); err != nil {
		t.Fatal(err)
	}
	score, _ := json.Marshal(a.Risk.Score)
	if !bytes.HasSuffix(withTrend.Bytes(), []byte(`"previous": {
    "as_of": "2026-11-20T09:00:00Z",
    "score": `+string(score)+`,
    "rag": "`+a.Risk.RAG+`"
  }
}
`)) {
		t.Errorf("trend object: %s", withTrend.Bytes()[withTrend.Len()-200:])
	}
	trendFile := filepath.Join(tmp, "trend.json")
	writeFile(t, trendFile, withTrend.String())
	for _, name := range []string{zipFile, dir, jsonFile, trendFile} {
		src, err := ReadAssessment(name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(src.Problems) > 0 || src.Assessment.AsOf != a.AsOf || src.Assessment.Risk.Score != a.Risk.Score || len(src.Assessment.Findings) != len(a.Findings) {
			t.Errorf("%s: %v %+v", name, src.Problems, src.Assessment.Risk)
		}
		if (src.Pack != nil) != (name == zipFile || name == dir) {
			t.Errorf("%s: pack %v", name, src.Pack)
		}
	}

	// A pack whose assessment was changed reads, with the mismatch as a problem.
	replaceIn(t, p, reports.PackAssessment, `"rag": "amber"`, `"rag": "green"`)
	src, err := ReadAssessment(writeZipFile(t, p))
	if err != nil {
		t.Fatal(err)
	}
	if len(src.Problems) != 1 || !strings.Contains(src.Problems[0], "assessment.json: sha256 ") {
		t.Errorf("problems %q", src.Problems)
	}

	for _, tt := range []struct{ body, want string }{
		{"", "not an evidence pack nor an assessment: unexpected end of JSON input"},
		{"{}", "not an sdescan assessment"},
		{`{"as_of": 1}`, "line 1"},
		{"PK\x03\x04garbage", "not a readable zip file"},
		{`{"tool": {"name": "x", "version": "1"}, "bogus": true}`, "bogus"},
	} {
		f := filepath.Join(tmp, "bad.json")
		if err := os.WriteFile(f, []byte(tt.body), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := ReadAssessment(f)
		if err == nil || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") || !strings.HasPrefix(err.Error(), f+": ") {
			t.Errorf("%q: error %v, want one line naming the file, containing %q", tt.body, err, tt.want)
		}
	}
	if _, err := ReadAssessment(filepath.Join(tmp, "absent.zip")); err == nil || !strings.Contains(err.Error(), "no such file") {
		t.Errorf("absent: %v", err)
	}
}
