package trivy

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aquasecurity/trivy/pkg/iac/framework"
	"github.com/aquasecurity/trivy/pkg/iac/rego"
	"github.com/aquasecurity/trivy/pkg/iac/rules"

	"github.com/sdescan/sdescan/checks"
)

// entryTypes are the resource types a file of a kind would have given: the checks
// over them are not assessed when the file cannot be read.
var entryTypes = map[string][]string{
	KindTerraform:      {TypeTerraformResource},
	KindTFVars:         {TypeFile},
	KindCloudFormation: {TypeCloudFormationResource},
	KindKubernetes:     {TypeKubernetesObject},
	KindHelm:           {TypeKubernetesObject},
	KindHelmValues:     {TypeFile},
	KindDockerfile:     {TypeDockerfile},
	KindCompose:        {TypeComposeService},
	KindARM:            {TypeARMResource},
	KindBicep:          {TypeARMResource},
}

// Facts are the scan's resources as sdescan facts, with one collector run whose
// errors are the entries that could not be assessed.
func (r *Result) Facts(tool checks.Version, at time.Time, scope string) *checks.Facts {
	run := checks.CollectorRun{Collector: Source, Scope: scope, Started: at, Ended: at, Status: checks.RunOK, Covers: IaCCollector().Covers}
	for _, e := range r.Entries {
		types := entryTypes[r.Files[e.Path]]
		if types == nil {
			types = Types
		}
		run.Errors = append(run.Errors, checks.CollectError{Collector: Source, Resource: e.Path, Service: e.Kind, ResourceTypes: types, Message: e.Path + ": " + e.Reason})
	}
	if len(run.Errors) > 0 {
		run.Status = checks.RunPartial
	}
	f := &checks.Facts{Tool: tool, CollectedAt: at, Runs: []checks.CollectorRun{run}, Resources: append(dedupe(r.Resources), r.recorded()...)}
	f.Normalize()
	return f
}

// recorded are the failures of Trivy's checks as facts (checks.TypeRecordedResult):
// one per check and resource, with the check's metadata and where it is.
func (r *Result) recorded() []checks.Resource {
	findings, regions, paths := r.Findings()
	out := make([]checks.Resource, 0, len(findings))
	for _, f := range findings {
		attrs := map[string]any{
			"check_id":      f.CheckID,
			"resource_id":   f.ResourceID,
			"resource_type": f.ResourceType,
			"severity":      string(f.Severity),
			"messages":      anyList(f.Messages),
			"engine":        "trivy",
		}
		if c := r.Checks[f.CheckID]; c != nil {
			attrs["title"], attrs["description"], attrs["remediation"] = c.Title, c.Description, c.Remediation
			attrs["aliases"], attrs["package"], attrs["engine"] = anyList(c.Aliases), c.Package, c.File
		}
		if reg, ok := regions[f.ResourceID]; ok {
			attrs["start_line"], attrs["end_line"] = reg.StartLine, reg.EndLine
		}
		out = append(out, checks.Resource{
			ID: "trivy:" + f.CheckID + "@" + f.ResourceID, Type: checks.TypeRecordedResult, Source: Source,
			Scope: checks.Scope{Path: paths[f.ResourceID]}, Attributes: attrs,
		})
	}
	return out
}

func anyList(list []string) []any {
	out := make([]any, len(list))
	for i, s := range list {
		out[i] = s
	}
	return out
}

// dedupe keeps resource IDs unique (a module called twice, two objects of one
// name in a file): a later one gets its start line appended.
func dedupe(list []checks.Resource) []checks.Resource {
	seen := map[string]bool{}
	out := make([]checks.Resource, 0, len(list))
	for _, r := range list {
		if seen[r.ID] {
			r.ID = fmt.Sprintf("%s@L%v", r.ID, r.Attributes["start_line"])
		}
		seen[r.ID] = true
		out = append(out, r)
	}
	return out
}

// Region is a range of lines of a file.
type Region struct{ StartLine, EndLine int }

// locate finds the parsed resource of a file whose lines hold a Trivy finding:
// the narrowest one wins.
func (r *Result) locate(m Misconfiguration) (checks.Resource, bool) {
	var best checks.Resource
	found := false
	width := 0
	for _, res := range r.Resources {
		if res.Scope.Path != m.Path {
			continue
		}
		s, _ := res.Attributes["start_line"].(int)
		e, _ := res.Attributes["end_line"].(int)
		if s == 0 || m.StartLine < s || m.StartLine > e {
			continue
		}
		if !found || e-s < width {
			best, found, width = res, true, e-s
		}
	}
	return best, found
}

// Findings are the failures of Trivy's checks as sdescan findings, one per
// (check, resource), with each failure's lines in its messages; regions gives the
// lines of each resource for SARIF.
func (r *Result) Findings() (findings []checks.Finding, regions map[string]Region, paths map[string]string) {
	regions = map[string]Region{}
	paths = map[string]string{}
	for _, res := range r.Resources {
		s, _ := res.Attributes["start_line"].(int)
		e, _ := res.Attributes["end_line"].(int)
		if s > 0 {
			regions[res.ID] = Region{s, e}
		}
		paths[res.ID] = res.Scope.Path
	}
	byKey := map[[2]string]int{}
	for _, m := range r.Misconfigurations {
		id, typ := "", trivyTypeOfKind(r.Files[m.Path])
		if res, ok := r.locate(m); ok {
			id, typ = res.ID, res.Type
		} else {
			addr := m.Resource
			if strings.HasPrefix(addr, strings.TrimPrefix(m.Path, "/")) || strings.Contains(addr, ":") {
				addr = ""
			}
			id = resourceID(m.Path, addr)
			if _, ok := regions[id]; !ok && m.StartLine > 0 {
				regions[id] = Region{m.StartLine, max(m.EndLine, m.StartLine)}
			}
			paths[id] = m.Path
		}
		msg := m.Message
		if m.StartLine > 0 {
			msg = fmt.Sprintf("%s (lines %d-%d)", m.Message, m.StartLine, max(m.EndLine, m.StartLine))
		}
		k := [2]string{m.CheckID, id}
		if i, ok := byKey[k]; ok {
			findings[i].Messages = append(findings[i].Messages, msg)
			continue
		}
		byKey[k] = len(findings)
		findings = append(findings, checks.Finding{CheckID: m.CheckID, ResourceID: id, ResourceType: typ, Status: checks.Fail, Severity: m.Severity, Messages: []string{msg}})
	}
	for i := range findings {
		sort.Strings(findings[i].Messages)
	}
	sort.Slice(findings, func(i, j int) bool {
		if findings[i].CheckID != findings[j].CheckID {
			return findings[i].CheckID < findings[j].CheckID
		}
		return findings[i].ResourceID < findings[j].ResourceID
	})
	return findings, regions, paths
}

func trivyTypeOfKind(kind string) string {
	if t := entryTypes[kind]; len(t) > 0 {
		return t[0]
	}
	return TypeFile
}

var (
	catOnce sync.Once
	catList []*checks.Check
	catErr  error
)

// Catalogue lists Trivy's embedded misconfiguration checks (not deprecated),
// with their metadata, sorted by ID: waivers and frameworks may cite any of them
// by ID or by an alias (AVD-AWS-0090, DS002). It reads the rule registry Trivy
// fills when it compiles its embedded checks (once per process, shared with the
// scanner), rather than parsing every check a second time.
func Catalogue() ([]*checks.Check, error) {
	catOnce.Do(func() {
		defer func() {
			if r := recover(); r != nil { // Trivy panics when its embedded checks do not compile
				catErr = fmt.Errorf("trivy checks: %v", r)
			}
		}()
		rego.LoadAndRegister()
		seen := map[string]bool{}
		for _, rr := range rules.GetFrameworkRules(framework.ALL) {
			r := rr.Rule
			if r.Deprecated || r.ID == "" || r.ID == "N/A" || seen[r.ID] {
				continue
			}
			seen[r.ID] = true
			catList = append(catList, &checks.Check{
				ID: r.ID, Title: r.Summary, Description: r.Explanation, Severity: severity(string(r.Severity)),
				ResourceTypes: []string{TypeFile}, Remediation: r.Resolution, Aliases: aliases(r.ID, r.AVDID, r.Aliases),
				File: "trivy:" + r.RegoPackage, Package: r.RegoPackage,
			})
		}
		if len(catList) == 0 {
			catErr = errors.New("trivy checks: none registered")
		}
		sort.Slice(catList, func(i, j int) bool { return catList[i].ID < catList[j].ID })
	})
	return catList, catErr
}
