package reports

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"sync"
	"testing"
	"time"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/controls"
	"github.com/sdescan/sdescan/reports/internal/demotest"
)

// demoRun assesses the demo estate through the runner as `sdescan scan --demo`
// does, with its facts as edit leaves them (edit nil: unchanged), at asOf
// (zero: when the facts were collected). The assessment is decoded from its
// JSON, as a pack's assessment.json and --format json hold it: data.
func demoRun(t testing.TB, asOf time.Time, edit func(*checks.Facts)) (a *controls.Assessment, data []byte, list []*checks.Check, resources []checks.Resource) {
	t.Helper()
	facts := demotest.Facts(t)
	if edit != nil {
		edit(facts)
	}
	demotest.Registry.FillCovers(facts)
	resources = facts.Resources // the runner lets them go
	setup := demotest.Setup(t, true)
	setup.Params.AsOf = asOf
	prep, res := demotest.Run(t, facts, setup)
	var buf bytes.Buffer
	if err := JSON(&buf, res.Assessment); err != nil {
		t.Fatal(err)
	}
	a = &controls.Assessment{}
	if err := checks.DecodeJSONStrict(buf.Bytes(), a); err != nil {
		t.Fatal(err)
	}
	return a, buf.Bytes(), prep.Engine.Checks(), resources
}

var demoOnce struct {
	sync.Once
	in Input
}

// demoInput is the demo assessment as rendered straight after a scan (no
// pack), assessed once per test run; the caller may change its copy of the
// Input, not what it points to.
func demoInput(t *testing.T) Input {
	t.Helper()
	demoOnce.Do(func() {
		a, _, list, resources := demoRun(t, time.Time{}, nil)
		demoOnce.in = NewInput(a, list, resources)
	})
	return demoOnce.in
}

// demoPack cites the demo's evidence pack as package pack reads it back
// (pack's TestReportInputSource checks the attestations and waivers files):
// its fixed files, with made-up digests.
func demoPack() *PackSource {
	digest := func(s string) string {
		sum := sha256.Sum256([]byte(s))
		return hex.EncodeToString(sum[:])
	}
	src := &PackSource{ManifestSHA256: digest(PackManifest),
		Attestations: []PackedInput{{Name: "demo/attestations.yaml", File: "attestations/1/attestations.yaml"}},
		Waivers:      []PackedInput{{Name: "demo/waivers.yaml", File: "waivers/1/waivers.yaml"}}}
	for _, f := range []string{PackFacts, PackFindings, PackAssessment, "reports/summary.md", "attestations/1/attestations.yaml", "waivers/1/waivers.yaml"} {
		src.Files = append(src.Files, PackFile{Path: f, SHA256: digest(f)})
	}
	return src
}
