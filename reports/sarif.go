package reports

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"path"
	"sort"
	"strings"
	"unicode"

	"github.com/owenrumney/go-sarif/v2/sarif"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/controls"
)

// sdescanURI is the tool's information URI in SARIF and its namespace in OSCAL.
const sdescanURI = "https://github.com/sdescan/sdescan"

// securitySeverity is the numeric severity GitHub code scanning reads from a rule's
// properties.security-severity: critical above 9, high 7 to 8.9, medium 4 to 6.9,
// low below 4.
func securitySeverity(s checks.Severity) string {
	switch s {
	case checks.Critical:
		return "9.5"
	case checks.High:
		return "8.0"
	case checks.Medium:
		return "5.5"
	}
	return "3.0"
}

// sarifLevel maps a severity to a SARIF level: critical and high are errors,
// medium a warning, low a note.
func sarifLevel(s checks.Severity) string {
	switch s {
	case checks.Critical, checks.High:
		return "error"
	case checks.Medium:
		return "warning"
	}
	return "note"
}

// SARIF writes the assessment as a SARIF 2.1.0 log with one run: one rule per
// check, and one result per failing finding (waived ones with a suppression), per
// finding that could not be assessed (level note), and per check left not assessed
// by a collection hole (level note, no location). Passing findings are left out.
// Results are in the order of the assessment's findings (check, then resource).
func SARIF(w io.Writer, in Input) error {
	a := in.Assessment
	report, err := sarif.New(sarif.Version210)
	if err != nil {
		return err
	}
	run := sarif.NewRunWithInformationURI("sdescan", sdescanURI)
	run.Tool.Driver.WithVersion(a.Tool.Version)
	run.Tool.Driver.WithSemanticVersion(a.Tool.Version)
	run.Properties = sarif.Properties{
		"asOf":      a.AsOf,
		"riskScore": a.Risk.Score,
		"rag":       a.Risk.RAG,
	}

	ruleIndex := map[string]int{}
	for i, cr := range a.Checks {
		c := in.checkMeta(cr.ID)
		rule := sarif.NewRule(cr.ID).
			WithName(ruleName(c)).
			WithShortDescription(sarif.NewMultiformatMessageString(cr.Title)).
			WithDefaultConfiguration(&sarif.ReportingConfiguration{Level: sarifLevel(cr.Severity)})
		if c.Description != "" {
			rule.WithFullDescription(sarif.NewMultiformatMessageString(c.Description))
		} else {
			rule.WithFullDescription(sarif.NewMultiformatMessageString(cr.Title))
		}
		help := c.Remediation
		if help == "" {
			help = "No remediation is recorded for this check."
		}
		rule.WithHelp(sarif.NewMultiformatMessageString(help).WithMarkdown(help))
		tags := []string{"security", "sdescan", string(cr.Severity)}
		tags = append(tags, cr.Types...)
		rule.WithProperties(sarif.Properties{
			"security-severity": securitySeverity(cr.Severity),
			"severity":          string(cr.Severity),
			"tags":              tags,
		})
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, rule)
		ruleIndex[cr.ID] = i
	}

	withError := map[string]bool{}
	for f := range a.EachFinding() {
		if f.Status != checks.Fail && f.Status != checks.Error {
			continue
		}
		idx, known := ruleIndex[f.CheckID]
		if !known {
			// A finding of a check the assessment does not list: give it a rule.
			idx = len(run.Tool.Driver.Rules)
			ruleIndex[f.CheckID] = idx
			run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarif.NewRule(f.CheckID).
				WithShortDescription(sarif.NewMultiformatMessageString(f.CheckID)).
				WithProperties(sarif.Properties{"security-severity": securitySeverity(f.Severity), "tags": []string{"security", "sdescan"}}))
		}
		title := in.checkMeta(f.CheckID).Title
		res := sarif.NewRuleResult(f.CheckID).WithRuleIndex(idx)
		var text string
		if f.Status == checks.Error {
			withError[f.CheckID] = true
			res.WithLevel("note")
			text = fmt.Sprintf("Not assessed: %s could not be evaluated on %s", f.CheckID, f.ResourceID)
		} else {
			res.WithLevel(sarifLevel(f.Severity))
			text = fmt.Sprintf("%s: %s", title, f.ResourceID)
		}
		if len(f.Messages) > 0 {
			text += ": " + strings.Join(f.Messages, "; ")
		}
		res.WithMessage(sarif.NewTextMessage(text))
		loc := sarifLocation(in, f.Finding)
		res.AddLocation(loc)
		res.PartialFingerprints = map[string]interface{}{"sdescanFinding/v1": fingerprint(f.CheckID, f.ResourceID)}
		props := sarif.Properties{"status": string(f.Status), "resourceType": f.ResourceType, "severity": string(f.Severity)}
		if f.Classification != "" {
			props["classification"] = f.Classification
		}
		res.Properties = props
		if f.Waiver != nil {
			res.AddSuppression(sarifSuppression(f, loc))
		}
		run.AddResult(res)
	}

	// Checks a collection hole left (partly) unassessed, with no error finding to
	// carry it: one note each, so a hole is never silent.
	byID := map[string]controls.CheckResult{}
	for _, c := range a.Checks {
		byID[c.ID] = c
	}
	holes := append([]string{}, a.Risk.NotAssessedChecks...)
	sort.Strings(holes)
	for _, id := range holes {
		if withError[id] {
			continue
		}
		idx, ok := ruleIndex[id]
		if !ok {
			continue
		}
		why := "incomplete evidence"
		if c := byID[id]; len(c.Reasons) > 0 {
			why = strings.Join(c.Reasons, "; ")
		}
		res := sarif.NewRuleResult(id).WithRuleIndex(idx).WithLevel("note").
			WithMessage(sarif.NewTextMessage(fmt.Sprintf("Not fully assessed: %s: %s", id, why)))
		res.Properties = sarif.Properties{"status": byID[id].Status}
		res.PartialFingerprints = map[string]interface{}{"sdescanFinding/v1": fingerprint(id, "")}
		run.AddResult(res)
	}
	if run.Results == nil {
		run.Results = []*sarif.Result{}
	}
	if run.Tool.Driver.Rules == nil {
		run.Tool.Driver.Rules = []*sarif.ReportingDescriptor{}
	}
	report.AddRun(run)
	b, err := json.MarshalIndent(report, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// sarifLocation locates a finding at its file when the resource is one, and
// always at the resource by its ID.
func sarifLocation(in Input, f checks.Finding) *sarif.Location {
	loc := sarif.NewLocation()
	if uri, ok := relativeURI(in.Paths[f.ResourceID]); ok {
		pl := sarif.NewPhysicalLocation().WithArtifactLocation(sarif.NewSimpleArtifactLocation(uri))
		if r, ok := in.Regions[f.ResourceID]; ok && r[0] > 0 {
			pl.WithRegion(sarif.NewRegion().WithStartLine(r[0]).WithEndLine(max(r[1], r[0])))
		}
		loc.WithPhysicalLocation(pl)
	}
	ll := sarif.NewLogicalLocation().WithFullyQualifiedName(f.ResourceID).WithKind("resource")
	if f.ResourceType != "" {
		ll.WithName(f.ResourceType)
	}
	loc.AddLogicalLocations(ll)
	return loc
}

// relativeURI is a file's path as a relative URI reference ("infra/main.tf"); ok
// is false for no path, or one that is absolute or leaves its root: those
// resources are located by their ID alone.
func relativeURI(p string) (string, bool) {
	if p == "" {
		return "", false
	}
	p = path.Clean(strings.ReplaceAll(p, "\\", "/"))
	if p == "." || p == ".." || strings.HasPrefix(p, "/") || strings.HasPrefix(p, "../") || (len(p) > 1 && p[1] == ':') {
		return "", false
	}
	return (&url.URL{Path: p}).String(), true
}

// sarifSuppression records the waiver that covers a failing finding.
func sarifSuppression(f controls.Finding, loc *sarif.Location) *sarif.Suppression {
	w := f.Waiver
	s := sarif.NewSuppression("external").WithStatus("accepted").
		WithJustifcation(fmt.Sprintf("%s (waiver %s, approved by %s, expires %s)", w.Reason, w.ID, w.Approver, w.Expires)).
		WithGuid(stableUUID("sarif-suppression", w.ID, f.CheckID, f.ResourceID)).
		WithLocation(loc)
	s.Properties = sarif.Properties{"waiver": w.ID, "approver": w.Approver, "expires": w.Expires}
	return s
}

// ruleName is a rule's name for people and tools: the last part of the check's
// Rego package in UpperCamelCase ("s3_encryption" -> "S3Encryption"), else its ID.
func ruleName(c *checks.Check) string {
	base := c.ID
	if c.Package != "" {
		base = c.Package[strings.LastIndex(c.Package, ".")+1:]
	}
	var b strings.Builder
	up := true
	for _, r := range base {
		if r == '_' || r == '-' || r == '.' {
			up = true
			continue
		}
		if up {
			r = unicode.ToUpper(r)
			up = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// fingerprint identifies a (check, resource) pair across runs.
func fingerprint(check, resource string) string {
	sum := sha256.Sum256([]byte(check + "\x00" + resource))
	return hex.EncodeToString(sum[:16])
}
