package pack

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/checks/engine"
	"github.com/sdescan/sdescan/checks/evidence"
	"github.com/sdescan/sdescan/collectors"
	"github.com/sdescan/sdescan/controls/runner"
	"github.com/sdescan/sdescan/reports"
)

// VerifyOptions say how to verify a pack.
type VerifyOptions struct {
	// Key is the public key the pack must be signed with; nil: the signature is not checked.
	Key ed25519.PublicKey
	// KeyName names the key in messages (its file).
	KeyName string
	// Limits bound what is read; zero: DefaultLimits.
	Limits Limits
	// Version is the version of the sdescan that verifies (cli.Version). A pack's
	// built-in checks are compared with the checks this version ships (Shipped);
	// they are confirmed as the checks that were shipped only for a pack made by
	// this same version. Empty: unknown, so never confirmed.
	Version string
	// Shipped is the tree of checks this sdescan ships; nil: collectors.BuiltinFS().
	Shipped fs.FS
	// EvalLimits bound the re-evaluation (zero: the engine's defaults).
	EvalLimits engine.EvalLimits
	// Collectors are the registered collectors, as for the run that made the
	// pack (runner.Setup.Collectors): their checks that are not Rego (Trivy's)
	// and what their runs cover.
	Collectors collectors.Registry

	// compiling, when set, is called when the packed checks are about to be
	// compiled (tests prove it is not called for a pack that failed before).
	compiling func()
}

// Verification is the outcome of verifying a pack. The pack is valid when
// Problems is empty.
type Verification struct {
	Manifest *Manifest
	// Files is the number of files the manifest lists.
	Files int
	// SignatureChecked: a key was given and the signature verified with it.
	SignatureChecked bool
	// Version is the version of the sdescan that verified (VerifyOptions.Version).
	Version string
	// ShippedChecks is the number of packed built-in check files that are, byte
	// for byte, checks this sdescan ships.
	ShippedChecks int
	// CustomChecks are the packed checks of --policy directories, by path: not
	// shipped by sdescan, so for the assessor to review.
	CustomChecks []CustomCheck
	// Evaluated: the packed checks were re-run and every output compared.
	Evaluated bool
	// Problems say, one line each, why the pack is not valid.
	Problems []string
	// Warnings do not make the pack invalid but limit what was proven.
	Warnings []string
}

// CustomCheck is a packed check file that sdescan does not ship.
type CustomCheck struct {
	Path   string
	SHA256 string
	// Policy is the name of its policy source, as the manifest records it (the
	// --policy directory as given).
	Policy string
}

func (v *Verification) problem(format string, args ...any) {
	v.Problems = append(v.Problems, oneLineString(fmt.Sprintf(format, args...)))
}

func (v *Verification) warn(format string, args ...any) {
	v.Warnings = append(v.Warnings, oneLineString(fmt.Sprintf(format, args...)))
}

func oneLineString(s string) string {
	return strings.NewReplacer("\r\n", `\n`, "\n", `\n`, "\r", `\r`).Replace(s)
}

// Verify checks a pack (zip file or directory), in order: every file's
// sha256 and size against the manifest, no file missing or extra; the signature
// when a key is given; the layout (every file is one sdescan writes: reports it
// renders, evidence facts.json cites, the catalogue, policies, attestations and
// waivers the manifest lists); the packed checks (the built-in ones must be the
// checks this sdescan ships, byte for byte; the others are listed as custom).
// Only when all of that holds are the packed checks compiled and re-run, over
// the packed facts with the packed catalogue, attestations and waivers at the
// pack's assessment time, to prove that findings.json, assessment.json and the
// reports follow from them. The error is for a pack that cannot be read at all
// (a missing or malformed manifest, or anything Read refuses); every other
// problem is listed in the Verification.
func Verify(ctx context.Context, name string, opts VerifyOptions) (*Verification, error) {
	lim := opts.Limits
	if lim == (Limits{}) {
		lim = DefaultLimits
	}
	// Raw evidence is only hashed: nothing re-reads it.
	pc, m, err := openPack(name, lim, func(n string) bool { return !strings.HasPrefix(n, evidence.Prefix) })
	if err != nil {
		return nil, err
	}
	v := &Verification{Manifest: m, Files: len(m.Files), Version: opts.Version}

	listed := verifyFiles(v, m, pc)
	verifySignature(v, m, pc.Entries[reports.PackManifest].Data, pc.Entries[reports.PackSignature], opts)
	facts := verifyLayout(v, m, pc, listed)
	verifyChecks(v, m, pc, listed, opts)
	if len(v.Problems) > 0 {
		v.warn("re-evaluation not attempted: %d problem(s) found before it; none of the packed checks was compiled or run", len(v.Problems))
		return v, nil
	}
	reevaluate(ctx, v, m, pc, facts, opts)
	return v, nil
}

// verifyFiles checks every file, and nothing else, against the digest and size
// the manifest records. It returns the paths the manifest lists.
func verifyFiles(v *Verification, m *Manifest, pc *Contents) map[string]string {
	listed := map[string]string{} // path -> sha256 the manifest records
	for _, f := range m.Files {
		if err := ValidPath(f.Path); err != nil {
			v.problem("%s: manifest lists %v", reports.PackManifest, err)
			continue
		}
		if _, dup := listed[f.Path]; dup || f.Path == reports.PackManifest || f.Path == reports.PackSignature {
			v.problem("%s: lists %s more than once or lists itself", reports.PackManifest, f.Path)
			continue
		}
		listed[f.Path] = f.SHA256
		e, ok := pc.Entries[f.Path]
		switch {
		case !ok:
			v.problem("%s: missing (listed in the manifest)", f.Path)
		case e.Size != f.Size:
			v.problem("%s: %d bytes, the manifest says %d", f.Path, e.Size, f.Size)
		case e.SHA256 != f.SHA256:
			v.problem("%s: sha256 %s, the manifest says %s", f.Path, e.SHA256, f.SHA256)
		}
	}
	for _, n := range pc.names() {
		if _, ok := listed[n]; !ok && n != reports.PackManifest && n != reports.PackSignature {
			v.problem("%s: not listed in the manifest", n)
		}
	}
	return listed
}

// policyDirPattern is the name of a packed policy directory.
var policyDirPattern = regexp.MustCompile(`^policies/checks/(builtin|policy-(0|[1-9][0-9]*))$`)

// verifyLayout checks that every file of the pack is one sdescan writes there:
// the fixed files, the reports it renders, the raw evidence facts.json cites, the
// catalogue, policies, attestations and waivers the manifest lists. It decodes
// facts.json (nil when it cannot) and checks the evidence it cites.
func verifyLayout(v *Verification, m *Manifest, pc *Contents, listed map[string]string) *checks.Facts {
	// Files every pack holds; one the manifest lists is already reported missing.
	rendered := map[string]bool{}
	for _, r := range packReports {
		rendered[r.name] = true
	}
	for _, n := range append([]string{reports.PackFacts, reports.PackFindings, reports.PackAssessment}, sortedKeys(rendered)...) {
		if _, ok := pc.Entries[n]; !ok && listed[n] == "" {
			v.problem("%s: missing: every pack holds it", n)
		}
	}

	// The facts and the evidence they cite.
	var facts *checks.Facts
	if e, ok := pc.Entries[reports.PackFacts]; ok {
		f, err := checks.DecodeFactsBytes(e.Data, reports.PackFacts)
		if err != nil {
			v.problem("%v", err)
		} else {
			facts = f
		}
	}
	cited := map[string]bool{}
	if facts != nil {
		if t := facts.AsOf(); !t.IsZero() && t.Format(time.RFC3339) != m.CollectedAt {
			v.problem("%s: collected_at %s, but %s was collected at %s", reports.PackManifest, m.CollectedAt, reports.PackFacts, t.Format(time.RFC3339))
		}
		citers := map[string][]checks.EvidenceRef{}
		for _, r := range facts.Resources {
			citers["resource "+r.ID] = r.Evidence
		}
		for _, r := range facts.Runs {
			citers["run "+r.Collector+" "+r.Scope] = append(citers["run "+r.Collector+" "+r.Scope], r.Evidence...)
		}
		for _, who := range sortedKeys(citers) {
			for _, e := range citers[who] {
				cited[e.Path] = true
				got, ok := pc.Entries[e.Path]
				switch {
				case !ok:
					v.problem("%s: cited by %s (%s) but not in the pack", e.Path, reports.PackFacts, who)
				case got.SHA256 != e.SHA256:
					v.problem("%s: sha256 %s, but %s cites %s", e.Path, got.SHA256, reports.PackFacts, e.SHA256)
				}
			}
		}
	}

	// What the manifest says is where.
	catalogue := map[string]string{} // file -> sha256 the manifest records
	addCatalogue := func(file, sum, what string) {
		if path.Dir(file) != packFrameworks || !strings.HasSuffix(file, ".yaml") || ValidPath(file) != nil {
			v.problem("%s: catalogue file %q of %s is not a .yaml file of %s/", reports.PackManifest, file, what, packFrameworks)
			return
		}
		if _, dup := catalogue[file]; dup {
			v.problem("%s: catalogue lists %s twice", reports.PackManifest, file)
			return
		}
		catalogue[file] = sum
	}
	if k := m.Catalogue.AttestationKinds; k.File != path.Join(packFrameworks, "attestations.yaml") {
		v.problem("%s: catalogue.attestation_kinds is %q, not %s/attestations.yaml", reports.PackManifest, k.File, packFrameworks)
	} else {
		addCatalogue(k.File, k.SHA256, "the attestation kinds")
	}
	for _, fw := range m.Catalogue.Frameworks {
		if fw.File != path.Join(packFrameworks, fw.ID+".yaml") {
			v.problem("%s: framework %q is packed as %q, not %s/%s.yaml", reports.PackManifest, fw.ID, fw.File, packFrameworks, fw.ID)
			continue
		}
		addCatalogue(fw.File, fw.SHA256, "framework "+fw.ID)
	}
	for _, f := range sortedKeys(catalogue) {
		if e, ok := pc.Entries[f]; ok && e.SHA256 != catalogue[f] {
			v.problem("%s: catalogue lists %s with sha256 %s, the pack holds %s", reports.PackManifest, f, catalogue[f], e.SHA256)
		} else if !ok && listed[f] == "" {
			v.problem("%s: in the manifest's catalogue but not in the pack", f)
		}
	}
	policyDirs := map[string]bool{}
	for _, p := range m.Policies {
		switch {
		case !policyDirPattern.MatchString(p.Dir):
			v.problem("%s: policy %q is packed in %q, not %s/builtin or %s/policy-N", reports.PackManifest, p.Name, p.Dir, packChecks, packChecks)
		case policyDirs[p.Dir]:
			v.problem("%s: two policies are packed in %s", reports.PackManifest, p.Dir)
		default:
			policyDirs[p.Dir] = true
		}
	}
	attDirs := map[string]bool{}
	for _, in := range m.Attestations {
		switch {
		case ValidPath(in.Dir) != nil || path.Dir(in.Dir) != "attestations":
			v.problem("%s: attestations directory %q is not a directory of attestations/", reports.PackManifest, in.Dir)
		case !strings.HasPrefix(in.File, in.Dir+"/") || ValidPath(in.File) != nil:
			v.problem("%s: attestations file %q is not under its directory %q", reports.PackManifest, in.File, in.Dir)
		case attDirs[in.Dir]:
			v.problem("%s: two attestations files are packed in %s", reports.PackManifest, in.Dir)
		default:
			attDirs[in.Dir] = true
			if _, ok := pc.Entries[in.File]; !ok && listed[in.File] == "" {
				v.problem("%s: attestations file the manifest lists, not in the pack", in.File)
			}
		}
	}
	waivers := map[string]bool{}
	for _, in := range m.Waivers {
		if ValidPath(in.File) != nil || path.Dir(path.Dir(in.File)) != "waivers" {
			v.problem("%s: waivers file %q is not in a directory of waivers/", reports.PackManifest, in.File)
			continue
		}
		waivers[in.File] = true
		if _, ok := pc.Entries[in.File]; !ok && listed[in.File] == "" {
			v.problem("%s: waivers file the manifest lists, not in the pack", in.File)
		}
	}

	// Every file of the pack is one of them.
	under := func(n string, dirs map[string]bool) bool {
		for d := path.Dir(n); d != "."; d = path.Dir(d) {
			if dirs[d] {
				return true
			}
		}
		return false
	}
	for _, n := range pc.names() {
		switch {
		case n == reports.PackManifest || n == reports.PackSignature || n == reports.PackFacts || n == reports.PackFindings || n == reports.PackAssessment:
		case strings.HasPrefix(n, "reports/"):
			if !rendered[n] {
				v.problem("%s: not rendered by sdescan: a pack's reports are %s", n, strings.Join(sortedKeys(rendered), ", "))
			}
		case strings.HasPrefix(n, evidence.Prefix):
			if facts != nil && !cited[n] {
				v.problem("%s: not cited by %s", n, reports.PackFacts)
			}
		case strings.HasPrefix(n, packFrameworks+"/"):
			if _, ok := catalogue[n]; !ok {
				v.problem("%s: not in the manifest's catalogue", n)
			}
		case strings.HasPrefix(n, packChecks+"/"):
			if !under(n, policyDirs) {
				v.problem("%s: not in a policy directory the manifest lists", n)
			}
		case strings.HasPrefix(n, "attestations/"):
			if !under(n, attDirs) {
				v.problem("%s: not in an attestations directory the manifest lists", n)
			}
		case strings.HasPrefix(n, "waivers/"):
			if !waivers[n] {
				v.problem("%s: not a waivers file the manifest lists", n)
			}
		default:
			v.problem("%s: not a file of an evidence pack (docs/evidence-pack.md)", n)
		}
	}
	return facts
}

// verifyChecks compares the packed checks with the checks this sdescan ships:
// the builtin directory must hold exactly them, byte for byte; every other
// packed check is custom, listed for the assessor. The manifest's list of checks
// must say the same.
func verifyChecks(v *Verification, m *Manifest, pc *Contents, listed map[string]string, opts VerifyOptions) {
	fsys := opts.Shipped
	if fsys == nil {
		fsys = collectors.BuiltinFS()
	}
	this := "sdescan " + opts.Version
	if opts.Version == "" {
		this = "this sdescan (of an unknown version)"
	}
	made := strings.TrimSpace(m.Tool.Name + " " + m.Tool.Version)
	cannot := ""
	if opts.Version == "" || m.Tool.Name != "sdescan" || m.Tool.Version != opts.Version {
		v.warn("made by %s, verified by %s: this sdescan cannot confirm the checks %s shipped; the built-in checks are compared with the ones %s ships, and the findings re-evaluated by it", made, this, made, this)
		cannot = fmt.Sprintf("; made by %s, which this sdescan cannot confirm", made)
	}
	shipped, err := ShippedChecks(fsys)
	if err != nil {
		v.problem("the checks %s ships: %v", this, err)
		return
	}

	dirs := map[string]PolicyEntry{}
	for _, p := range m.Policies {
		if policyDirPattern.MatchString(p.Dir) {
			dirs[p.Dir] = p
		}
	}
	files := map[string]int{}     // policy directory -> check files
	packed := map[string]string{} // check file -> its directory
	for _, n := range pc.names() {
		if !strings.HasPrefix(n, packChecks+"/") {
			continue
		}
		parts := strings.SplitN(n, "/", 4)
		if len(parts) < 4 {
			continue // not in a policy directory: a layout problem
		}
		dir, rel := strings.Join(parts[:3], "/"), parts[3]
		p, ok := dirs[dir]
		if !ok {
			continue // idem
		}
		e := pc.Entries[n]
		if dir == packBuiltin {
			switch want, ok := shipped[rel]; {
			case !ok:
				v.problem("%s: not a check %s ships%s", n, this, cannot)
			case want != e.SHA256:
				v.problem("%s: differs from the check %s ships (sha256 %s, shipped %s)%s", n, this, e.SHA256, want, cannot)
			default:
				v.ShippedChecks++
			}
		} else if !isCheckFile(rel) {
			v.problem("%s: not a check: a pack holds only the .rego files of a policy directory, tests left out", n)
			continue
		} else {
			v.CustomChecks = append(v.CustomChecks, CustomCheck{Path: n, SHA256: e.SHA256, Policy: p.Name})
		}
		if isCheckFile(rel) {
			files[dir]++
			packed[n] = dir
		}
	}
	if _, ok := dirs[packBuiltin]; !ok {
		// sdescan always assesses with the checks it ships, beside any --policy.
		v.problem("%s: missing: every pack holds the checks %s ships%s", packBuiltin, this, cannot)
	} else {
		for _, rel := range sortedKeys(shipped) {
			if _, ok := pc.Entries[path.Join(packBuiltin, rel)]; !ok {
				v.problem("%s: missing: %s ships it%s", path.Join(packBuiltin, rel), this, cannot)
			}
		}
	}
	for _, p := range m.Policies {
		if _, ok := dirs[p.Dir]; ok && files[p.Dir] != p.Files {
			v.problem("%s: policy %s has %d check files, %s holds %d", reports.PackManifest, p.Name, p.Files, p.Dir, files[p.Dir])
		}
	}

	// The manifest's list of checks (format 2) says the same of each file.
	if m.Format == format1 {
		v.warn("%s: format %s lists no checks: the packed checks are judged from their files alone", reports.PackManifest, format1)
		return
	}
	inList := map[string]bool{}
	for _, c := range m.Checks {
		dir, isCheck := packed[c.Path]
		switch {
		case inList[c.Path]:
			v.problem("%s: checks lists %s twice", reports.PackManifest, c.Path)
		case !isCheck:
			v.problem("%s: checks lists %q, not a check file of a policy directory of the pack", reports.PackManifest, c.Path)
		case c.SHA256 != listed[c.Path]: // a file unlike its listing is reported as such
			v.problem("%s: checks lists %s with sha256 %s, its files entry %s", reports.PackManifest, c.Path, c.SHA256, listed[c.Path])
		case c.Shipped != (dir == packBuiltin):
			v.problem("%s: checks lists %s as shipped: %t, but it is packed in %s", reports.PackManifest, c.Path, c.Shipped, dir)
		}
		inList[c.Path] = true
	}
	for _, n := range sortedKeys(packed) {
		if !inList[n] {
			v.problem("%s: a check file the manifest's checks list leaves out", n)
		}
	}
}

func verifySignature(v *Verification, m *Manifest, manifest []byte, sig *Entry, opts VerifyOptions) {
	switch {
	case sig != nil && m.PublicKey == nil:
		v.problem("%s: present, but %s records no signing key", reports.PackSignature, reports.PackManifest)
		return
	case sig == nil && m.PublicKey != nil:
		v.problem("%s: missing, but %s records a signing key (sha256 %s)", reports.PackSignature, reports.PackManifest, m.PublicKey.SHA256)
		return
	}
	if opts.Key == nil {
		v.Warnings = append(v.Warnings, "signature not checked: no --key given")
		return
	}
	keyName := opts.KeyName
	if keyName == "" {
		keyName = "the key"
	}
	fp := KeyFingerprint(opts.Key)
	switch {
	case sig == nil:
		v.problem("%s: missing: the pack is not signed", reports.PackSignature)
	case m.PublicKey.Algorithm != "ed25519":
		v.problem("%s: signing key algorithm %q, want ed25519", reports.PackManifest, m.PublicKey.Algorithm)
	case m.PublicKey.SHA256 != fp:
		v.problem("%s: signed by the key with sha256 %s, not by %s (sha256 %s)", reports.PackManifest, m.PublicKey.SHA256, keyName, fp)
	case len(sig.Data) != ed25519.SignatureSize:
		v.problem("%s: %d bytes, an ed25519 signature is %d", reports.PackSignature, len(sig.Data), ed25519.SignatureSize)
	case !ed25519.Verify(opts.Key, manifest, sig.Data):
		v.problem("%s: the signature of %s does not verify with %s", reports.PackSignature, reports.PackManifest, keyName)
	default:
		v.SignatureChecked = true
	}
}

// reevaluate runs the packed checks over the packed facts with the packed
// catalogue, attestations and waivers, at the pack's assessment time, and
// compares the result with what the pack says, byte for byte. It is called only
// for a pack whose files, signature, layout and shipped checks verified.
func reevaluate(ctx context.Context, v *Verification, m *Manifest, pc *Contents, facts *checks.Facts, opts VerifyOptions) {
	fsys := newMemFS(pc)
	fail := func(format string, args ...any) {
		v.problem("re-evaluation: "+format, args...)
	}
	data := func(name string) ([]byte, bool) {
		e, ok := pc.Entries[name]
		if !ok || (e.Data == nil && e.Size > 0) {
			fail("%s: missing", name)
			return nil, false
		}
		return e.Data, true
	}
	sub := func(dir string) (fs.FS, bool) {
		if err := ValidPath(dir); err != nil {
			fail("%s: %v", reports.PackManifest, err)
			return nil, false
		}
		s, err := fs.Sub(fsys, dir)
		if err != nil {
			fail("%s: %v", dir, err)
			return nil, false
		}
		return s, true
	}

	params, err := m.Assessment.Params()
	if err != nil {
		fail("%s: %v", reports.PackManifest, err)
		return
	}
	asOf := params.AsOf
	if facts == nil { // verifyLayout reported why
		return
	}

	// The pack's files, handed to the runner as a live run hands it the user's.
	setup := runner.Setup{Tool: m.Tool, Collectors: opts.Collectors, Recorded: facts, CatalogueName: packFrameworks,
		Params: params, Limits: opts.EvalLimits, Compiling: opts.compiling}
	for _, p := range m.Policies {
		if !strings.HasPrefix(p.Dir, packChecks+"/") {
			fail("%s: policy directory %q is not under %s/", reports.PackManifest, p.Dir, packChecks)
			return
		}
		s, ok := sub(p.Dir)
		if !ok {
			return
		}
		setup.Policies = append(setup.Policies, checks.PolicySource{Name: p.Name, FS: s})
	}
	var ok bool
	if setup.Catalogue, ok = sub(packFrameworks); !ok {
		return
	}
	for _, in := range m.Attestations {
		if in.Dir == "" || !strings.HasPrefix(in.File, in.Dir+"/") {
			fail("%s: attestations file %q is not under its directory %q", reports.PackManifest, in.File, in.Dir)
			return
		}
		s, ok := sub(in.Dir)
		if !ok {
			return
		}
		setup.Attestations = append(setup.Attestations, runner.AttestationFile{FS: s, File: strings.TrimPrefix(in.File, in.Dir+"/"), Name: in.Name})
	}
	for _, in := range m.Waivers {
		b, ok := data(in.File)
		if !ok {
			return
		}
		setup.Waivers = append(setup.Waivers, runner.File{Name: in.Name, Data: b})
	}
	prep, err := runner.Prepare(setup)
	if err != nil {
		var unknown *runner.UnknownFrameworkError
		if errors.As(err, &unknown) {
			fail("%s: assessed framework %s is not in %s", reports.PackManifest, unknown.ID, packFrameworks)
			return
		}
		fail("%v", err)
		return
	}
	// Each attestations directory holds the file and the documents it cites,
	// nothing else.
	for i, in := range m.Attestations {
		cited := map[string]bool{in.File: true}
		for _, a := range prep.Attestations[i] {
			for _, d := range a.Documents {
				if d.Path != "" {
					cited[path.Join(path.Dir(in.File), d.Path)] = true
				}
			}
		}
		for _, n := range pc.names() {
			if strings.HasPrefix(n, in.Dir+"/") && !cited[n] {
				v.problem("%s: not cited by %s", n, in.File)
			}
		}
	}

	// The findings are rendered while the roll-up runs (Evaluated), then the
	// assessment and each report at once; they are compared in the order listed.
	var findingsR *match
	res, err := prep.Run(ctx, facts, runner.Options{Evaluated: func(_ *checks.Facts, set *checks.FindingSet, _ []*checks.Check) {
		findings, _ := set.Collect() // Run's, in memory: no error
		findingsR = asyncMatch(pc, reports.PackFindings, func(w io.Writer) error { return writeFindings(w, asOf, findings) },
			func() ([]byte, error) { return renderFindings(asOf, findings) })
	}})
	if err != nil {
		fail("%v", err)
		return
	}
	a := res.Assessment

	compare := func(name string, want []byte, err error) {
		if err != nil {
			fail("%s: %v", name, err)
			return
		}
		got, ok := data(name)
		if !ok {
			return
		}
		if !bytes.Equal(got, want) {
			v.problem("%s: does not follow from the packed facts and policies (first difference at line %d)", name, reports.FirstDiffLine(got, want))
		}
	}
	assessmentR := asyncMatch(pc, reports.PackAssessment, func(w io.Writer) error { return reports.JSON(w, a) },
		func() ([]byte, error) { return renderAssessment(a) })
	reportsR := make([]*match, len(packReports))
	for i, r := range packReports {
		reportsR[i] = asyncMatch(pc, r.name, func(w io.Writer) error { return r.render(w, a) },
			func() ([]byte, error) { return renderReport(r.render, a) })
	}
	for _, m := range append([]*match{findingsR, assessmentR}, reportsR...) {
		if <-m.done; !m.same {
			compare(m.name, m.data, m.err)
		}
	}
	v.Evaluated = true
}

// match is the comparison of one output of the pack with its re-rendering.
type match struct {
	name string
	done chan struct{}
	// same: the re-rendered, redacted output is the packed file, byte for byte.
	same bool
	// Otherwise the re-rendered, redacted output (or why it could not be made),
	// for the caller to compare and report.
	data []byte
	err  error
}

// asyncMatch compares, in a goroutine, the packed file name with the output of
// write after redaction. The output is first compared with the file as it is
// written, without being kept: when the two are equal and the file is one that
// redaction leaves as it is, the redacted output is the file. Otherwise render
// makes the redacted output in full, as the comparison and its message need.
func asyncMatch(pc *Contents, name string, write func(io.Writer) error, render func() ([]byte, error)) *match {
	m := &match{name: name, done: make(chan struct{})}
	go func() {
		defer close(m.done)
		if e, ok := pc.Entries[name]; ok && e.Data != nil {
			cw := &compareWriter{want: e.Data, same: true}
			if err := write(cw); err == nil && cw.same && cw.off == len(e.Data) && bytes.Equal(evidence.Redact(e.Data), e.Data) {
				m.same = true
				return
			}
		}
		m.data, m.err = render()
	}()
	return m
}

// compareWriter compares what is written to it with want.
type compareWriter struct {
	want []byte
	off  int
	same bool
}

func (c *compareWriter) Write(p []byte) (int, error) {
	if c.same && (len(p) > len(c.want)-c.off || !bytes.Equal(p, c.want[c.off:c.off+len(p)])) {
		c.same = false
	}
	c.off += len(p)
	return len(p), nil
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
