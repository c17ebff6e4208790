package reports

import (
	"fmt"
	"io/fs"
	"strings"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/controls"
)

// PackInput is a report's input read from an evidence pack.
type PackInput struct {
	Input
	// Problems say, one line each, where the pack does not match its manifest
	// (a file missing, extra, or with another digest or size). A report is made
	// from a pack only when it is empty, unless the caller chose not to verify.
	Problems []string
}

// ReadPackInput reads an evidence pack (zip file or directory) with the hardened
// reader and the default limits, checks every file against the manifest's digests
// and sizes, and decodes what reports are rendered from: assessment.json, the
// metadata of the packed checks, and the files of facts.json's resources. The raw
// evidence is hashed, never kept. The error is for a pack that cannot be read or
// whose assessment cannot be decoded; digest mismatches are Problems.
func ReadPackInput(name string) (*PackInput, error) {
	pc, m, err := openPack(name, DefaultLimits, func(n string) bool { return !strings.HasPrefix(n, checks.EvidencePrefix) })
	if err != nil {
		return nil, err
	}
	pi := &PackInput{}
	pi.Problems = manifestProblems(m, pc)

	ae, ok := pc.Entries[PackAssessment]
	if !ok {
		return nil, fmt.Errorf("%s: no %s", name, PackAssessment)
	}
	var a controls.Assessment
	if err := checks.DecodeJSONStrict(ae.Data, &a); err != nil {
		return nil, fmt.Errorf("%s: %s: %w", name, PackAssessment, err)
	}

	// The checks' metadata, from the packed policies, compiled (never run) only
	// when every file matches the manifest. A pack whose policies do not load,
	// or that does not match, still reports: its checks are then described by
	// the assessment.
	var list []*checks.Check
	fsys := newMemFS(pc)
	var sources []checks.PolicySource
	for _, p := range m.Policies {
		if ValidPackPath(p.Dir) != nil || !strings.HasPrefix(p.Dir, packChecks+"/") {
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
		if e, err := checks.NewEngine(sources...); err == nil {
			list = e.Checks()
		}
	}
	var resources []checks.Resource
	if fe, ok := pc.Entries[PackFacts]; ok && fe.Data != nil {
		if facts, err := checks.DecodeFactsBytes(fe.Data, PackFacts); err == nil {
			resources = facts.Resources
		}
	}
	pi.Input = NewInput(&a, list, resources)
	pi.Pack = &PackSource{Manifest: m, ManifestSHA256: pc.Entries[PackManifest].SHA256}
	return pi, nil
}

// manifestProblems compares the files of a pack with its manifest.
func manifestProblems(m *Manifest, pc *PackContents) []string {
	var out []string
	listed := map[string]bool{}
	for _, f := range m.Files {
		if err := ValidPackPath(f.Path); err != nil {
			out = append(out, fmt.Sprintf("%s: manifest lists %v", PackManifest, err))
			continue
		}
		if f.Path == PackManifest || f.Path == PackSignature || listed[f.Path] {
			out = append(out, fmt.Sprintf("%s: lists %s more than once or lists itself", PackManifest, f.Path))
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
		if !listed[n] && n != PackManifest && n != PackSignature {
			out = append(out, fmt.Sprintf("%s: not listed in the manifest", n))
		}
	}
	return out
}
