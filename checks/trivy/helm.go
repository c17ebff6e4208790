package trivy

import (
	"context"
	"path"
	"path/filepath"
	"sort"

	helmparser "github.com/aquasecurity/trivy/pkg/iac/scanners/helm/parser"
)

// helmCharts renders every chart of the tree offline, as Trivy's Helm scanner
// does (with the chart's values and --helm-values), and parses the rendered
// Kubernetes objects into facts for sdescan's checks: a chart's RBAC roles and
// NetworkPolicies count like plain manifests. A chart that does not render (a
// required value missing, a template error) is a not_assessed entry with the
// reason: Trivy skips it silently, so its objects would otherwise go unjudged.
func (p *parser) helmCharts(ctx context.Context, valuesFiles []string) {
	dirs := make([]string, 0, len(p.charts))
	for d := range p.charts {
		dirs = append(dirs, d)
	}
	sort.Strings(dirs)
	var abs []string
	for _, v := range valuesFiles {
		if a, err := filepath.Abs(v); err == nil {
			abs = append(abs, a)
		}
	}
	for _, dir := range dirs {
		var opts []helmparser.Option
		if len(abs) > 0 {
			opts = append(opts, helmparser.OptionWithValuesFile(abs...))
		}
		hp, err := helmparser.New(opts...)
		if err == nil {
			var manifests []helmparser.Manifest
			if manifests, err = hp.ParseFS(ctx, p.fsys, dir); err == nil {
				p.helmManifests(dir, manifests)
				continue
			}
		}
		p.entry(path.Join(dir, "Chart.yaml"), EntryNotAssessed, "Helm chart does not render offline ("+oneLine(err.Error())+"); give the values it needs with --helm-values")
	}
}

// helmManifests parses a chart's rendered objects; each is reported under its
// template (chart/templates/x.yaml).
func (p *parser) helmManifests(dir string, manifests []helmparser.Manifest) {
	for _, m := range manifests {
		rel := path.Join(dir, m.Path)
		docs, err := yamlMappings([]byte(m.Content))
		if err != nil {
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
}
