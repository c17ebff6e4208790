package reports

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/defenseunicorns/go-oscal/src/pkg/validation"
	oscal "github.com/defenseunicorns/go-oscal/src/types/oscal-1-1-3"

	"github.com/sdescan/sdescan/controls"
)

// validOSCAL validates a document with go-oscal against NIST's OSCAL schema.
func validOSCAL(t *testing.T, doc []byte) {
	t.Helper()
	v, err := validation.NewValidator(doc)
	if err != nil {
		t.Fatalf("go-oscal: %v", err)
	}
	if v.GetSchemaVersion() != OSCALVersion || v.GetModelType() != "assessment-results" {
		t.Fatalf("go-oscal reads OSCAL %s %s", v.GetSchemaVersion(), v.GetModelType())
	}
	if err := v.Validate(); err != nil {
		res, _ := v.GetValidationResult()
		for i, e := range res.Errors {
			if i == 10 {
				break
			}
			t.Logf("%s: %s", e.InstanceLocation, e.Error)
		}
		t.Fatalf("not valid OSCAL %s assessment-results: %v", OSCALVersion, err)
	}
}

func decodeOSCAL(t *testing.T, doc []byte) *oscal.AssessmentResults {
	t.Helper()
	var m oscal.OscalModels
	if err := json.Unmarshal(doc, &m); err != nil {
		t.Fatal(err)
	}
	if m.AssessmentResults == nil {
		t.Fatal("no assessment-results")
	}
	return m.AssessmentResults
}

// TestOSCAL renders the demo assessment as OSCAL assessment-results, straight
// after a scan and from its evidence pack, validates both with go-oscal, and
// checks the findings, observations and the pack's files in the back-matter.
func TestOSCAL(t *testing.T) {
	scan := demoInput(t)
	packed := scan
	packed.Pack = demoPack()

	out := render(t, "oscal", scan)
	validOSCAL(t, out)
	ar := decodeOSCAL(t, out)
	if ar.ImportAp.Href != "#" || ar.BackMatter != nil {
		t.Fatalf("without a pack: import-ap %q, back-matter %v", ar.ImportAp.Href, ar.BackMatter)
	}
	a := scan.Assessment
	n := 0
	for _, fw := range a.Frameworks {
		n += len(fw.Requirements)
	}
	res := ar.Results[0]
	if len(*res.Findings) != n || len(*res.Observations) != n || res.Start.Format("2006-01-02T15:04:05Z") != a.AsOf {
		t.Fatalf("%d findings and %d observations for %d requirements; start %v", len(*res.Findings), len(*res.Observations), n, res.Start)
	}
	i := 0
	uuids := map[string]bool{}
	for _, fw := range a.Frameworks {
		for _, r := range fw.Requirements {
			f := (*res.Findings)[i]
			i++
			want := "not-satisfied"
			if r.Status == controls.Met {
				want = "satisfied"
			}
			if f.Target.TargetId != OSCALControlID(fw.ID, r.ID) || f.Target.Status.State != want {
				t.Fatalf("%s %s (%s): target %s %s", fw.ID, r.ID, r.Status, f.Target.TargetId, f.Target.Status.State)
			}
			if uuids[f.UUID] {
				t.Fatalf("UUID %s used twice", f.UUID)
			}
			uuids[f.UUID] = true
		}
	}

	// From the pack: the back-matter lists every file with its sha256, and
	// import-ap points at the manifest.
	out = render(t, "oscal", packed)
	validOSCAL(t, out)
	par := decodeOSCAL(t, out)
	if par.BackMatter == nil || len(*par.BackMatter.Resources) != len(packed.Pack.Files)+1 {
		t.Fatalf("back-matter: %v", par.BackMatter)
	}
	byPath := map[string]oscal.Resource{}
	for _, r := range *par.BackMatter.Resources {
		byPath[(*r.Rlinks)[0].Href] = r
	}
	for _, f := range packed.Pack.Files {
		r, ok := byPath[f.Path]
		if !ok || (*(*r.Rlinks)[0].Hashes)[0].Algorithm != "SHA-256" || (*(*r.Rlinks)[0].Hashes)[0].Value != f.SHA256 {
			t.Fatalf("%s: back-matter %+v", f.Path, r)
		}
	}
	if m := byPath[PackManifest]; par.ImportAp.Href != "#"+m.UUID || (*(*m.Rlinks)[0].Hashes)[0].Value != packed.Pack.ManifestSHA256 {
		t.Fatalf("import-ap %q, manifest resource %s", par.ImportAp.Href, m.UUID)
	}

	// A golden file of a smaller assessment: one framework.
	small := scan
	sa := *a
	sa.Frameworks = a.Frameworks[:1]
	small.Assessment = &sa
	golden(t, "oscal-demo-sde-2022.json", render(t, "oscal", small))
}

// TestOSCALTokens checks the control IDs made from requirement IDs that are not
// OSCAL tokens.
func TestOSCALTokens(t *testing.T) {
	for in, want := range map[string][2]string{
		"sde-2022.3":     {"sde-2022", "3"},
		"dspt-caf.A1.a":  {"dspt-caf", "A1.a"},
		"_1.x_y":         {"1", "x y"},
		"satre-v2.1.1.1": {"satre-v2", "1.1.1"},
		"mine.R_1__":     {"mine", "R/1<>"},
	} {
		if got := OSCALControlID(want[0], want[1]); got != in {
			t.Errorf("OSCALControlID(%q, %q) = %q, want %q", want[0], want[1], got, in)
		}
	}
	if strings.Contains(stableUUID("a", "b"), stableUUID("a", "c")) || stableUUID("a") != stableUUID("a") {
		t.Fatal("stableUUID is not a function of its names")
	}
	var buf bytes.Buffer
	if err := OSCAL(&buf, Input{Assessment: &controls.Assessment{AsOf: "yesterday"}}); err == nil {
		t.Fatal("an assessment without an RFC 3339 as_of rendered")
	}
}
