package reports

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	oscaluuid "github.com/defenseunicorns/go-oscal/src/pkg/uuid"
	oscal "github.com/defenseunicorns/go-oscal/src/types/oscal-1-1-3"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/controls"
)

// OSCALVersion is the OSCAL version of the assessment-results sdescan writes.
const OSCALVersion = "1.1.3"

// oscalNS is the namespace of sdescan's own OSCAL properties.
const oscalNS = sdescanURI + "/ns/oscal"

// maxSubjects bounds the resources one observation names; the rest are counted.
const maxSubjects = 50

// stableUUID is a name-based (version 5) UUID of the parts: the same names give
// the same UUID, so the same assessment gives byte-identical OSCAL.
func stableUUID(parts ...string) string {
	return oscaluuid.NewUUIDWithSource("urn:sdescan:" + strings.Join(parts, "\x1f"))
}

// oscalToken makes a string an OSCAL token (a letter or underscore, then letters,
// digits, '.', '-' or '_'): other characters become '_'.
func oscalToken(s string) string {
	var b strings.Builder
	for i, r := range s {
		ok := r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') ||
			(i > 0 && (r == '.' || r == '-' || (r >= '0' && r <= '9')))
		if !ok {
			if i == 0 && r >= '0' && r <= '9' {
				b.WriteByte('_')
				b.WriteRune(r)
				continue
			}
			r = '_'
		}
		b.WriteRune(r)
	}
	if b.Len() == 0 {
		return "_"
	}
	return b.String()
}

// OSCALControlID is the OSCAL control and objective ID of a framework requirement:
// "<framework>.<requirement>" made a token ("sde-2022", "3" -> "sde-2022.3").
func OSCALControlID(framework, requirement string) string {
	return oscalToken(framework + "." + requirement)
}

// OSCAL writes the assessment as NIST OSCAL 1.1.3 assessment-results: one result
// whose reviewed controls are the requirements of every framework reported, with
// one finding (target: the requirement, satisfied only when met) and one
// observation (the checks and attestations behind it, and the failing resources)
// per requirement. Rendered from an evidence pack, its back-matter lists every
// file of the pack with its sha256, and import-ap points at manifest.json there;
// otherwise import-ap is "#" (there is no OSCAL assessment plan). UUIDs are
// name-based and every time is the assessment's as_of, so the output is a pure
// function of the input.
func OSCAL(w io.Writer, in Input) error {
	ar, err := buildOSCAL(in)
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(oscal.OscalModels{AssessmentResults: ar}, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

func buildOSCAL(in Input) (*oscal.AssessmentResults, error) {
	a := in.Assessment
	asOf, err := time.Parse(time.RFC3339, a.AsOf)
	if err != nil {
		return nil, fmt.Errorf("oscal: as_of %q is not an RFC 3339 time", a.AsOf)
	}
	asOf = asOf.UTC()
	// Everything is named under the assessment's own digest, so two different
	// assessments never share a UUID and the same one always has the same.
	raw, err := json.Marshal(a)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(raw)
	seed := hex.EncodeToString(sum[:])
	id := func(parts ...string) string { return stableUUID(append([]string{seed}, parts...)...) }
	prop := func(name, value string) oscal.Property {
		return oscal.Property{Name: name, Ns: oscalNS, Value: value}
	}

	ar := &oscal.AssessmentResults{
		UUID: id("assessment-results"),
		Metadata: oscal.Metadata{
			Title:        fmt.Sprintf("sdescan assessment results as of %s", a.AsOf),
			LastModified: asOf,
			Published:    &asOf,
			Version:      a.Tool.Version,
			OscalVersion: OSCALVersion,
			Props: &[]oscal.Property{
				prop("risk-score", fmt.Sprintf("%.1f", a.Risk.Score)),
				prop("risk-rag", a.Risk.RAG),
				prop("tool", strings.TrimSpace(a.Tool.Name+" "+a.Tool.Version)),
			},
		},
		ImportAp: oscal.ImportAp{Href: "#",
			Remarks: "sdescan writes no OSCAL assessment plan: the assessment's inputs (facts, checks, catalogue, attestations, waivers) are in its evidence pack."},
	}

	// The pack's files, by digest; import-ap points at its manifest.
	fileRes := map[string]string{}
	var resources []oscal.Resource
	for _, f := range in.packFiles() {
		u := id("pack-file", f.Path)
		fileRes[f.Path] = u
		res := oscal.Resource{UUID: u, Title: f.Path,
			Rlinks: &[]oscal.ResourceLink{{Href: f.Path, MediaType: mediaType(f.Path),
				Hashes: &[]oscal.Hash{{Algorithm: "SHA-256", Value: f.SHA256}}}}}
		resources = append(resources, res)
	}
	if u, ok := fileRes[PackManifest]; ok {
		ar.ImportAp = oscal.ImportAp{Href: "#" + u,
			Remarks: "sdescan writes no OSCAL assessment plan: the plan of this assessment is the evidence pack's manifest.json (what was scanned, with which checks, catalogue, attestations and waivers)."}
	}
	var evidence []oscal.RelevantEvidence
	for _, name := range []string{PackAssessment, PackFindings, PackFacts} {
		if u, ok := fileRes[name]; ok {
			evidence = append(evidence, oscal.RelevantEvidence{Href: "#" + u, Description: "evidence pack " + name})
		}
	}

	// Failing and unassessed resources per check, for the observations.
	failing := map[string][]string{}
	for f := range a.EachFinding() {
		if (f.Status == checks.Fail && f.Waiver == nil) || f.Status == checks.Error {
			failing[f.CheckID] = append(failing[f.CheckID], f.ResourceID)
		}
	}

	var selections []oscal.AssessedControls
	var findings []oscal.Finding
	var observations []oscal.Observation
	for _, fw := range a.Frameworks {
		var include []oscal.AssessedControlsSelectControlById
		for _, r := range fw.Requirements {
			cid := OSCALControlID(fw.ID, r.ID)
			include = append(include, oscal.AssessedControlsSelectControlById{ControlId: cid})

			obs := oscal.Observation{
				UUID:        id("observation", fw.ID, r.ID),
				Title:       fmt.Sprintf("%s %s: evidence", fw.ID, r.ID),
				Description: observationText(r),
				Methods:     observationMethods(r),
				Collected:   asOf,
				Props:       &[]oscal.Property{prop("requirement-status", r.Status)},
			}
			var subjects []oscal.SubjectReference
			seen := map[string]bool{}
			for _, c := range r.Checks {
				for _, res := range failing[c.ID] {
					if seen[res] {
						continue
					}
					seen[res] = true
					if len(subjects) < maxSubjects {
						subjects = append(subjects, oscal.SubjectReference{SubjectUuid: stableUUID("resource", res), Type: "resource", Title: res,
							Props: &[]oscal.Property{prop("check-id", c.ID)}})
					}
				}
			}
			if len(seen) > len(subjects) {
				obs.Remarks = fmt.Sprintf("%d failing or unassessed resources; the first %d are listed as subjects.", len(seen), len(subjects))
			}
			if len(subjects) > 0 {
				obs.Subjects = &subjects
			}
			if len(evidence) > 0 {
				ev := append([]oscal.RelevantEvidence{}, evidence...)
				obs.RelevantEvidence = &ev
			}
			observations = append(observations, obs)

			state, reason := "not-satisfied", "other"
			switch r.Status {
			case controls.Met:
				state, reason = "satisfied", "pass"
			case controls.NotMet:
				reason = "fail"
			}
			desc := strings.Join(r.Reasons, "\n")
			if desc == "" {
				desc = "requirement " + r.Status
			}
			findings = append(findings, oscal.Finding{
				UUID:        id("finding", fw.ID, r.ID),
				Title:       strings.TrimSpace(fmt.Sprintf("%s %s %s", fw.ID, r.ID, r.Title)),
				Description: desc,
				Target: oscal.FindingTarget{
					Type:     "objective-id",
					TargetId: cid,
					Title:    r.Title,
					Status:   oscal.ObjectiveStatus{State: state, Reason: reason, Remarks: fmt.Sprintf("sdescan status %s (%s)", r.Status, r.Label)},
					Props:    &[]oscal.Property{prop("requirement-status", r.Status)},
				},
				RelatedObservations: &[]oscal.RelatedObservation{{ObservationUuid: obs.UUID}},
			})
		}
		sel := oscal.AssessedControls{Description: fmt.Sprintf("%s: %s (version %s)", fw.ID, fw.Title, fw.Version)}
		if len(include) > 0 {
			sel.IncludeControls = &include
		}
		selections = append(selections, sel)
	}
	if len(selections) == 0 {
		selections = []oscal.AssessedControls{{Description: "no framework was reported"}}
	}

	result := oscal.Result{
		UUID:        id("result"),
		Title:       "sdescan assessment",
		Description: fmt.Sprintf("Automated checks and attestations rolled up into framework requirements as of %s. Risk score %.1f (%s); %d check(s) not fully assessed.", a.AsOf, a.Risk.Score, strings.ToUpper(a.Risk.RAG), a.Risk.NotAssessed),
		Start:       asOf,
		End:         &asOf,
		ReviewedControls: oscal.ReviewedControls{
			Description:       "The requirements of the frameworks reported.",
			ControlSelections: selections,
		},
	}
	if len(findings) > 0 {
		result.Findings = &findings
		result.Observations = &observations
	}
	ar.Results = []oscal.Result{result}
	if len(resources) > 0 {
		ar.BackMatter = &oscal.BackMatter{Resources: &resources}
	}
	return ar, nil
}

func observationMethods(r controls.RequirementResult) []string {
	var m []string
	if len(r.Checks) > 0 {
		m = append(m, "TEST")
	}
	if len(r.Attestations) > 0 {
		m = append(m, "EXAMINE")
	}
	if len(m) == 0 {
		m = []string{"EXAMINE"}
	}
	return m
}

func observationText(r controls.RequirementResult) string {
	var lines []string
	for _, c := range r.Checks {
		lines = append(lines, fmt.Sprintf("check %s: %s", c.ID, c.Status))
	}
	for _, at := range r.Attestations {
		lines = append(lines, fmt.Sprintf("attestation %s: %s", at.ID, at.Status))
	}
	if len(lines) == 0 {
		return "No automated check or attestation evidences this requirement."
	}
	return strings.Join(lines, "\n")
}

func mediaType(p string) string {
	switch {
	case strings.HasSuffix(p, ".json"):
		return "application/json"
	case strings.HasSuffix(p, ".yaml"), strings.HasSuffix(p, ".yml"):
		return "application/yaml"
	case strings.HasSuffix(p, ".md"):
		return "text/markdown"
	case strings.HasSuffix(p, ".sig"):
		return "application/octet-stream"
	case strings.HasSuffix(p, ".rego"), strings.HasSuffix(p, ".txt"):
		return "text/plain"
	}
	return ""
}
