package trivy

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	helmparser "github.com/aquasecurity/trivy/pkg/iac/scanners/helm/parser"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/checks/limits"
)

// Source is the collector name of the facts this package produces.
const Source = "iac"

// Kinds of file, as Result.Files records them.
const (
	KindTerraform      = "terraform"
	KindTFVars         = "tfvars"
	KindCloudFormation = "cloudformation"
	KindKubernetes     = "kubernetes"
	KindHelm           = "helm"
	KindHelmValues     = "helm-values"
	KindDockerfile     = "dockerfile"
	KindCompose        = "compose"
	KindARM            = "arm"
	KindBicep          = "bicep"
)

// Resource types of the facts (docs/facts.md, "Infrastructure as code").
const (
	TypeTerraformResource      = "iac.terraform.resource"
	TypeCloudFormationResource = "iac.cloudformation.resource"
	TypeKubernetesObject       = "iac.kubernetes.object"
	TypeComposeService         = "iac.compose.service"
	TypeDockerfile             = "iac.dockerfile"
	TypeFile                   = "iac.file"
	TypeARMResource            = "iac.arm.resource"
)

// Types lists every resource type of the facts.
var Types = []string{TypeARMResource, TypeCloudFormationResource, TypeComposeService, TypeDockerfile, TypeFile, TypeKubernetesObject, TypeTerraformResource}

// maxFile is the largest file parsed into facts (Trivy still scans larger ones).
const maxFile = 8 << 20

type parser struct {
	fsys   fs.FS
	root   string // the scanned directory
	prefix string
	res    *Result
	lim    bounds
	kinds  map[string]string // rel path -> kind
	charts map[string]bool   // chart directories (holding Chart.yaml)
	k8s    []*checks.Resource

	// excluded are files not handed to Trivy: beyond a bound, or not read.
	excluded map[string]bool
	// badCharts are chart directories not rendered (a file beyond a bound).
	badCharts map[string]bool
	// rendered are the manifests of the charts rendered within the bounds:
	// Trivy scans them, rather than rendering the charts again (a template
	// may render differently each time: randAlpha).
	rendered map[string][]helmparser.Manifest
	// tf is what the Terraform pre-screen learnt: rewritten sources, the
	// count/for_each guards, module sources and modules outside the root.
	tf tfState
}

func (p *parser) entry(rel, kind, reason string) {
	p.res.Entries = append(p.res.Entries, Entry{Path: display(p.prefix, rel), Kind: kind, Reason: reason})
}

// refuse records what sdescan refused to parse, follow or wait for (beyond a
// bound, a link not followed, a scanner that broke): a CI gate fails on it.
func (p *parser) refuse(rel, kind, reason string) {
	p.res.Entries = append(p.res.Entries, Entry{Path: display(p.prefix, rel), Kind: kind, Reason: reason, Refused: true})
}

func resourceID(file, addr string) string {
	if addr == "" {
		return "iac:" + file
	}
	return "iac:" + file + "#" + addr
}

// classify names a file's kind from its name alone ("" when it may be YAML or JSON
// of any kind, or is not infrastructure code).
func classify(rel string, charts map[string]bool) string {
	base := path.Base(rel)
	lower := strings.ToLower(base)
	switch {
	case strings.HasSuffix(lower, ".tf"), strings.HasSuffix(lower, ".tf.json"), strings.HasSuffix(lower, ".tofu"), strings.HasSuffix(lower, ".tofu.json"):
		return KindTerraform
	case strings.HasSuffix(lower, ".tfvars"), strings.HasSuffix(lower, ".tfvars.json"):
		return KindTFVars
	case lower == "dockerfile", strings.HasPrefix(lower, "dockerfile."), strings.HasSuffix(lower, ".dockerfile"), strings.HasPrefix(lower, "containerfile"):
		return KindDockerfile
	}
	for dir := path.Dir(rel); ; dir = path.Dir(dir) {
		if charts[dir] {
			if rel == path.Join(dir, "Chart.yaml") || strings.HasPrefix(rel, path.Join(dir, "templates")+"/") {
				return KindHelm
			}
			if path.Dir(rel) == dir && strings.HasPrefix(lower, "values") && (strings.HasSuffix(lower, ".yaml") || strings.HasSuffix(lower, ".yml")) {
				return KindHelmValues
			}
			return KindHelm
		}
		if dir == "." || dir == "/" {
			break
		}
	}
	return ""
}

// files classifies every file and parses those sdescan's checks read.
func (p *parser) files(files []string) {
	p.kinds = map[string]string{}
	p.charts = map[string]bool{}
	p.excluded = map[string]bool{}
	p.badCharts = map[string]bool{}
	p.rendered = map[string][]helmparser.Manifest{}
	for _, f := range files {
		if path.Base(f) == "Chart.yaml" {
			p.charts[path.Dir(f)] = true
		}
	}
	for _, f := range files {
		kind := classify(f, p.charts)
		lower := strings.ToLower(f)
		yamlish := strings.HasSuffix(lower, ".yaml") || strings.HasSuffix(lower, ".yml") || strings.HasSuffix(lower, ".json")
		if kind == "" && (strings.HasSuffix(f, ".tgz") || strings.HasSuffix(f, ".tar.gz")) {
			// Trivy would unpack and render it as a Helm chart, unbounded.
			p.exclude(f)
			p.refuse(f, EntryNotAssessed, "archive not unpacked (a packaged Helm chart is not rendered by sdescan; scan the chart's source): not assessed")
			continue
		}
		if kind == "" && strings.HasSuffix(lower, ".bicep") {
			// Bicep is compiled to an ARM template by az bicep build; sdescan
			// reads the template, not the source.
			p.kinds[f] = KindBicep
			p.res.Files[display(p.prefix, f)] = KindBicep
			p.entry(f, EntryNotAssessed, "Bicep source is not compiled by sdescan: build it to an ARM template (az bicep build --file FILE, or bicep build FILE) and scan the JSON; not assessed")
			continue
		}
		if kind == "" && !yamlish {
			continue
		}
		if kind == KindHelm {
			p.kinds[f] = kind
			p.res.Files[display(p.prefix, f)] = kind
			// The chart's YAML files (Chart.yaml, values, dependencies; not
			// its templates, which are text until rendered) are parsed by
			// Helm: screened first.
			if dir := p.chartOf(f); yamlish && !strings.HasPrefix(f, path.Join(dir, "templates")+"/") {
				p.screenChartFile(dir, f)
			}
			continue
		}
		data, err := p.read(f)
		if err != nil {
			p.exclude(f)
			p.refuse(f, EntryError, err.Error())
			if dir := p.chartOf(f); dir != "" {
				p.badCharts[dir] = true
			}
			continue
		}
		switch kind {
		case KindTerraform:
			p.kinds[f] = kind
			p.res.Files[display(p.prefix, f)] = kind
			if hf := p.parseHCL(f, data); hf != nil {
				p.screenTerraform(f, hf, data)
			} else {
				p.exclude(f)
			}
		case KindTFVars:
			p.kinds[f] = kind
			p.res.Files[display(p.prefix, f)] = kind
			if !p.hclErrors(f, data) {
				p.tfvars(f, data)
			}
		case KindDockerfile:
			p.kinds[f] = kind
			p.res.Files[display(p.prefix, f)] = kind
			p.dockerfile(f, data)
		case KindHelmValues:
			p.kinds[f] = kind
			p.res.Files[display(p.prefix, f)] = kind
			if !p.helmValues(f, data) {
				p.badCharts[p.chartOf(f)] = true
			}
		default:
			p.yamlFile(f, data)
		}
	}
}

func (p *parser) read(rel string) ([]byte, error) {
	fh, err := p.fsys.Open(rel)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	data, err := io.ReadAll(io.LimitReader(fh, maxFile+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxFile {
		return nil, fmt.Errorf("larger than %d MiB: not parsed", maxFile>>20)
	}
	return data, nil
}

// yamlFile parses a YAML or JSON file: CloudFormation, Kubernetes manifests and
// Compose files become facts; other YAML is left alone; YAML that does not parse
// is an error entry when it looks like infrastructure code.
func (p *parser) yamlFile(rel string, data []byte) {
	lower := strings.ToLower(rel)
	isJSON := strings.HasSuffix(lower, ".json")
	docs, err := yamlMappings(data, p.lim.yaml)
	if err != nil {
		var ae *aliasError
		if errors.As(err, &ae) {
			p.kinds[rel] = "yaml"
			p.res.Files[display(p.prefix, rel)] = "yaml"
			p.exclude(rel)
			p.refuse(rel, EntryNotAssessed, ae.Error())
			return
		}
		if isJSON && !looksLikeIaC(data) {
			return
		}
		kind, what := "yaml", "YAML"
		if isJSON && bytes.Contains(bytes.ToLower(data), []byte("deploymenttemplate.json")) {
			kind, what = KindARM, "JSON (an ARM template)"
		}
		p.kinds[rel] = kind
		p.res.Files[display(p.prefix, rel)] = kind
		p.exclude(rel)
		p.entry(rel, EntryError, "does not parse as "+what+": "+oneLine(err.Error()))
		return
	}
	for _, m := range docs {
		v, _ := nodeValue(m).(map[string]any)
		switch {
		case isJSON && isARMTemplate(v):
			p.arm(rel, m, v)
		case v["AWSTemplateFormatVersion"] != nil || isCFNResources(v["Resources"]):
			p.kinds[rel] = KindCloudFormation
			p.res.Files[display(p.prefix, rel)] = KindCloudFormation
			p.cloudFormation(rel, m, v)
		case v["apiVersion"] != nil && v["kind"] != nil:
			p.kinds[rel] = KindKubernetes
			p.res.Files[display(p.prefix, rel)] = KindKubernetes
			p.kubernetes(rel, m, v)
		case v["services"] != nil && isComposeName(rel):
			p.kinds[rel] = KindCompose
			p.res.Files[display(p.prefix, rel)] = KindCompose
			p.compose(rel, m, v)
		}
	}
}

// yamlMappings decodes every document of a YAML stream and returns those whose
// top is a mapping (an object), in order. The stream's aliases, expanded, must
// stay within budget bytes (all its documents together): beyond, the error is
// an *aliasError and nothing is returned.
func yamlMappings(data []byte, budget int64) ([]*yaml.Node, error) {
	docs, err := yamlDocuments(data, budget)
	if err != nil {
		return nil, err
	}
	var out []*yaml.Node
	for _, n := range docs {
		if len(n.Content) > 0 && n.Content[0].Kind == yaml.MappingNode {
			out = append(out, n.Content[0])
		}
	}
	return out, nil
}

// yamlDocuments parses every document of a YAML stream into nodes (linear in
// the text: aliases stay references) and checks that, expanded, they stay
// within budget bytes, before anything decodes them.
func yamlDocuments(data []byte, budget int64) ([]*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	all := &yaml.Node{Kind: yaml.SequenceNode}
	for {
		n := new(yaml.Node)
		err := dec.Decode(n)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		all.Content = append(all.Content, n)
	}
	if err := limits.Aliases(all, budget); err != nil {
		return nil, &aliasError{err}
	}
	return all.Content, nil
}

// aliasError is a YAML file whose aliases expand beyond the budget.
type aliasError struct{ err error }

func (e *aliasError) Error() string {
	return oneLine(e.err.Error()) + ": not parsed (sdescan's YAML alias bound), not assessed"
}

func looksLikeIaC(data []byte) bool {
	return bytes.Contains(data, []byte("AWSTemplateFormatVersion")) || bytes.Contains(bytes.ToLower(data), []byte("deploymenttemplate.json")) || bytes.Contains(data, []byte(`"apiVersion"`)) || bytes.Contains(data, []byte(`"Resources"`))
}

func isComposeName(rel string) bool {
	b := strings.ToLower(path.Base(rel))
	return strings.HasPrefix(b, "docker-compose") || strings.HasPrefix(b, "compose")
}

func isCFNResources(v any) bool {
	m, ok := v.(map[string]any)
	if !ok || len(m) == 0 {
		return false
	}
	for _, r := range m {
		rm, ok := r.(map[string]any)
		if !ok {
			return false
		}
		t, _ := rm["Type"].(string)
		if !strings.Contains(t, "::") {
			return false
		}
	}
	return true
}

// nodeValue converts a YAML node to plain values. CloudFormation short-form tags
// (!Ref, !Sub, !GetAtt…) become their long form ({"Ref": …}, {"Fn::Sub": …}).
func nodeValue(n *yaml.Node) any {
	var v any
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) > 0 {
			return nodeValue(n.Content[0])
		}
		return nil
	case yaml.AliasNode:
		return nodeValue(n.Alias)
	case yaml.MappingNode:
		m := map[string]any{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			m[n.Content[i].Value] = nodeValue(n.Content[i+1])
		}
		v = m
	case yaml.SequenceNode:
		l := []any{}
		for _, c := range n.Content {
			l = append(l, nodeValue(c))
		}
		v = l
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!bool":
			b, _ := strconv.ParseBool(strings.ToLower(n.Value))
			v = b
		case "!!int", "!!float":
			f, err := strconv.ParseFloat(n.Value, 64)
			if err != nil {
				v = n.Value
			} else {
				v = f
			}
		case "!!null":
			v = nil
		default:
			v = n.Value
		}
	}
	if t := n.Tag; strings.HasPrefix(t, "!") && !strings.HasPrefix(t, "!!") {
		name := strings.TrimPrefix(t, "!")
		if name != "Ref" && name != "Condition" {
			name = "Fn::" + name
		}
		if name == "Fn::GetAtt" {
			if s, ok := v.(string); ok {
				parts := strings.SplitN(s, ".", 2)
				l := []any{}
				for _, x := range parts {
					l = append(l, x)
				}
				v = l
			}
		}
		return map[string]any{name: v}
	}
	return v
}

// child returns the value node of key in a mapping node.
func child(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// keyLine is the line of key in a mapping node (where the entry starts).
func keyLine(m *yaml.Node, key string) int {
	if m == nil || m.Kind != yaml.MappingNode {
		return 0
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i].Line
		}
	}
	return 0
}

// lastLine is the last line a node spans.
func lastLine(n *yaml.Node) int {
	l := n.Line
	for _, c := range n.Content {
		if x := lastLine(c); x > l {
			l = x
		}
	}
	return l
}

// nodeLines maps the dotted key paths of a mapping node to their lines.
func nodeLines(n *yaml.Node, prefix string, out map[string]int) map[string]int {
	if out == nil {
		out = map[string]int{}
	}
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := prefix + n.Content[i].Value
			out[k] = n.Content[i].Line
			nodeLines(n.Content[i+1], k+".", out)
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			k := fmt.Sprintf("%s%d", prefix, i)
			out[k] = c.Line
			nodeLines(c, k+".", out)
		}
	}
	return out
}

func (p *parser) add(r checks.Resource) *checks.Resource {
	p.res.Resources = append(p.res.Resources, r)
	return &p.res.Resources[len(p.res.Resources)-1]
}

func (p *parser) cloudFormation(rel string, doc *yaml.Node, v map[string]any) {
	file := display(p.prefix, rel)
	resNode := child(doc, "Resources")
	res, _ := v["Resources"].(map[string]any)
	names := make([]string, 0, len(res))
	for k := range res {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, name := range names {
		body, _ := res[name].(map[string]any)
		n := child(resNode, name)
		props, _ := body["Properties"].(map[string]any)
		if props == nil {
			props = map[string]any{}
		}
		t, _ := body["Type"].(string)
		lines := map[string]int{}
		if pn := child(n, "Properties"); pn != nil {
			lines = nodeLines(pn, "", nil)
		}
		r := p.add(checks.Resource{
			ID: resourceID(file, name), Type: TypeCloudFormationResource, Source: Source,
			Scope: checks.Scope{Path: file},
			Attributes: map[string]any{
				"resource_type":       t,
				"name":                name,
				"start_line":          keyLine(resNode, name),
				"end_line":            lastLine(n),
				"properties":          props,
				"literal_credentials": credentialsIn(props, "", n.Line, lines),
			},
		})
		if t == "AWS::S3::BucketPolicy" {
			if pol, ok := cfnBucketPolicy(props); ok {
				r.Attributes["policy"] = pol
			}
		}
	}
}

var workloadKinds = map[string]bool{"Pod": true, "Deployment": true, "StatefulSet": true, "DaemonSet": true, "ReplicaSet": true, "Job": true, "CronJob": true, "ReplicationController": true}

func (p *parser) kubernetes(rel string, doc *yaml.Node, v map[string]any) {
	file := display(p.prefix, rel)
	kind, _ := v["kind"].(string)
	api, _ := v["apiVersion"].(string)
	meta, _ := v["metadata"].(map[string]any)
	name, _ := meta["name"].(string)
	ns, _ := meta["namespace"].(string)
	addr := kind + "/" + name
	if ns != "" {
		addr = kind + "/" + ns + "/" + name
	}
	attrs := map[string]any{
		"kind":        kind,
		"api_version": api,
		"name":        name,
		"namespace":   ns,
		"start_line":  doc.Line,
		"end_line":    lastLine(doc),
		"manifest":    v,
		"workload":    workloadKinds[kind],
	}
	var creds []any
	lines := nodeLines(doc, "", nil)
	if kind == "Secret" {
		for _, key := range []string{"data", "stringData"} {
			if d, ok := v[key].(map[string]any); ok {
				keys := make([]string, 0, len(d))
				for k := range d {
					keys = append(keys, k)
				}
				sort.Strings(keys)
				for _, k := range keys {
					if s, ok := d[k].(string); ok && s != "" {
						creds = append(creds, map[string]any{"path": key + "." + k, "line": lines[key+"."+k], "default": isDefaultCredential(s)})
					}
				}
			}
		}
	} else {
		creds = credentialsIn(v, "", doc.Line, lines)
	}
	if creds == nil {
		creds = []any{}
	}
	attrs["literal_credentials"] = creds
	r := p.add(checks.Resource{ID: resourceID(file, addr), Type: TypeKubernetesObject, Source: Source, Scope: checks.Scope{Path: file}, Attributes: attrs})
	_ = r
}

// joinNetworkPolicies copies onto every workload how many NetworkPolicy objects
// the scanned tree holds in its namespace (a check sees one resource at a time).
func (p *parser) joinNetworkPolicies() {
	count := map[string]int{}
	for _, r := range p.res.Resources {
		if r.Type == TypeKubernetesObject && r.Attributes["kind"] == "NetworkPolicy" {
			count[nsOf(r)]++
		}
	}
	for i := range p.res.Resources {
		r := &p.res.Resources[i]
		if r.Type == TypeKubernetesObject && r.Attributes["workload"] == true {
			r.Attributes["namespace_network_policies"] = count[nsOf(*r)]
		}
	}
}

func nsOf(r checks.Resource) string {
	if ns, _ := r.Attributes["namespace"].(string); ns != "" {
		return ns
	}
	return "default"
}

func (p *parser) compose(rel string, doc *yaml.Node, v map[string]any) {
	file := display(p.prefix, rel)
	services, _ := v["services"].(map[string]any)
	sn := child(doc, "services")
	names := make([]string, 0, len(services))
	for k := range services {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, name := range names {
		s, _ := services[name].(map[string]any)
		n := child(sn, name)
		attrs := map[string]any{
			"name":       name,
			"start_line": keyLine(sn, name),
			"end_line":   lastLine(n),
			"privileged": s["privileged"] == true,
		}
		if img, ok := s["image"].(string); ok {
			attrs["image"] = img
		} else if s["build"] != nil {
			attrs["image"] = ""
		}
		vols := []any{}
		if l, ok := s["volumes"].([]any); ok {
			for _, x := range l {
				switch t := x.(type) {
				case string:
					src, _, _ := strings.Cut(t, ":")
					vols = append(vols, src)
				case map[string]any:
					if src, ok := t["source"].(string); ok {
						vols = append(vols, src)
					}
				}
			}
		}
		attrs["volume_sources"] = vols
		ports := []any{}
		if l, ok := s["ports"].([]any); ok {
			for _, x := range l {
				if port, ok := composePort(x); ok {
					ports = append(ports, port)
				}
			}
		}
		attrs["ports"] = ports
		lines := nodeLines(n, "", nil)
		env := map[string]any{}
		switch e := s["environment"].(type) {
		case map[string]any:
			env = e
		case []any:
			for _, x := range e {
				if str, ok := x.(string); ok {
					if k, val, ok := strings.Cut(str, "="); ok {
						env[k] = val
					}
				}
			}
		}
		attrs["literal_credentials"] = credentialsIn(map[string]any{"environment": env}, "", n.Line, lines)
		p.add(checks.Resource{ID: resourceID(file, "service/"+name), Type: TypeComposeService, Source: Source, Scope: checks.Scope{Path: file}, Attributes: attrs})
	}
}

// composePort normalises a Compose port mapping to {host_ip, published, target};
// host_ip is "" when the port is published on all interfaces.
func composePort(x any) (map[string]any, bool) {
	switch t := x.(type) {
	case float64:
		return map[string]any{"host_ip": "", "published": "", "target": strconv.Itoa(int(t))}, true
	case string:
		parts := strings.Split(strings.Split(t, "/")[0], ":")
		switch len(parts) {
		case 1:
			return map[string]any{"host_ip": "", "published": "", "target": parts[0]}, true
		case 2:
			return map[string]any{"host_ip": "", "published": parts[0], "target": parts[1]}, true
		default:
			host := strings.Trim(strings.Join(parts[:len(parts)-2], ":"), "[]")
			return map[string]any{"host_ip": host, "published": parts[len(parts)-2], "target": parts[len(parts)-1]}, true
		}
	case map[string]any:
		out := map[string]any{"host_ip": "", "published": "", "target": ""}
		if h, ok := t["host_ip"].(string); ok {
			out["host_ip"] = h
		}
		out["published"] = fmt.Sprint(t["published"])
		out["target"] = fmt.Sprint(t["target"])
		return out, true
	}
	return nil, false
}

func (p *parser) dockerfile(rel string, data []byte) {
	file := display(p.prefix, rel)
	var images []any
	user := ""
	for i, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		switch strings.ToUpper(f[0]) {
		case "FROM":
			img := f[1]
			for _, x := range f[1:] {
				if !strings.HasPrefix(x, "--") {
					img = x
					break
				}
			}
			images = append(images, map[string]any{"image": img, "line": i + 1})
		case "USER":
			user = f[1]
		}
	}
	if images == nil {
		images = []any{}
	}
	p.add(checks.Resource{ID: resourceID(file, ""), Type: TypeDockerfile, Source: Source, Scope: checks.Scope{Path: file},
		Attributes: map[string]any{"base_images": images, "user": user}})
}

// tfvars records the credentials a variables file sets in clear.
func (p *parser) tfvars(rel string, data []byte) {
	file := display(p.prefix, rel)
	// The values are not needed, only which keys hold credentials: a line scan
	// of `key = "value"` is enough and never keeps a value.
	creds := []any{}
	for i, line := range strings.Split(string(data), "\n") {
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		k = strings.Trim(strings.TrimSpace(k), `"`)
		v = strings.TrimSpace(v)
		if !strings.HasPrefix(v, `"`) {
			continue
		}
		val := strings.Trim(v, `",`)
		if credentialKey.MatchString(k) && literalSecret(val) {
			creds = append(creds, map[string]any{"path": k, "line": i + 1, "default": isDefaultCredential(val)})
		}
	}
	p.add(checks.Resource{ID: resourceID(file, ""), Type: TypeFile, Source: Source, Scope: checks.Scope{Path: file},
		Attributes: map[string]any{"format": KindTFVars, "literal_credentials": creds}})
}

// helmValues parses a chart's values file into a fact; false when it does not
// parse or is beyond the YAML bound (the chart is then not rendered).
func (p *parser) helmValues(rel string, data []byte) bool {
	file := display(p.prefix, rel)
	docs, err := yamlDocuments(data, p.lim.yaml)
	if err != nil {
		var ae *aliasError
		if errors.As(err, &ae) {
			p.refuse(rel, EntryNotAssessed, ae.Error())
		} else {
			p.entry(rel, EntryError, "does not parse as YAML: "+oneLine(err.Error()))
		}
		return false
	}
	n := &yaml.Node{}
	if len(docs) > 0 {
		n = docs[0]
	}
	v, _ := nodeValue(n).(map[string]any)
	lines := map[string]int{}
	if len(n.Content) > 0 {
		lines = nodeLines(n.Content[0], "", nil)
	}
	p.add(checks.Resource{ID: resourceID(file, ""), Type: TypeFile, Source: Source, Scope: checks.Scope{Path: file},
		Attributes: map[string]any{"format": KindHelmValues, "literal_credentials": credentialsIn(v, "", 1, lines)}})
	return true
}

// credentialKey matches the names of settings that hold a credential.
var credentialKey = regexp.MustCompile(`(?i)(^|[_.-])(password|passwd|pwd|secret|secret_key|secretkey|token|auth_token|api_key|apikey|access_key|accesskey|private_key|client_secret|masteruserpassword|adminpassword|masterpassword|dbpassword)$|^(password|masteruserpassword|adminpassword|rootpassword|db_password|postgres_password|mysql_root_password|mysql_password)$`)

// defaultCredentials are values that are someone's default password.
var defaultCredentials = map[string]bool{"password": true, "passw0rd": true, "admin": true, "changeme": true, "change_me": true, "secret": true, "123456": true, "12345678": true, "root": true, "postgres": true, "default": true, "test": true, "letmein": true, "password123": true, "qwerty": true}

func isDefaultCredential(s string) bool { return defaultCredentials[strings.ToLower(s)] }

// literalSecret says whether a value is a credential written in clear, rather
// than a reference to one (a variable, a secret store, a template).
func literalSecret(s string) bool {
	if s == "" || len(s) > 4096 {
		return false
	}
	for _, ref := range []string{"${", "{{", "((", "$(", "arn:", "resolve:", "vault:", "<", "REPLACE", "secretsmanager"} {
		if strings.Contains(s, ref) {
			return false
		}
	}
	if strings.HasPrefix(s, "$") {
		return false
	}
	return true
}

// credentialsIn lists the credential-named settings holding a literal string,
// as {path, line, default}; never the value. [] when there are none.
func credentialsIn(v any, prefix string, line int, lines map[string]int) []any {
	out := []any{}
	var rec func(v any, p string)
	rec = func(v any, p string) {
		switch t := v.(type) {
		case map[string]any:
			keys := make([]string, 0, len(t))
			for k := range t {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			// Kubernetes env entries: {name: DB_PASSWORD, value: "..."}.
			if name, ok := t["name"].(string); ok {
				if val, ok := t["value"].(string); ok && credentialKey.MatchString(name) && literalSecret(val) {
					l := line
					if x, ok := lines[p+"value"]; ok {
						l = x
					}
					out = append(out, map[string]any{"path": p + name, "line": l, "default": isDefaultCredential(val)})
				}
			}
			for _, k := range keys {
				if s, ok := t[k].(string); ok && credentialKey.MatchString(k) && literalSecret(s) {
					l := line
					if x, ok := lines[p+k]; ok {
						l = x
					}
					out = append(out, map[string]any{"path": p + k, "line": l, "default": isDefaultCredential(s)})
					continue
				}
				rec(t[k], p+k+".")
			}
		case []any:
			for i, x := range t {
				rec(x, fmt.Sprintf("%s%d.", p, i))
			}
		}
	}
	rec(v, prefix)
	return out
}
