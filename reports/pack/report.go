package pack

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/checks/engine"
	"github.com/sdescan/sdescan/checks/evidence"
	"github.com/sdescan/sdescan/checks/limits"
	"github.com/sdescan/sdescan/controls"
	"github.com/sdescan/sdescan/reports"
)

// ReportInput is a report's input read from an evidence pack.
type ReportInput struct {
	reports.Input
	// Problems say, one line each, where the pack does not match its manifest
	// (a file missing, extra, or with another digest or size). A report is made
	// from a pack only when it is empty, unless the caller chose not to verify.
	Problems []string
}

// ReadReportInput reads an evidence pack (zip file or directory) with the hardened
// reader and the default limits, checks every file against the manifest's digests
// and sizes, and decodes what reports are rendered from: assessment.json, the
// metadata of the packed checks, and the files of facts.json's resources. The raw
// evidence is hashed, never kept. The error is for a pack that cannot be read or
// whose assessment cannot be decoded; digest mismatches are Problems.
func ReadReportInput(name string) (*ReportInput, error) {
	pc, m, err := openPack(name, DefaultLimits, func(n string) bool { return !strings.HasPrefix(n, evidence.Prefix) })
	if err != nil {
		return nil, err
	}
	pi := &ReportInput{}
	pi.Problems = manifestProblems(m, pc)

	a, err := packedAssessment(name, pc)
	if err != nil {
		return nil, err
	}

	// The checks' metadata, from the packed policies, compiled (never run) only
	// when every file matches the manifest. A pack whose policies do not load,
	// or that does not match, still reports: its checks are then described by
	// the assessment.
	var list []*checks.Check
	fsys := newMemFS(pc)
	var sources []checks.PolicySource
	for _, p := range m.Policies {
		if ValidPath(p.Dir) != nil || !strings.HasPrefix(p.Dir, packChecks+"/") {
			sources = nil
			break
		}
		sub, err := fs.Sub(fsys, p.Dir)
		if err != nil {
			sources = nil
			break
		}
		sources = append(sources, checks.PolicySource{Name: p.Name, FS: sub})
	}
	if len(sources) > 0 && len(pi.Problems) == 0 {
		if e, err := engine.New(sources...); err == nil {
			list = e.Checks()
		}
	}
	var resources []checks.Resource
	if fe, ok := pc.Entries[reports.PackFacts]; ok && fe.Data != nil {
		if facts, err := checks.DecodeFactsBytes(fe.Data, reports.PackFacts); err == nil {
			resources = facts.Resources
		}
	}
	pi.Input = reports.NewInput(a, list, resources)
	pi.Pack = sourceOf(m, pc)
	return pi, nil
}

// sourceOf describes a pack as the reports cite it: its manifest's digest as
// read, the files it lists and where its attestations and waivers are.
func sourceOf(m *Manifest, pc *Contents) *reports.PackSource {
	src := &reports.PackSource{ManifestSHA256: pc.Entries[reports.PackManifest].SHA256}
	for _, f := range m.Files {
		src.Files = append(src.Files, reports.PackFile{Path: f.Path, SHA256: f.SHA256})
	}
	for _, e := range m.Attestations {
		src.Attestations = append(src.Attestations, reports.PackedInput{Name: e.Name, File: e.File})
	}
	for _, e := range m.Waivers {
		src.Waivers = append(src.Waivers, reports.PackedInput{Name: e.Name, File: e.File})
	}
	return src
}

// AssessmentSource is an assessment read for comparison: from an evidence pack
// (digest-checked) or from an assessment JSON file.
type AssessmentSource struct {
	Assessment *controls.Assessment
	// Pack is set when it was read from an evidence pack.
	Pack *reports.PackSource
	// Problems say where a pack does not match its manifest (see ReportInput).
	Problems []string
}

// zipMagic starts every zip file sdescan reads as a pack.
var zipMagic = []byte("PK\x03\x04")

// ReadAssessment reads an assessment to compare: a pack directory, a pack zip
// file (read with the hardened reader, every file checked against the manifest,
// only manifest.json and assessment.json kept), or an assessment JSON file as
// --format json and --output-dir write it. The error, one line naming the file,
// is for what cannot be read or decoded; digest mismatches are Problems.
func ReadAssessment(name string) (*AssessmentSource, error) {
	st, err := os.Stat(name)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, cleanPathErr(err))
	}
	if !st.IsDir() {
		// A regular file (a FIFO or a device such as /dev/zero is refused at
		// once), and an assessment within limits.Assessment.
		f, err := limits.Open(name)
		if err != nil {
			return nil, err
		}
		head := make([]byte, len(zipMagic))
		n, _ := io.ReadFull(f, head)
		if !bytes.Equal(head[:n], zipMagic) {
			data, err := limits.ReadAll(io.MultiReader(bytes.NewReader(head[:n]), f), name, limits.Assessment)
			f.Close()
			if err != nil {
				return nil, err
			}
			a, err := reports.DecodeAssessment(data)
			if err != nil {
				return nil, fmt.Errorf("%s: not an evidence pack nor an assessment: %w", name, err)
			}
			return &AssessmentSource{Assessment: a}, nil
		}
		f.Close()
	}
	keep := func(n string) bool { return n == reports.PackManifest || n == reports.PackAssessment }
	pc, m, err := openPack(name, DefaultLimits, keep)
	if err != nil {
		return nil, err
	}
	a, err := packedAssessment(name, pc)
	if err != nil {
		return nil, err
	}
	if err := reports.CheckAssessment(a); err != nil {
		return nil, fmt.Errorf("%s: %s: %w", name, reports.PackAssessment, err)
	}
	return &AssessmentSource{Assessment: a, Pack: sourceOf(m, pc), Problems: manifestProblems(m, pc)}, nil
}

// packedAssessment decodes the pack's assessment.json, strictly; name is the
// pack, for errors.
func packedAssessment(name string, pc *Contents) (*controls.Assessment, error) {
	ae, ok := pc.Entries[reports.PackAssessment]
	if !ok {
		return nil, fmt.Errorf("%s: no %s", name, reports.PackAssessment)
	}
	var a controls.Assessment
	if err := checks.DecodeJSONStrict(ae.Data, &a); err != nil {
		return nil, fmt.Errorf("%s: %s: %w", name, reports.PackAssessment, err)
	}
	return &a, nil
}

// manifestProblems compares the files of a pack with its manifest.
func manifestProblems(m *Manifest, pc *Contents) []string {
	var out []string
	listed := map[string]bool{}
	for _, f := range m.Files {
		if err := ValidPath(f.Path); err != nil {
			out = append(out, fmt.Sprintf("%s: manifest lists %v", reports.PackManifest, err))
			continue
		}
		if f.Path == reports.PackManifest || f.Path == reports.PackSignature || listed[f.Path] {
			out = append(out, fmt.Sprintf("%s: lists %s more than once or lists itself", reports.PackManifest, f.Path))
			continue
		}
		listed[f.Path] = true
		e, ok := pc.Entries[f.Path]
		switch {
		case !ok:
			out = append(out, fmt.Sprintf("%s: missing (listed in the manifest)", f.Path))
		case e.Size != f.Size:
			out = append(out, fmt.Sprintf("%s: %d bytes, the manifest says %d", f.Path, e.Size, f.Size))
		case e.SHA256 != f.SHA256:
			out = append(out, fmt.Sprintf("%s: sha256 %s, the manifest says %s", f.Path, e.SHA256, f.SHA256))
		}
	}
	for _, n := range sortedKeys(pc.Entries) {
		if !listed[n] && n != reports.PackManifest && n != reports.PackSignature {
			out = append(out, fmt.Sprintf("%s: not listed in the manifest", n))
		}
	}
	return out
}
