package trivy

import (
	"encoding/json"

	"github.com/aquasecurity/trivy/pkg/iac/terraform"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// A data "aws_iam_policy_document" is rendered offline into the JSON document
// the AWS provider would write, from the block's values as Trivy's evaluator
// gives them, so that a bucket policy written with one is judged like one
// written with jsonencode. Only what the provider's documented behaviour makes
// certain is rendered: anything else (a value unknown offline other than a
// reference's computed value, a dynamic block, source_policy_documents or
// override_policy_documents, an argument sdescan does not know) leaves the
// document unknown, and the bucket policy not assessed.
//
// Trivy's evaluator gives the json attribute of each aws_iam_policy_document
// the block's own ID (a random UUID): an argument whose value is exactly that ID
// refers to the document, directly, through a local or a module output.

// tfDocuments are the aws_iam_policy_document data blocks of an evaluated
// configuration by ID, and its locals by module (nil for the root), to follow
// an argument that names a document through locals.
type tfDocuments struct {
	byID   map[string]*terraform.Block
	locals map[*terraform.Block]map[string]*terraform.Attribute
}

func policyDocuments(mods terraform.Modules) tfDocuments {
	d := tfDocuments{byID: map[string]*terraform.Block{}, locals: map[*terraform.Block]map[string]*terraform.Attribute{}}
	for _, b := range mods.GetDatasByType("aws_iam_policy_document") {
		d.byID[b.ID()] = b
	}
	for _, b := range mods.GetBlocks() {
		if b.Type() != "locals" {
			continue
		}
		m := d.locals[b.ModuleBlock()]
		if m == nil {
			m = map[string]*terraform.Attribute{}
			d.locals[b.ModuleBlock()] = m
		}
		for _, a := range b.GetAttributes() {
			m[a.Name()] = a
		}
	}
	return d
}

// document is the aws_iam_policy_document whose json argument a of block b is,
// written as data.aws_iam_policy_document.NAME.json or a local that is (at most
// eight locals deep); nil for any other expression (a function of the
// document, such as replace(), is not the document).
func (d tfDocuments) document(b *terraform.Block, a *terraform.Attribute) *terraform.Block {
	v := a.Value()
	if !v.IsKnown() || v.IsNull() || v.Type() != cty.String {
		return nil
	}
	doc := d.byID[v.AsString()]
	if doc == nil {
		return nil
	}
	expr := a.HCLAttribute().Expr
	for range 8 {
		if w, ok := expr.(*hclsyntax.TemplateWrapExpr); ok {
			expr = w.Wrapped
		}
		t, ok := expr.(*hclsyntax.ScopeTraversalExpr)
		if !ok {
			return nil
		}
		tr := t.Traversal
		switch tr.RootName() {
		case "data":
			if len(tr) < 4 || traversalAttr(tr[1]) != "aws_iam_policy_document" || traversalAttr(tr[len(tr)-1]) != "json" {
				return nil
			}
			return doc
		case "local":
			if len(tr) != 2 {
				return nil
			}
			l := d.locals[b.ModuleBlock()][traversalAttr(tr[1])]
			if l == nil {
				return nil
			}
			expr = l.HCLAttribute().Expr
		default:
			return nil
		}
	}
	return nil
}

func traversalAttr(s hcl.Traverser) string {
	if a, ok := s.(hcl.TraverseAttr); ok {
		return a.Name
	}
	return ""
}

// documentArguments are the arguments of aws_iam_policy_document sdescan
// renders or knows not to matter to the document (meta-arguments).
var documentArguments = map[string]bool{"version": true, "policy_id": true, "count": true, "for_each": true, "provider": true, "depends_on": true}

var statementArguments = map[string]bool{"sid": true, "effect": true, "actions": true, "not_actions": true, "resources": true, "not_resources": true}

// renderPolicyDocument is the JSON text of an aws_iam_policy_document; ok false
// when any part of it cannot be rendered with certainty.
func renderPolicyDocument(b *terraform.Block) (string, bool) {
	doc := map[string]any{"Version": "2012-10-17"}
	for _, a := range b.GetAttributes() {
		name := a.Name()
		if name == "source_policy_documents" || name == "override_policy_documents" {
			// Merged with the statements by Sid, in the provider: present
			// and not empty, the document is not rendered.
			v := a.Value()
			if v.IsKnown() && (v.IsNull() || (v.CanIterateElements() && v.LengthInt() == 0)) {
				continue
			}
			return "", false
		}
		if !documentArguments[name] {
			return "", false
		}
	}
	for _, f := range []struct{ arg, key string }{{"version", "Version"}, {"policy_id", "Id"}} {
		if a := b.GetAttribute(f.arg); a != nil {
			s, present, ok := scalarString(a)
			if !ok {
				return "", false
			}
			if present {
				doc[f.key] = s
			}
		}
	}
	stmts := []any{}
	for _, c := range b.AllBlocks() {
		switch c.Type() {
		case "statement":
			s, ok := renderStatement(c)
			if !ok {
				return "", false
			}
			stmts = append(stmts, s)
		case "lifecycle":
		default:
			// A dynamic block (its for_each perhaps unknown offline) or a
			// block sdescan does not know.
			return "", false
		}
	}
	doc["Statement"] = stmts
	text, err := json.Marshal(doc)
	if err != nil {
		return "", false
	}
	return string(text), true
}

func renderStatement(b *terraform.Block) (map[string]any, bool) {
	s := map[string]any{"Effect": "Allow"}
	for _, a := range b.GetAttributes() {
		if !statementArguments[a.Name()] {
			return nil, false
		}
	}
	for _, f := range []struct{ arg, key string }{{"sid", "Sid"}, {"effect", "Effect"}} {
		if a := b.GetAttribute(f.arg); a != nil {
			v, present, ok := scalarString(a)
			if !ok {
				return nil, false
			}
			if present && v != "" {
				s[f.key] = v
			}
		}
	}
	for _, f := range []struct{ arg, key string }{{"actions", "Action"}, {"not_actions", "NotAction"}, {"resources", "Resource"}, {"not_resources", "NotResource"}} {
		if a := b.GetAttribute(f.arg); a != nil {
			l, present, ok := stringSet(a)
			if !ok {
				return nil, false
			}
			if present {
				s[f.key] = l
			}
		}
	}
	principals := map[string][]*terraform.Block{}
	var conditions []*terraform.Block
	for _, c := range b.AllBlocks() {
		switch c.Type() {
		case "principals", "not_principals":
			principals[c.Type()] = append(principals[c.Type()], c)
		case "condition":
			conditions = append(conditions, c)
		default:
			return nil, false
		}
	}
	for _, f := range []struct{ block, key string }{{"principals", "Principal"}, {"not_principals", "NotPrincipal"}} {
		if len(principals[f.block]) == 0 {
			continue
		}
		p, ok := renderPrincipals(principals[f.block])
		if !ok {
			return nil, false
		}
		s[f.key] = p
	}
	if len(conditions) > 0 {
		// Several blocks: the tests AND together; the same test and variable
		// in several blocks: their values are merged, as the provider does.
		conds := map[string]any{}
		for _, c := range conditions {
			for _, a := range c.GetAttributes() {
				if a.Name() != "test" && a.Name() != "variable" && a.Name() != "values" {
					return nil, false
				}
			}
			test, ok1 := requiredString(c, "test")
			variable, ok2 := requiredString(c, "variable")
			a := c.GetAttribute("values")
			values, present, ok3 := stringSet(a)
			if !ok1 || !ok2 || !ok3 || !present || len(c.AllBlocks()) > 0 {
				return nil, false
			}
			keys, _ := conds[test].(map[string]any)
			if keys == nil {
				keys = map[string]any{}
				conds[test] = keys
			}
			prev, _ := keys[variable].([]any)
			keys[variable] = append(prev, values...)
		}
		s["Condition"] = conds
	}
	return s, true
}

// renderPrincipals is a Principal or NotPrincipal: "*" for a lone block of
// type "*" with identifiers ["*"], else identifiers by type (the blocks of one
// type merged).
func renderPrincipals(blocks []*terraform.Block) (any, bool) {
	out := map[string]any{}
	for _, c := range blocks {
		for _, a := range c.GetAttributes() {
			if a.Name() != "type" && a.Name() != "identifiers" {
				return nil, false
			}
		}
		typ, ok1 := requiredString(c, "type")
		ids, present, ok2 := stringSet(c.GetAttribute("identifiers"))
		if !ok1 || !ok2 || !present || len(c.AllBlocks()) > 0 {
			return nil, false
		}
		if typ == "*" {
			if len(blocks) != 1 || len(ids) != 1 || ids[0] != "*" {
				return nil, false
			}
			return "*", true
		}
		prev, _ := out[typ].([]any)
		out[typ] = append(prev, ids...)
	}
	return out, true
}

func requiredString(b *terraform.Block, name string) (string, bool) {
	a := b.GetAttribute(name)
	if a == nil {
		return "", false
	}
	s, present, ok := scalarString(a)
	return s, ok && present
}

// scalarString is a known string argument (present false when null). A value
// computed from another block (a stand-in UUID) is not certain: ok false.
func scalarString(a *terraform.Attribute) (s string, present, ok bool) {
	v := a.Value()
	if !v.IsWhollyKnown() {
		return "", false, false
	}
	if v.IsNull() {
		return "", false, true
	}
	v, _ = v.Unmark()
	sv, err := convert.Convert(v, cty.String)
	if err != nil || sv.IsNull() {
		return "", false, false
	}
	str := sv.AsString()
	if len(a.AllReferences()) > 0 && placeholderIn.MatchString(str) {
		return "", false, false
	}
	return str, true, true
}

// stringSet is a known list or set of strings (present false when null). A
// value computed from another block (an ARN) reads ${reference}, as in a
// jsonencode'd policy (tfBucketPolicy).
func stringSet(a *terraform.Attribute) (l []any, present, ok bool) {
	if a == nil {
		return nil, false, true
	}
	v := a.Value()
	if !v.IsWhollyKnown() {
		return nil, false, false
	}
	if v.IsNull() {
		return nil, false, true
	}
	v, _ = v.UnmarkDeep()
	if !v.CanIterateElements() || v.Type().IsMapType() || v.Type().IsObjectType() {
		return nil, false, false
	}
	out := []any{}
	for it := v.ElementIterator(); it.Next(); {
		_, e := it.Element()
		if e.IsNull() {
			return nil, false, false
		}
		sv, err := convert.Convert(e, cty.String)
		if err != nil || sv.IsNull() {
			return nil, false, false
		}
		out = append(out, referencesFor(a, sv.AsString()))
	}
	return out, true, true
}

// referencesFor writes ${reference} for each of Trivy's stand-in UUIDs in text,
// when the argument refers to another block (the one reference it names, or
// "unknown" when it names several).
func referencesFor(a *terraform.Attribute, text string) string {
	if len(a.AllReferences()) == 0 || !placeholderIn.MatchString(text) {
		return text
	}
	name := "unknown"
	refs := map[string]bool{}
	for _, r := range a.AllReferences() {
		refs[r.String()] = true
	}
	if len(refs) == 1 {
		for r := range refs {
			name = r
		}
	}
	return placeholderIn.ReplaceAllLiteralString(text, "${"+name+"}")
}
