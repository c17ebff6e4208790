package trivy

import (
	"context"
	"fmt"
	"path"
	"path/filepath"
	"sort"
	"strings"

	helmparser "github.com/aquasecurity/trivy/pkg/iac/scanners/helm/parser"

	"github.com/sdescan/sdescan/checks/limits"
)

// helmCharts renders every chart of the tree offline, as Trivy's Helm scanner
// does (with the chart's values and --helm-values), and parses the rendered
// Kubernetes objects into facts for sdescan's checks: a chart's RBAC roles and
// NetworkPolicies count like plain manifests. A chart that does not render (a
// required value missing, a template error) is a not_assessed entry with the
// reason: Trivy skips it silently, so its objects would otherwise go unjudged.
//
// Rendering is bounded: a template with a literal loop bound beyond
// MaxHelmLoop is not rendered, rendering runs under the scan's deadline, and
// what a chart renders to must stay within MaxHelmOutput and the YAML alias
// bound. A chart beyond a bound is not assessed and not handed to Trivy (which
// would render it again).
func (p *parser) helmCharts(ctx context.Context, valuesFiles []string) {
	dirs := make([]string, 0, len(p.charts))
	for d := range p.charts {
		dirs = append(dirs, d)
	}
	sort.Strings(dirs)
	var abs []string
	badValues := ""
	for _, v := range valuesFiles {
		a, err := filepath.Abs(v)
		if err != nil {
			continue
		}
		abs = append(abs, a)
		data, err := limits.ReadFile(v, maxFile)
		if err == nil {
			_, err = yamlDocuments(data, p.lim.yaml)
		}
		if err != nil && badValues == "" {
			badValues = "--helm-values " + oneLine(err.Error())
		}
	}
	for _, dir := range dirs {
		chart := path.Join(dir, "Chart.yaml")
		if badValues != "" {
			p.badCharts[dir] = true
			p.refuse(chart, EntryNotAssessed, "Helm chart not rendered: "+badValues)
			continue
		}
		if p.badCharts[dir] {
			p.refuse(chart, EntryNotAssessed, "Helm chart not rendered: one of its files is not assessed (listed)")
			continue
		}
		if !p.helmTemplatesBounded(dir) {
			p.badCharts[dir] = true
			continue
		}
		var opts []helmparser.Option
		if len(abs) > 0 {
			opts = append(opts, helmparser.OptionWithValuesFile(abs...))
		}
		var manifests []helmparser.Manifest
		var err error
		if !bounded(ctx, func() {
			var hp *helmparser.Parser
			if hp, err = helmparser.New(opts...); err == nil {
				manifests, err = hp.ParseFS(ctx, p.fsys, dir)
			}
		}) {
			p.badCharts[dir] = true
			p.refuse(chart, EntryNotAssessed, p.lim.timeBound("Helm rendering of the chart"))
			continue
		}
		if err != nil {
			p.entry(chart, EntryNotAssessed, "Helm chart does not render offline ("+oneLine(err.Error())+"); give the values it needs with --helm-values")
			continue
		}
		size := 0
		for _, m := range manifests {
			size += len(m.Content)
		}
		if size > MaxHelmOutput {
			p.badCharts[dir] = true
			p.refuse(chart, EntryNotAssessed, fmt.Sprintf("Helm chart renders to more than %s (sdescan's bound on a chart's output): not assessed", limits.Size(MaxHelmOutput)))
			continue
		}
		if !p.helmManifests(dir, manifests) {
			p.badCharts[dir] = true
			continue
		}
		p.rendered[dir] = manifests
	}
}

// helmTemplatesBounded checks a chart's templates for a literal loop bound
// beyond MaxHelmLoop (range until 10000000): false, with an entry, when one
// has one.
func (p *parser) helmTemplatesBounded(dir string) bool {
	var list []string
	for f, k := range p.kinds {
		if k == KindHelm && strings.HasPrefix(f, path.Join(dir, "templates")+"/") && p.chartOf(f) == dir {
			list = append(list, f)
		}
	}
	sort.Strings(list)
	ok := true
	for _, f := range list {
		data, err := p.read(f)
		if err != nil {
			p.refuse(f, EntryError, err.Error())
			ok = false
			continue
		}
		if loop, line := templateLoop(data); loop != "" {
			p.refuse(f, EntryNotAssessed, fmt.Sprintf("line %d: %q loops more than %d times (sdescan's bound on Helm templates): the chart is not rendered, not assessed", line, loop, MaxHelmLoop))
			ok = false
		}
	}
	return ok
}

// helmManifests parses a chart's rendered objects; each is reported under its
// template (chart/templates/x.yaml). False when one is beyond the YAML alias
// bound (Trivy must not parse the chart's output then).
func (p *parser) helmManifests(dir string, manifests []helmparser.Manifest) bool {
	ok := true
	for _, m := range manifests {
		rel := path.Join(dir, m.Path)
		docs, err := yamlMappings([]byte(m.Content), p.lim.yaml)
		if err != nil {
			if ae, isAlias := err.(*aliasError); isAlias {
				p.refuse(rel, EntryNotAssessed, "rendered template: "+ae.Error())
				ok = false
				continue
			}
			p.entry(rel, EntryError, "rendered template does not parse as YAML: "+oneLine(err.Error()))
			continue
		}
		for _, n := range docs {
			v, _ := nodeValue(n).(map[string]any)
			if v["apiVersion"] != nil && v["kind"] != nil {
				p.kubernetes(rel, n, v)
			}
		}
	}
	return ok
}
