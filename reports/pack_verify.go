package reports

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"fmt"
	"io"
	"io/fs"
	"sort"
	"strings"
	"time"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/controls"
)

// VerifyOptions say how to verify a pack.
type VerifyOptions struct {
	// Key is the public key the pack must be signed with; nil: the signature is not checked.
	Key ed25519.PublicKey
	// KeyName names the key in messages (its file).
	KeyName string
	// Limits bound what is read; zero: DefaultLimits.
	Limits Limits
}

// Verification is the outcome of verifying a pack. The pack is valid when
// Problems is empty.
type Verification struct {
	Manifest *Manifest
	// Files is the number of files the manifest lists.
	Files int
	// SignatureChecked: a key was given and the signature verified with it.
	SignatureChecked bool
	// Problems say, one line each, why the pack is not valid.
	Problems []string
	// Warnings do not make the pack invalid but limit what was proven.
	Warnings []string
}

func (v *Verification) problem(format string, args ...any) {
	v.Problems = append(v.Problems, oneLineString(fmt.Sprintf(format, args...)))
}

func oneLineString(s string) string {
	return strings.NewReplacer("\r\n", `\n`, "\n", `\n`, "\r", `\r`).Replace(s)
}

// VerifyPack checks a pack (zip file or directory): every file's sha256 and size
// against the manifest, no file missing or extra, the signature when a key is
// given, and that findings.json, assessment.json and the reports follow from the
// packed facts, policies, catalogue, attestations and waivers, re-evaluated at the
// pack's assessment time. The error is for a pack that cannot be read at all (a
// missing or malformed manifest, or anything ReadPack refuses); every other
// problem is listed in the Verification.
func VerifyPack(ctx context.Context, name string, opts VerifyOptions) (*Verification, error) {
	lim := opts.Limits
	if lim == (Limits{}) {
		lim = DefaultLimits
	}
	// Raw evidence is only hashed: nothing re-reads it.
	pc, m, err := openPack(name, lim, func(n string) bool { return !strings.HasPrefix(n, checks.EvidencePrefix) })
	if err != nil {
		return nil, err
	}
	v := &Verification{Manifest: m, Files: len(m.Files)}

	// Every file, and nothing else, with the digest and size the manifest records.
	listed := map[string]bool{}
	for _, f := range m.Files {
		if err := ValidPackPath(f.Path); err != nil {
			v.problem("%s: manifest lists %v", PackManifest, err)
			continue
		}
		if f.Path == PackManifest || f.Path == PackSignature || listed[f.Path] {
			v.problem("%s: lists %s more than once or lists itself", PackManifest, f.Path)
			continue
		}
		listed[f.Path] = true
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
	for _, n := range sortedKeys(pc.Entries) {
		if !listed[n] && n != PackManifest && n != PackSignature {
			v.problem("%s: not listed in the manifest", n)
		}
	}

	verifySignature(v, m, pc.Entries[PackManifest].Data, pc.Entries[PackSignature], opts)
	reevaluate(ctx, v, m, pc)
	return v, nil
}

func verifySignature(v *Verification, m *Manifest, manifest []byte, sig *PackEntry, opts VerifyOptions) {
	switch {
	case sig != nil && m.PublicKey == nil:
		v.problem("%s: present, but %s records no signing key", PackSignature, PackManifest)
		return
	case sig == nil && m.PublicKey != nil:
		v.problem("%s: missing, but %s records a signing key (sha256 %s)", PackSignature, PackManifest, m.PublicKey.SHA256)
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
		v.problem("%s: missing: the pack is not signed", PackSignature)
	case m.PublicKey.Algorithm != "ed25519":
		v.problem("%s: signing key algorithm %q, want ed25519", PackManifest, m.PublicKey.Algorithm)
	case m.PublicKey.SHA256 != fp:
		v.problem("%s: signed by the key with sha256 %s, not by %s (sha256 %s)", PackManifest, m.PublicKey.SHA256, keyName, fp)
	case len(sig.Data) != ed25519.SignatureSize:
		v.problem("%s: %d bytes, an ed25519 signature is %d", PackSignature, len(sig.Data), ed25519.SignatureSize)
	case !ed25519.Verify(opts.Key, manifest, sig.Data):
		v.problem("%s: the signature of %s does not verify with %s", PackSignature, PackManifest, keyName)
	default:
		v.SignatureChecked = true
	}
}

// reevaluate runs the packed checks over the packed facts with the packed
// catalogue, attestations and waivers, at the pack's assessment time, and
// compares the result with what the pack says, byte for byte.
func reevaluate(ctx context.Context, v *Verification, m *Manifest, pc *PackContents) {
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
		if err := ValidPackPath(dir); err != nil {
			fail("%s: %v", PackManifest, err)
			return nil, false
		}
		s, err := fs.Sub(fsys, dir)
		if err != nil {
			fail("%s: %v", dir, err)
			return nil, false
		}
		return s, true
	}

	asOf, err := time.Parse(time.RFC3339, m.Assessment.AsOf)
	if err != nil {
		fail("%s: assessment.as_of %q is not an RFC 3339 time", PackManifest, m.Assessment.AsOf)
		return
	}
	factsJSON, ok := data(PackFacts)
	if !ok {
		return
	}
	facts, err := checks.DecodeFactsBytes(factsJSON, PackFacts)
	if err != nil {
		fail("%v", err)
		return
	}
	if t := facts.AsOf(); !t.IsZero() && t.Format(time.RFC3339) != m.CollectedAt {
		v.problem("%s: collected_at %s, but %s was collected at %s", PackManifest, m.CollectedAt, PackFacts, t.Format(time.RFC3339))
	}
	cited := map[string][]checks.EvidenceRef{}
	for _, r := range facts.Resources {
		cited["resource "+r.ID] = r.Evidence
	}
	for _, r := range facts.Runs {
		cited["run "+r.Collector+" "+r.Scope] = append(cited["run "+r.Collector+" "+r.Scope], r.Evidence...)
	}
	whos := make([]string, 0, len(cited))
	for who := range cited {
		whos = append(whos, who)
	}
	sort.Strings(whos)
	for _, who := range whos {
		for _, e := range cited[who] {
			got, ok := pc.Entries[e.Path]
			switch {
			case !ok:
				v.problem("%s: cited by %s (%s) but not in the pack", e.Path, PackFacts, who)
			case got.SHA256 != e.SHA256:
				v.problem("%s: sha256 %s, but %s cites %s", e.Path, got.SHA256, PackFacts, e.SHA256)
			}
		}
	}

	var sources []checks.PolicySource
	for _, p := range m.Policies {
		if !strings.HasPrefix(p.Dir, packChecks+"/") {
			fail("%s: policy directory %q is not under %s/", PackManifest, p.Dir, packChecks)
			return
		}
		s, ok := sub(p.Dir)
		if !ok {
			return
		}
		sources = append(sources, checks.PolicySource{Name: p.Name, FS: s})
	}
	engine, err := checks.NewEngine(sources...)
	if err != nil {
		fail("%v", err)
		return
	}
	resolve := func(id string) (string, bool) {
		c, ok := engine.Check(id)
		if !ok {
			return checks.ResolveRecordedID(facts, id)
		}
		return c.ID, true
	}
	catFS, ok := sub(packFrameworks)
	if !ok {
		return
	}
	cat, err := controls.LoadFS(catFS, packFrameworks, resolve)
	if err != nil {
		fail("%v", err)
		return
	}
	for _, id := range m.Assessment.Frameworks {
		if _, ok := cat.Framework(id); !ok {
			fail("%s: assessed framework %s is not in %s", PackManifest, id, packFrameworks)
			return
		}
	}
	var atts []*controls.Attestation
	for _, in := range m.Attestations {
		if in.Dir == "" || !strings.HasPrefix(in.File, in.Dir+"/") {
			fail("%s: attestations file %q is not under its directory %q", PackManifest, in.File, in.Dir)
			return
		}
		s, ok := sub(in.Dir)
		if !ok {
			return
		}
		list, err := controls.LoadAttestationsFS(s, strings.TrimPrefix(in.File, in.Dir+"/"), in.Name, cat.Kinds)
		if err != nil {
			fail("%s: %v", in.File, err)
			return
		}
		atts = append(atts, list...)
	}
	var waivers []*controls.Waiver
	for _, in := range m.Waivers {
		b, ok := data(in.File)
		if !ok {
			return
		}
		list, err := controls.ParseWaivers(b, in.Name, resolve)
		if err != nil {
			fail("%s: %v", in.File, err)
			return
		}
		waivers = append(waivers, list...)
	}

	findings, err := engine.Evaluate(ctx, facts, checks.Params{AsOf: asOf, ClassificationTag: m.Assessment.ClassificationTag, BreakGlassRoles: m.Assessment.BreakGlassRoles,
		BackupDefaultRPOHours: m.Assessment.BackupDefaultRPOHours, BackupMinRetentionDays: m.Assessment.BackupMinRetentionDays})
	if err != nil {
		fail("%v", err)
		return
	}
	// Render the findings while the roll-up runs, then the assessment and each
	// report at once; compare them in the order they are listed.
	findingsR := asyncMatch(pc, PackFindings, func(w io.Writer) error { return writeFindings(w, asOf, findings) },
		func() ([]byte, error) { return renderFindings(asOf, findings) })
	a := controls.Assess(controls.Input{
		Tool:         m.Tool,
		Facts:        facts,
		Findings:     findings,
		Checks:       engine.ChecksFor(facts),
		Catalogue:    cat,
		Attestations: atts,
		Waivers:      waivers,
		AsOf:         asOf,
		Frameworks:   m.Assessment.Frameworks,
		ExpiringDays: m.Assessment.ExpiringDays,
	})

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
			v.problem("%s: does not follow from the packed facts and policies (first difference at line %d)", name, firstDiffLine(got, want))
		}
	}
	assessmentR := asyncMatch(pc, PackAssessment, func(w io.Writer) error { return JSON(w, a) },
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
func asyncMatch(pc *PackContents, name string, write func(io.Writer) error, render func() ([]byte, error)) *match {
	m := &match{name: name, done: make(chan struct{})}
	go func() {
		defer close(m.done)
		if e, ok := pc.Entries[name]; ok && e.Data != nil {
			cw := &compareWriter{want: e.Data, same: true}
			if err := write(cw); err == nil && cw.same && cw.off == len(e.Data) && bytes.Equal(checks.Redact(e.Data), e.Data) {
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

// firstDiffLine is the 1-based line where a and b first differ.
func firstDiffLine(a, b []byte) int {
	n := min(len(a), len(b))
	i := 0
	for i < n && a[i] == b[i] {
		i++
	}
	return bytes.Count(a[:i], []byte("\n")) + 1
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
