package trivy

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/checks/rdpprops"
)

// Azure Resource Manager (ARM) templates, and Bicep compiled to them (docs/iac.md,
// "ARM templates and Bicep"), become one iac.arm.resource fact per resource, nested
// ones and those of nested deployments included. ARM template expressions
// ("[parameters('x')]") are never evaluated: their values are left out and their
// paths named in unknown_attributes, so a check reading them reports them missing.

// The bounds of one template (docs/iac.md, "Bounds"): beyond either, the file is
// not parsed into facts and is not assessed.
const (
	// maxARMResources bounds the resources of one template file, nested ones
	// and those of nested deployments included.
	maxARMResources = 10_000
	// maxARMDepth bounds how deep resources nest (resources within resources,
	// templates of nested deployments within those).
	maxARMDepth = 32
)

// armSchema matches the $schema of a deployment template, at any scope
// (deploymentTemplate.json, subscriptionDeploymentTemplate.json,
// managementGroupDeploymentTemplate.json, tenantDeploymentTemplate.json).
var armSchema = regexp.MustCompile(`(?i)^https?://schema\.management\.azure\.com/schemas/[^/]+/[a-z]*deploymenttemplate\.json#?$`)

// isARMTemplate says whether a decoded JSON object is an ARM deployment
// template (its $schema says so).
func isARMTemplate(v map[string]any) bool {
	s, _ := v["$schema"].(string)
	return armSchema.MatchString(strings.TrimSpace(s))
}

// armExpression says whether an ARM string is a template expression
// (evaluated when deployed): it starts with "[" and ends with "]", and does not
// start with "[[" (the escape of a literal "[").
func armExpression(s string) bool {
	return strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]") && !strings.HasPrefix(s, "[[")
}

// armLiteral is the value a literal ARM string stands for: "[[x]" is "[x]".
func armLiteral(s string) string {
	if strings.HasPrefix(s, "[[") {
		return s[1:]
	}
	return s
}

// armResource is one resource found in a template, before it becomes a fact.
type armResource struct {
	typ, name, symbolic string
	body                map[string]any
	node                *yaml.Node // the resource's object, for lines
	keyNode             *yaml.Node // its key in a symbolic-name template, for the start line
}

// armTooBig is a template beyond one of the bounds.
type armTooBig struct{ reason string }

// arm parses an ARM template (doc is its node, v its value) into facts.
func (p *parser) arm(rel string, doc *yaml.Node, v map[string]any) {
	var list []armResource
	var linked []string
	var walk func(n *yaml.Node, v any, parentType, parentName string, depth int) *armTooBig
	walk = func(n *yaml.Node, v any, parentType, parentName string, depth int) *armTooBig {
		if depth > maxARMDepth {
			return &armTooBig{fmt.Sprintf("resources nested deeper than %d levels", maxARMDepth)}
		}
		for _, r := range armResources(n, v) {
			if len(list) >= maxARMResources {
				return &armTooBig{fmt.Sprintf("more than %d resources", maxARMResources)}
			}
			typ, _ := r.body["type"].(string)
			name, _ := r.body["name"].(string)
			if parentType != "" && !strings.Contains(typ, "/") {
				// A child given relative to its parent: securityRules of
				// Microsoft.Network/networkSecurityGroups, named rule under nsg.
				typ = parentType + "/" + typ
				name = parentName + "/" + name
			}
			r.typ, r.name = typ, name
			// An existing resource (languageVersion 2.0) is referred to, not
			// deployed: only its nested children are.
			if existing, _ := r.body["existing"].(bool); !existing {
				list = append(list, r)
			}
			if bad := walk(r.node, r.body, typ, name, depth+1); bad != nil {
				return bad
			}
			// A nested deployment (a Bicep module) holds a template of its own.
			if strings.EqualFold(typ, "Microsoft.Resources/deployments") {
				props, _ := r.body["properties"].(map[string]any)
				tmpl, ok := props["template"].(map[string]any)
				if !ok {
					if props["templateLink"] != nil {
						linked = append(linked, name)
					}
					continue
				}
				tn := child(child(r.node, "properties"), "template")
				if bad := walk(tn, tmpl, "", "", depth+1); bad != nil {
					return bad
				}
			}
		}
		return nil
	}
	if bad := walk(doc, v, "", "", 0); bad != nil {
		p.kinds[rel] = KindARM
		p.res.Files[display(p.prefix, rel)] = KindARM
		p.exclude(rel)
		p.refuse(rel, EntryNotAssessed, "ARM template with "+bad.reason+": not parsed (sdescan's ARM template bound), not assessed")
		return
	}
	p.kinds[rel] = KindARM
	p.res.Files[display(p.prefix, rel)] = KindARM
	file := display(p.prefix, rel)
	for _, r := range list {
		p.add(armFact(file, r))
	}
	for _, name := range linked {
		p.entry(rel, EntryNotAssessed, fmt.Sprintf("nested deployment %q: its linked template (templateLink) is not fetched offline; its resources are not assessed", name))
	}
}

// armResources lists the resources directly under a template or resource: the
// resources array, or (languageVersion 2.0) the resources object keyed by
// symbolic name, in name order. Entries that are not objects are skipped.
func armResources(n *yaml.Node, v any) []armResource {
	m, _ := v.(map[string]any)
	rn := child(n, "resources")
	var out []armResource
	switch rs := m["resources"].(type) {
	case []any:
		for i, x := range rs {
			body, ok := x.(map[string]any)
			if !ok {
				continue
			}
			var node *yaml.Node
			if rn != nil && rn.Kind == yaml.SequenceNode && i < len(rn.Content) {
				node = rn.Content[i]
			}
			out = append(out, armResource{body: body, node: node})
		}
	case map[string]any:
		names := make([]string, 0, len(rs))
		for k := range rs {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			body, ok := rs[k].(map[string]any)
			if !ok {
				continue
			}
			out = append(out, armResource{body: body, node: child(rn, k), keyNode: keyNodeOf(rn, k), symbolic: k})
		}
	}
	return out
}

func keyNodeOf(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i]
		}
	}
	return nil
}

// armFact is a resource as an iac.arm.resource fact: its properties with
// expressions left out (an array keeps its length: an expression element is
// null) and named in unknown_attributes.
func armFact(file string, r armResource) checks.Resource {
	unknown := []any{}
	props := map[string]any{}
	switch x := r.body["properties"].(type) {
	case map[string]any:
		if v, ok := armKnown(x, "properties", &unknown).(map[string]any); ok {
			props = v
		}
	case string:
		if armExpression(x) {
			unknown = append(unknown, "properties")
		}
	}
	if strings.EqualFold(r.typ, "Microsoft.Resources/deployments") {
		// The nested template's resources are facts of their own.
		delete(props, "template")
	}
	attrs := map[string]any{
		"resource_type":      r.typ,
		"name":               r.name,
		"properties":         props,
		"unknown_attributes": unknown,
	}
	if av, ok := r.body["apiVersion"].(string); ok && !armExpression(av) {
		attrs["api_version"] = av
	}
	if r.symbolic != "" {
		attrs["symbolic_name"] = r.symbolic
	}
	if r.node != nil {
		start := r.node.Line
		if r.keyNode != nil {
			start = r.keyNode.Line
		}
		attrs["start_line"], attrs["end_line"] = start, lastLine(r.node)
	}
	if strings.EqualFold(r.typ, "Microsoft.DesktopVirtualization/hostPools") {
		// Parsed as the live collector parses it (checks/rdpprops); left out
		// when it is an expression.
		if raw, written := props["customRdpProperty"]; written {
			if s, ok := raw.(string); ok {
				attrs["rdp_properties"] = rdpprops.Parse(s)
			}
		} else if !armUnknownUnder(unknown, "properties.customRdpProperty") {
			attrs["rdp_properties"] = map[string]any{}
		}
	}
	return checks.Resource{ID: resourceID(file, r.typ+"/"+r.name), Type: TypeARMResource, Source: Source,
		Scope: checks.Scope{Path: file}, Attributes: attrs}
}

// armKnown copies a value with its template expressions left out (objects) or
// null (arrays), appending each one's path to unknown. A property copy loop
// ("copy": [{"name": "securityRules", "count": …, "input": …}]) makes the
// properties it names unknown: they are built when the template is deployed.
func armKnown(v any, path string, unknown *[]any) any {
	switch x := v.(type) {
	case string:
		if armExpression(x) {
			*unknown = append(*unknown, path)
			return nil
		}
		return armLiteral(x)
	case map[string]any:
		out := make(map[string]any, len(x))
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		loops := map[string]bool{}
		if l, ok := x["copy"].([]any); ok && strings.HasPrefix(path, "properties") {
			for _, c := range l {
				if cm, ok := c.(map[string]any); ok {
					if name, ok := cm["name"].(string); ok && cm["input"] != nil {
						loops[name] = true
					}
				}
			}
		}
		for _, k := range keys {
			if k == "copy" && len(loops) > 0 {
				continue
			}
			if loops[k] {
				continue
			}
			if s, ok := x[k].(string); ok && armExpression(s) {
				*unknown = append(*unknown, path+"."+k)
				continue
			}
			out[k] = armKnown(x[k], path+"."+k, unknown)
		}
		for _, name := range armLoopNames(loops) {
			*unknown = append(*unknown, path+"."+name)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = armKnown(e, path+"."+strconv.Itoa(i), unknown)
		}
		return out
	}
	return v
}

func armLoopNames(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// armUnknownUnder says whether a path, or a path within it, is unknown.
func armUnknownUnder(unknown []any, path string) bool {
	for _, u := range unknown {
		s, _ := u.(string)
		if s == path || strings.HasPrefix(s, path+".") {
			return true
		}
	}
	return false
}
