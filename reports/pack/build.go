package pack

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/checks/evidence"
	"github.com/sdescan/sdescan/checks/limits"
	"github.com/sdescan/sdescan/collectors"
	"github.com/sdescan/sdescan/controls"
	"github.com/sdescan/sdescan/controls/runner"
	"github.com/sdescan/sdescan/reports"
)

// Format names the layout of an evidence pack (docs/evidence-pack.md). It
// changes only when a reader of the old layout would misread the new one.
// Format 2 added the manifest's checks list; packs of format 1 (format1)
// are still read.
const Format = "sdescan-evidence-pack/2"

// format1 is the format before the manifest listed the packed checks.
const format1 = "sdescan-evidence-pack/1"

// Folders of a pack (its fixed files are named by reports.PackManifest and the
// other reports.Pack* constants, which the reports cite).
const (
	// packFrameworks holds the catalogue: attestations.yaml (the attestation
	// kinds) and one <id>.yaml per framework.
	packFrameworks = "policies/frameworks"
	packChecks     = "policies/checks"
	// packBuiltin is where the checks sdescan ships are packed, and only they.
	packBuiltin = packChecks + "/builtin"
)

// packReports are the human reports a pack carries, each rendered from the
// assessment. verify re-renders and compares every one of them, so a renderer
// added here (HTML, SARIF, OSCAL) is packed and verified with no other change.
var packReports = []struct {
	name   string
	render func(io.Writer, *controls.Assessment) error
}{
	{"reports/summary.md", reports.Markdown},
	{"reports/board.html", reports.Board},
}

// Manifest is manifest.json: what the pack holds and how it was assessed.
type Manifest struct {
	Format string         `json:"format"`
	Tool   checks.Version `json:"tool"`
	// CollectedAt is when the facts were collected (also the time of every zip entry).
	CollectedAt string `json:"collected_at"`
	// Assessment holds the settings the assessment was made with; verify re-evaluates with them.
	Assessment runner.Record  `json:"assessment"`
	Scope      []ScopeEntry   `json:"scope"`
	Catalogue  CatalogueEntry `json:"catalogue"`
	// Policies are the sources of the checks, in the order they were loaded.
	Policies []PolicyEntry `json:"policies"`
	// Checks lists every packed check file, sorted by path: whether it is one of
	// the checks the sdescan that made the pack ships, or a custom one.
	Checks       []CheckEntry `json:"checks"`
	Attestations []InputEntry `json:"attestations"`
	Waivers      []InputEntry `json:"waivers"`
	// PublicKey identifies the key that signed manifest.sig; absent when unsigned.
	PublicKey *KeyEntry `json:"public_key,omitempty"`
	// Files lists every file of the pack but manifest.json and manifest.sig, by path.
	Files []FileEntry `json:"files"`
}

// ScopeEntry is one collector run: what was scanned and how completely.
type ScopeEntry struct {
	Collector string `json:"collector"`
	Scope     string `json:"scope"`
	Status    string `json:"status"`
}

// CatalogueEntry names the catalogue: the checks' catalogue version recorded in the
// facts, and every framework with the digest of its file in the pack.
type CatalogueEntry struct {
	Checks           checks.Version   `json:"checks"`
	AttestationKinds FileRef          `json:"attestation_kinds"`
	Frameworks       []FrameworkEntry `json:"frameworks"`
}

// FrameworkEntry is one framework of the catalogue.
type FrameworkEntry struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	Version string `json:"version"`
	File    string `json:"file"`
	SHA256  string `json:"sha256"`
}

// FileRef is a file of the pack and its digest.
type FileRef struct {
	File   string `json:"file"`
	SHA256 string `json:"sha256"`
}

// PolicyEntry is one source of checks: Name is how sdescan named it when it
// assessed ("builtin", or the --policy directory), Dir where its files are packed.
type PolicyEntry struct {
	Name  string `json:"name"`
	Dir   string `json:"dir"`
	Files int    `json:"files"`
}

// CheckEntry is one packed check file. Shipped: one of the checks the sdescan
// that made the pack ships (packed under policies/checks/builtin, byte for byte
// as shipped); otherwise a custom check of a --policy directory.
type CheckEntry struct {
	Path    string `json:"path"`
	SHA256  string `json:"sha256"`
	Shipped bool   `json:"shipped"`
}

// InputEntry is an attestations or waivers file: Name as it was given (and as
// assessment.json reports it), File where it is packed. An attestations file has
// a Dir: the folder its documents resolve in (the file's own folder on disk).
type InputEntry struct {
	Name string `json:"name"`
	File string `json:"file"`
	Dir  string `json:"dir,omitempty"`
}

// KeyEntry identifies a signing key.
type KeyEntry struct {
	Algorithm string `json:"algorithm"`
	// SHA256 is the hex sha256 of the public key's PKIX DER encoding.
	SHA256 string `json:"sha256"`
}

// FileEntry is one file of the pack.
type FileEntry struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
}

// Facts are facts made ready for a pack: redacted, with the raw evidence they
// cite read, checked and redacted. Assess Facts, not the facts given to
// PrepareFacts, so that the pack's findings follow from its facts.json.
type Facts struct {
	Facts    *checks.Facts
	json     []byte
	evidence map[string][]byte // pack path -> redacted content
}

// PrepareFacts redacts the facts and copies the raw evidence they cite from
// evidenceFS (nil: none), checking each file's sha256 against its reference. A
// missing or mismatching evidence file is an error naming it: a pack is whole or
// not at all. Evidence that redaction changes is cited by its new digest (and a
// path that held a secret by its redacted path): f's evidence references are
// updated in place, and the returned facts cite what the pack holds.
func PrepareFacts(f *checks.Facts, name string, evidenceFS fs.FS) (*Facts, error) {
	pf := &Facts{evidence: map[string][]byte{}}
	type ref struct{ sum, path, redacted string }
	refs := map[string]*ref{}
	// Resources cite the evidence of their facts; runs cite the rest (who the
	// caller was, listings that found nothing).
	type citer struct {
		who  string
		list []checks.EvidenceRef
	}
	var citers []citer
	for i := range f.Resources {
		citers = append(citers, citer{"resource " + f.Resources[i].ID, f.Resources[i].Evidence})
	}
	for i := range f.Runs {
		citers = append(citers, citer{"run " + f.Runs[i].Collector + " " + f.Runs[i].Scope, f.Runs[i].Evidence})
	}
	for _, c := range citers {
		for j := range c.list {
			e := &c.list[j]
			if err := evidence.ValidPath(e.Path); err != nil {
				return nil, fmt.Errorf("%s: %s: %w", name, c.who, err)
			}
			if prev, ok := refs[e.Path]; ok {
				if prev.sum != e.SHA256 {
					return nil, fmt.Errorf("%s: evidence %s is cited with two different sha256", name, e.Path)
				}
				e.Path, e.SHA256 = prev.path, prev.redacted
				continue
			}
			if evidenceFS == nil {
				return nil, fmt.Errorf("%s: no evidence directory to read it from", e.Path)
			}
			data, err := limits.ReadFS(evidenceFS, e.Path, MaxEntrySize)
			if err != nil {
				return nil, err
			}
			if got := sha256Hex(data); got != strings.ToLower(e.SHA256) {
				return nil, fmt.Errorf("%s: sha256 %s does not match the %s cited by %s", e.Path, got, e.SHA256, name)
			}
			data = evidence.Redact(data)
			to := string(evidence.Redact([]byte(e.Path)))
			if _, taken := pf.evidence[to]; taken {
				return nil, fmt.Errorf("%s: redacted, its name is that of other evidence (%s)", e.Path, to)
			}
			refs[e.Path] = &ref{sum: e.SHA256, path: to, redacted: sha256Hex(data)}
			e.Path, e.SHA256 = to, refs[e.Path].redacted
			pf.evidence[to] = data
		}
	}
	// The facts are redacted as JSON and decoded again: the packed facts.json is
	// exactly what the facts in memory (evaluated for the pack) decode from, as
	// sdescan verify will decode them.
	var buf bytes.Buffer
	if err := checks.WriteJSON(&buf, f); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	data := evidence.Redact(buf.Bytes())
	redacted, err := checks.DecodeFactsBytes(data, name+" (redacted)")
	if err != nil {
		return nil, err
	}
	pf.Facts, pf.json = redacted, data
	return pf, nil
}

// BuildInput is everything an evidence pack is built from: the inputs of one
// assessment and its result.
type BuildInput struct {
	Facts *Facts
	// Prepared is the assessment as the runner made it ready (checks, catalogue,
	// attestations, waivers, parameters); Result is what it gave.
	Prepared *runner.Prepared
	Result   *runner.Result
	// Key signs manifest.json into manifest.sig; nil: unsigned.
	Key ed25519.PrivateKey
}

// Files is a built pack: every file by name, ready to be written as a zip or
// a directory.
type Files struct {
	files    map[string][]byte
	modified time.Time
}

// Names returns the files of the pack, sorted.
func (p *Files) Names() []string {
	names := make([]string, 0, len(p.files))
	for n := range p.files {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// File returns the content of one file of the pack.
func (p *Files) File(name string) ([]byte, bool) {
	b, ok := p.files[name]
	return b, ok
}

// packBuilder collects files, refusing a name twice.
type packBuilder struct {
	files map[string][]byte
	total int64
}

func (b *packBuilder) add(name string, data []byte) error {
	if err := ValidPath(name); err != nil {
		return err
	}
	if _, dup := b.files[name]; dup {
		return fmt.Errorf("%s: two files of the pack have this name", name)
	}
	if int64(len(data)) > MaxEntrySize {
		return fmt.Errorf("%s: larger than the %d MiB a pack reader accepts", name, MaxEntrySize>>20)
	}
	b.total += int64(len(data))
	if b.total > MaxTotalSize || len(b.files) >= MaxEntries {
		return fmt.Errorf("%s: the pack would exceed the limits a pack reader accepts (%d files, %d MiB)", name, MaxEntries, MaxTotalSize>>20)
	}
	b.files[name] = data
	return nil
}

// addGenerated adds a file sdescan wrote, redacted again as a defence in depth.
func (b *packBuilder) addGenerated(name string, data []byte) error {
	return b.add(name, evidence.Redact(data))
}

// addCopied adds a file given to sdescan (a policy, an attestation, a document, a
// waiver). Such a file cannot be redacted without changing what was assessed (and
// the digest an attestation records), so one that holds what looks like a secret
// is refused.
func (b *packBuilder) addCopied(name, from string, data []byte) error {
	if !bytes.Equal(evidence.Redact(data), data) {
		return fmt.Errorf("%s: holds what looks like a secret (a key, token or password); remove it before packing", from)
	}
	return b.add(name, data)
}

// Build assembles the evidence pack of an assessment in memory. Nothing is
// read from the wall clock or the environment: the same inputs and key give the
// same files, byte for byte.
func Build(p *BuildInput) (*Files, error) {
	if p.Facts == nil || p.Prepared == nil || p.Result == nil {
		return nil, errors.New("evidence pack: facts, the prepared assessment and its result are required")
	}
	setup, params := p.Prepared.Setup, p.Prepared.Setup.Params
	assessment := p.Result.Assessment
	b := &packBuilder{files: map[string][]byte{}}
	facts := p.Facts.Facts
	collected := facts.AsOf()
	if collected.IsZero() {
		collected = params.AsOf.UTC()
	}
	m := &Manifest{
		Format:      Format,
		Tool:        setup.Tool,
		CollectedAt: collected.Format(time.RFC3339),
		Assessment:  params.Record(),

		Scope:        []ScopeEntry{},
		Policies:     []PolicyEntry{},
		Attestations: []InputEntry{},
		Waivers:      []InputEntry{},
	}
	m.Catalogue.Checks = facts.Catalogue
	for _, r := range facts.Runs {
		m.Scope = append(m.Scope, ScopeEntry{Collector: r.Collector, Scope: r.Scope, Status: r.Status})
	}

	// The large files are independent of each other: redact the facts and render
	// the findings, assessment and reports at once, one goroutine each, then add
	// them in the order (and with the errors) of doing it one after the other.
	factsR := async(func() ([]byte, error) { return evidence.Redact(p.Facts.json), nil })
	findingsR := async(func() ([]byte, error) {
		list, err := p.Result.Findings.Collect() // in memory: Run's
		if err != nil {
			return nil, err
		}
		return renderFindings(params.AsOf, list)
	})
	assessmentR := async(func() ([]byte, error) { return renderAssessment(assessment) })
	reportsR := make([]*future, len(packReports))
	for i, r := range packReports {
		reportsR[i] = async(func() ([]byte, error) { return renderReport(r.render, assessment) })
	}
	defer func() { // on an early return, leave no renderer running
		for _, f := range append([]*future{factsR, findingsR, assessmentR}, reportsR...) {
			f.wait()
		}
	}()

	// Facts (redacted again, as a defence in depth) and the raw evidence they cite.
	facts2, _ := factsR.wait()
	if err := b.add(reports.PackFacts, facts2); err != nil {
		return nil, err
	}
	for name, data := range p.Facts.evidence {
		if err := b.addGenerated(name, data); err != nil {
			return nil, err
		}
	}

	// Findings, assessment and reports.
	findings, err := findingsR.wait()
	if err != nil {
		return nil, err
	}
	if err := b.add(reports.PackFindings, findings); err != nil {
		return nil, err
	}
	assessmentJSON, err := assessmentR.wait()
	if err != nil {
		return nil, err
	}
	if err := b.add(reports.PackAssessment, assessmentJSON); err != nil {
		return nil, err
	}
	for i, r := range packReports {
		data, err := reportsR[i].wait()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", r.name, err)
		}
		if err := b.add(r.name, data); err != nil {
			return nil, err
		}
	}

	// The checks, exactly as loaded. The shipped checks go under builtin/, and
	// nothing else does: a source is packed there only when it holds exactly the
	// checks this sdescan ships, byte for byte (a --policy directory named
	// "builtin" is a custom source like any other).
	shipped, err := ShippedChecks(collectors.BuiltinFS())
	if err != nil {
		return nil, fmt.Errorf("the checks sdescan ships: %w", err)
	}
	builtinPacked := false
	m.Checks = []CheckEntry{}
	for i, src := range setup.Policies {
		files, err := readChecks(src.FS)
		if err != nil {
			return nil, fmt.Errorf("policy %s: %w", src.Name, err)
		}
		dir := path.Join(packChecks, "policy-"+strconv.Itoa(i))
		isShipped := src.Name == "builtin" && !builtinPacked && sameChecks(files, shipped)
		if isShipped {
			dir, builtinPacked = packBuiltin, true
		}
		for _, f := range sortedKeys(files) {
			name := path.Join(dir, f)
			if err := b.addCopied(name, policyName(src.Name, f), files[f]); err != nil {
				return nil, fmt.Errorf("policy %s: %w", src.Name, err)
			}
			m.Checks = append(m.Checks, CheckEntry{Path: name, SHA256: sha256Hex(files[f]), Shipped: isShipped})
		}
		m.Policies = append(m.Policies, PolicyEntry{Name: src.Name, Dir: dir, Files: len(files)})
	}
	sort.Slice(m.Checks, func(i, j int) bool { return m.Checks[i].Path < m.Checks[j].Path })

	// The catalogue, as loaded (aliases resolved to check IDs).
	if err := addCatalogue(b, m, p.Prepared.Catalogue); err != nil {
		return nil, err
	}

	// Attestations with the documents they cite, and waivers.
	for i, src := range setup.Attestations {
		root := path.Join("attestations", strconv.Itoa(i+1))
		if err := addAttestations(b, root, src, p.Prepared.Attestations[i]); err != nil {
			return nil, err
		}
		m.Attestations = append(m.Attestations, InputEntry{Name: src.Name, File: path.Join(root, src.File), Dir: root})
	}
	for i, w := range setup.Waivers {
		file := path.Join("waivers", strconv.Itoa(i+1), "waivers.yaml")
		if err := b.addCopied(file, w.Name, w.Data); err != nil {
			return nil, err
		}
		m.Waivers = append(m.Waivers, InputEntry{Name: w.Name, File: file})
	}

	// The manifest lists every file; the signature covers the manifest.
	names := make([]string, 0, len(b.files))
	for n := range b.files {
		names = append(names, n)
	}
	sort.Strings(names)
	m.Files = make([]FileEntry, len(names))
	parallel(len(names), func(i int) {
		n := names[i]
		m.Files[i] = FileEntry{Path: n, SHA256: sha256Hex(b.files[n]), Size: int64(len(b.files[n]))}
	})
	if p.Key != nil {
		m.PublicKey = &KeyEntry{Algorithm: "ed25519", SHA256: KeyFingerprint(p.Key.Public().(ed25519.PublicKey))}
	}
	var mb bytes.Buffer
	if err := checks.WriteJSON(&mb, m); err != nil {
		return nil, fmt.Errorf("%s: %w", reports.PackManifest, err)
	}
	manifest := evidence.Redact(mb.Bytes())
	if err := b.add(reports.PackManifest, manifest); err != nil {
		return nil, err
	}
	if p.Key != nil {
		if err := b.add(reports.PackSignature, ed25519.Sign(p.Key, manifest)); err != nil {
			return nil, err
		}
	}
	return &Files{files: b.files, modified: collected.UTC()}, nil
}

// readChecks reads the check files of a policy source as the engine loads them
// (engine.readPolicies, checks/engine): every .rego file but the tests, by slash path.
func readChecks(fsys fs.FS) (map[string][]byte, error) {
	files := map[string][]byte{}
	err := fs.WalkDir(fsys, ".", func(f string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !isCheckFile(f) {
			return nil
		}
		data, err := limits.ReadFS(fsys, f, MaxEntrySize)
		if err != nil {
			return err
		}
		files[f] = data
		return nil
	})
	return files, err
}

// isCheckFile says whether the engine loads a file of a policy source.
func isCheckFile(f string) bool {
	return strings.HasSuffix(f, ".rego") && !strings.HasSuffix(f, "_test.rego")
}

// ShippedChecks returns the sha256 of every check file of the tree of shipped
// checks (collectors.BuiltinFS()), by slash path: what a pack's builtin directory
// must hold, exactly.
func ShippedChecks(fsys fs.FS) (map[string]string, error) {
	files, err := readChecks(fsys)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(files))
	for f, data := range files {
		out[f] = sha256Hex(data)
	}
	return out, nil
}

// sameChecks says whether files are exactly the shipped checks.
func sameChecks(files map[string][]byte, shipped map[string]string) bool {
	if len(files) != len(shipped) {
		return false
	}
	for f, data := range files {
		if sum, ok := shipped[f]; !ok || sum != sha256Hex(data) {
			return false
		}
	}
	return true
}

// policyName is how the engine names a policy file of a source (engine.readPolicies, checks/engine).
func policyName(source, f string) string {
	if source == "" || source == "builtin" {
		return path.Join("builtin", f)
	}
	return filepath.Join(source, filepath.FromSlash(f))
}

func addCatalogue(b *packBuilder, m *Manifest, cat *controls.Catalogue) error {
	ids := make([]string, 0, len(cat.Kinds))
	for id := range cat.Kinds {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	kinds := struct {
		Attestations []*controls.AttestationKind `yaml:"attestations"`
	}{}
	for _, id := range ids {
		kinds.Attestations = append(kinds.Attestations, cat.Kinds[id])
	}
	file := path.Join(packFrameworks, "attestations.yaml")
	data, err := marshalYAML(kinds)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	if err := b.addGenerated(file, data); err != nil {
		return err
	}
	m.Catalogue.AttestationKinds = FileRef{File: file, SHA256: sha256Hex(b.files[file])}
	m.Catalogue.Frameworks = []FrameworkEntry{}
	for _, fw := range cat.Frameworks {
		if fw.ID == "attestations" {
			return fmt.Errorf("%s: a framework with id %q cannot be packed beside the attestation kinds", fw.File, fw.ID)
		}
		file := path.Join(packFrameworks, fw.ID+".yaml")
		data, err := marshalYAML(fw)
		if err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
		if err := b.addGenerated(file, data); err != nil {
			return err
		}
		m.Catalogue.Frameworks = append(m.Catalogue.Frameworks, FrameworkEntry{ID: fw.ID, Title: fw.Title, Version: fw.Version, File: file, SHA256: sha256Hex(b.files[file])})
	}
	return nil
}

func marshalYAML(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// addAttestations copies an attestations file and every document it cites by path
// that can be read. A document that cannot be found is left out: the attestation
// is already invalid for it, and verify finds it missing just the same.
func addAttestations(b *packBuilder, root string, src runner.AttestationFile, list []*controls.Attestation) error {
	if !fs.ValidPath(src.File) {
		return fmt.Errorf("%s: cannot be packed as %q", src.Name, src.File)
	}
	data, err := limits.ReadFSNamed(src.FS, src.File, src.Name, MaxEntrySize)
	if err != nil {
		return err
	}
	if err := b.addCopied(path.Join(root, src.File), src.Name, data); err != nil {
		return err
	}
	dir := path.Dir(src.File)
	done := map[string]bool{}
	for _, a := range list {
		for _, d := range a.Documents {
			if d.Path == "" {
				continue
			}
			p := path.Join(dir, d.Path)
			if !fs.ValidPath(p) || done[p] {
				continue // outside the attestation folder: invalid, nothing to pack
			}
			done[p] = true
			data, err := limits.ReadFSNamed(src.FS, p, src.Name+": document "+d.Path, MaxEntrySize)
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) {
					continue
				}
				return err
			}
			if len(a.Problems) == 0 && d.SHA256 != "" && sha256Hex(data) != d.SHA256 {
				return fmt.Errorf("%s: document %s changed while the pack was written", src.Name, d.Path)
			}
			if err := b.addCopied(path.Join(root, p), src.Name+": "+d.Path, data); err != nil {
				return err
			}
		}
	}
	return nil
}

// findingsFile is findings.json: every (check, resource) result of the evaluation,
// before waivers, by check then resource.
type findingsFile struct {
	AsOf     string           `json:"as_of"`
	Findings []checks.Finding `json:"findings"`
}

func renderFindings(asOf time.Time, list []checks.Finding) ([]byte, error) {
	buf := appendWriter(make([]byte, 0, jsonSizeHint(list)+4096))
	if err := writeFindings(&buf, asOf, list); err != nil {
		return nil, err
	}
	return evidence.Redact(buf), nil
}

// writeFindings writes findings.json before redaction.
func writeFindings(w io.Writer, asOf time.Time, list []checks.Finding) error {
	out := make([]checks.Finding, len(list))
	copy(out, list)
	for i := range out {
		if out[i].Messages == nil {
			out[i].Messages = []string{}
		}
	}
	if !checks.FindingsSorted(out) { // as Evaluate returns them: nothing to do
		sort.SliceStable(out, func(i, j int) bool {
			if out[i].CheckID != out[j].CheckID {
				return out[i].CheckID < out[j].CheckID
			}
			return out[i].ResourceID < out[j].ResourceID
		})
	}
	if err := checks.WriteJSON(w, findingsFile{AsOf: asOf.UTC().Format(time.RFC3339), Findings: out}); err != nil {
		return fmt.Errorf("%s: %w", reports.PackFindings, err)
	}
	return nil
}

func renderAssessment(a *controls.Assessment) ([]byte, error) {
	buf := appendWriter(make([]byte, 0, jsonSizeHint(a.Findings)+1<<20)) // the findings are most of it
	if err := reports.JSON(&buf, a); err != nil {
		return nil, fmt.Errorf("%s: %w", reports.PackAssessment, err)
	}
	return evidence.Redact(buf), nil
}

// jsonSizeHint estimates the bytes list takes in a JSON document from an evenly
// spaced sample of it, with a margin, so that the document's buffer can be made
// about its size at once: 100 MB documents grown by doubling cost more in fresh
// memory touched than in encoding. 0 for a short list. The buffer is an
// appendWriter, not a bytes.Buffer, which the JSON encoder keeps a quarter
// free of, doubling it as it nears its size.
func jsonSizeHint[T any](list []T) int {
	const samples = 256
	if len(list) < 4*samples {
		return 0
	}
	step := len(list) / samples
	sample := make([]T, 0, samples+1)
	for i := 0; i < len(list); i += step {
		sample = append(sample, list[i])
	}
	var b bytes.Buffer
	if err := checks.WriteJSON(&b, sample); err != nil {
		return 0
	}
	return b.Len() / len(sample) * len(list) / 10 * 11
}

func renderReport(render func(io.Writer, *controls.Assessment) error, a *controls.Assessment) ([]byte, error) {
	var buf bytes.Buffer
	if err := render(&buf, a); err != nil {
		return nil, err
	}
	return evidence.Redact(buf.Bytes()), nil
}

// future is the result of a function run in its own goroutine (async).
type future struct {
	done chan struct{}
	data []byte
	err  error
}

// async runs f in a goroutine; wait returns what it returned.
func async(f func() ([]byte, error)) *future {
	r := &future{done: make(chan struct{})}
	go func() {
		defer close(r.done)
		r.data, r.err = f()
	}()
	return r
}

func (f *future) wait() ([]byte, error) {
	<-f.done
	return f.data, f.err
}

// parallel calls f(0) … f(n-1) on GOMAXPROCS goroutines and returns when all
// have returned.
func parallel(n int, f func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		for i := range n {
			f(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
				f(i)
			}
		}()
	}
	wg.Wait()
}

func sha256Hex(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// WriteZip writes the pack as a zip: entries sorted by name, Deflate, mode 0644,
// every timestamp the collection time. The same pack gives the same bytes.
//
// The files are compressed first, each on its own and several at once, exactly
// as archive/zip compresses them (compress/flate at zipDeflateLevel, the whole
// file in one write); the zip.Writer then writes headers, checksums and those
// bytes as it would have with its own compressor.
func (p *Files) WriteZip(w io.Writer) error {
	names := p.Names()
	compressed := make([][]byte, len(names))
	errs := make([]error, len(names))
	parallel(len(names), func(i int) {
		compressed[i], errs[i] = deflate(p.files[names[i]])
	})
	zw := zip.NewWriter(w)
	var current []byte // the compressed bytes of the entry being written
	zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		return &precompressed{out: out, data: current}, nil
	})
	for i, name := range names {
		if errs[i] != nil {
			return fmt.Errorf("%s: %w", name, errs[i])
		}
		if n := int64(len(p.files[name])); n >= RatioFloor && n > MaxRatio*int64(len(compressed[i])) {
			return fmt.Errorf("%s: compresses more than %d:1, which a pack reader refuses as a zip bomb", name, MaxRatio)
		}
		current = compressed[i]
		h := &zip.FileHeader{Name: name, Method: zip.Deflate, Modified: p.modified}
		h.SetMode(0o644)
		fw, err := zw.CreateHeader(h)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if _, err := fw.Write(p.files[name]); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return zw.Close()
}

// zipDeflateLevel is the compress/flate level archive/zip's Deflate compressor uses.
const zipDeflateLevel = 5

func deflate(data []byte) ([]byte, error) {
	var buf bytes.Buffer
	fw, err := flate.NewWriter(&buf, zipDeflateLevel)
	if err != nil {
		return nil, err
	}
	if _, err := fw.Write(data); err != nil {
		return nil, err
	}
	if err := fw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// precompressed is the compressor of one zip entry whose compressed bytes are
// already known: it takes the entry's content (which zip.Writer checksums and
// counts) and writes the compressed bytes when closed.
type precompressed struct {
	out  io.Writer
	data []byte
}

func (c *precompressed) Write(b []byte) (int, error) { return len(b), nil }

func (c *precompressed) Close() error {
	_, err := c.out.Write(c.data)
	return err
}

// WriteDir writes the pack as a directory, which must not exist or be empty. The
// files are written into a temporary directory beside it and renamed into place,
// so a failure never leaves half a pack.
func (p *Files) WriteDir(dir string) error {
	if entries, err := os.ReadDir(dir); err == nil {
		if len(entries) > 0 {
			return fmt.Errorf("%s: directory is not empty; a pack directory must hold the pack alone", dir)
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%s: %w", dir, cleanPathErr(err))
	}
	parent := filepath.Dir(filepath.Clean(dir))
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+".*")
	if err != nil {
		return fmt.Errorf("%s: %w", dir, cleanPathErr(err))
	}
	fail := func(err error) error {
		os.RemoveAll(tmp)
		return err
	}
	for _, name := range p.Names() {
		file := filepath.Join(tmp, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			return fail(fmt.Errorf("%s: %w", filepath.Join(dir, name), cleanPathErr(err)))
		}
		if err := os.WriteFile(file, p.files[name], 0o644); err != nil {
			return fail(fmt.Errorf("%s: %w", filepath.Join(dir, name), cleanPathErr(err)))
		}
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return fail(fmt.Errorf("%s: %w", dir, cleanPathErr(err)))
	}
	os.Remove(dir) // empty or absent, checked above
	if err := os.Rename(tmp, dir); err != nil {
		return fail(fmt.Errorf("%s: %w", dir, cleanPathErr(err)))
	}
	return nil
}

func cleanPathErr(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
