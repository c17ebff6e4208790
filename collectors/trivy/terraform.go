package trivy

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"math/big"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/zclconf/go-cty/cty"

	tfparser "github.com/aquasecurity/trivy/pkg/iac/scanners/terraform/parser"
	"github.com/aquasecurity/trivy/pkg/iac/terraform"
	"github.com/aquasecurity/trivy/pkg/mapfs"

	"github.com/sdescan/sdescan/checks"
)

// terraform parses every directory of .tf files into iac.terraform.resource
// facts, with Trivy's evaluator (variables, tfvars, locals and local modules
// resolved; what cannot be known offline is left out).
func (p *parser) terraform(ctx context.Context, tfs *mapfs.FS, cfs fs.FS, cfsPaths []string) error {
	dirs := map[string]bool{}
	for f, kind := range p.kinds {
		if kind == KindTerraform && !p.excluded[f] {
			dirs[p.tfPath(path.Dir(f))] = true
		}
	}
	var list []string
	for d := range dirs {
		list = append(list, d)
	}
	sort.Strings(list)
	// A directory called as a local module by another is evaluated from its
	// caller, with the caller's inputs, not on its own.
	called := map[string]bool{}
	roots := map[string]terraform.Modules{}
	for _, d := range list {
		opts := []tfparser.Option{
			tfparser.OptionStopOnHCLError(false),
			tfparser.OptionWithDownloads(false),
			tfparser.OptionWithSkipCachedModules(true),
			tfparser.OptionWithLogger(slog.New(slog.DiscardHandler)),
		}
		if len(cfsPaths) > 0 {
			opts = append(opts, tfparser.OptionWithTFVarsPaths(cfsPaths...), tfparser.OptionWithConfigsFS(cfs))
		}
		// The evaluation runs under the scan's deadline: Trivy's evaluator
		// cannot be interrupted, so a runaway one is left behind and the
		// directory is not assessed.
		var mods terraform.Modules
		var err error
		if !bounded(ctx, func() {
			tp := tfparser.New(tfs, "", opts...)
			if err = tp.ParseFS(ctx, d); err == nil {
				mods, err = tp.EvaluateAll(ctx)
			}
		}) {
			p.refuse(p.tfRel(d), EntryNotAssessed, p.lim.timeBound("Terraform evaluation of the directory"))
			continue
		}
		if err != nil {
			p.refuse(p.tfRel(d), EntryError, "Terraform: "+oneLine(err.Error()))
			continue
		}
		roots[d] = mods
		for _, b := range mods.GetBlocks() {
			if b.Type() != "module" {
				continue
			}
			src := stringAttr(b, "source")
			if isLocalSource(src) {
				from := path.Dir(strings.TrimPrefix(b.GetMetadata().Range().GetFilename(), "/"))
				called[path.Clean(path.Join(from, src))] = true
			}
		}
	}
	for _, d := range list {
		mods, ok := roots[d]
		if !ok || called[d] {
			continue
		}
		p.boundsReached(mods)
		docs := policyDocuments(mods)
		var backupPolicies []*terraform.Block
		for _, b := range mods.GetBlocks() {
			if b.Type() == "resource" && b.TypeLabel() == "aws_efs_backup_policy" {
				backupPolicies = append(backupPolicies, b)
			}
		}
		for _, b := range mods.GetBlocks() {
			switch b.Type() {
			case "resource", "data":
				p.tfResource(b, backupPolicies, docs)
			case "module":
				src := stringAttr(b, "source")
				if src == "" || isLocalSource(src) {
					continue
				}
				file := p.tfRel(b.GetMetadata().Range().GetFilename())
				p.entry(file, EntryNotAssessed, fmt.Sprintf("module %q: remote source %s is not downloaded offline; its resources are not assessed", b.TypeLabel(), src))
			}
		}
	}
	return nil
}

func isLocalSource(s string) bool {
	return s == "." || s == ".." || strings.HasPrefix(s, "./") || strings.HasPrefix(s, "../")
}

func stringAttr(b *terraform.Block, name string) string {
	a := b.GetAttribute(name)
	if a == nil {
		return ""
	}
	v := a.Value()
	if !v.IsKnown() || v.IsNull() || v.Type() != cty.String {
		return ""
	}
	return v.AsString()
}

// efsBackupStatus is the status of the aws_efs_backup_policy whose file_system_id
// refers to the file system fs: "" when none does, ok false when it is unknown.
func efsBackupStatus(fs *terraform.Block, policies []*terraform.Block) (status string, ok bool) {
	for _, bp := range policies {
		if !bp.GetAttribute("file_system_id").ReferencesBlock(fs) {
			continue
		}
		for _, c := range bp.GetBlocks("backup_policy") {
			if s := stringAttr(c, "status"); s != "" {
				return s, true
			}
		}
		return "", false
	}
	return "", true
}

// holdsPlaceholder says whether a value holds one of Trivy's stand-in UUIDs.
func holdsPlaceholder(v any) bool {
	switch x := v.(type) {
	case string:
		return placeholder.MatchString(x)
	case []any:
		for _, e := range x {
			if holdsPlaceholder(e) {
				return true
			}
		}
	case map[string]any:
		for _, e := range x {
			if holdsPlaceholder(e) {
				return true
			}
		}
	}
	return false
}

var placeholder = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

func (p *parser) tfResource(b *terraform.Block, backupPolicies []*terraform.Block, docs tfDocuments) {
	r := b.GetMetadata().Range()
	file := display(p.prefix, p.tfRel(r.GetFilename()))
	addr := b.GetMetadata().Reference()
	cfg := blockValue(b)
	attrs := map[string]any{
		"mode":          b.Type(),
		"resource_type": b.TypeLabel(),
		"name":          b.NameLabel(),
		"address":       addr,
		"start_line":    r.GetStartLine(),
		"end_line":      r.GetEndLine(),
		"config":        cfg,
	}
	if b.Type() == "data" && !strings.HasPrefix(addr, "data.") && !strings.Contains(addr, ".data.") {
		addr = "data." + addr
		attrs["address"] = addr
	}
	attrs["literal_credentials"] = credentialsIn(cfg, "", r.GetStartLine(), blockLines(b))
	unknown := []any{}
	for _, a := range b.GetAttributes() {
		if _, ok := cfg[a.Name()]; !ok {
			unknown = append(unknown, a.Name())
		}
	}
	attrs["unknown_attributes"] = append(unknown, nestedUnknown(b, cfg)...)
	refs := map[string]any{}
	for _, a := range b.GetAttributes() {
		if _, ok := cfg[a.Name()]; ok {
			continue
		}
		list := []any{}
		guards := map[string]bool{}
		for _, ref := range a.AllReferences() {
			if orig := p.guardRefs(ref.String()); orig != nil {
				if !guards[ref.String()] {
					list = append(list, orig...)
				}
				guards[ref.String()] = true
				continue
			}
			list = append(list, ref.String())
		}
		refs[a.Name()] = list
	}
	attrs["unknown_references"] = refs
	hostPoolRDP(b, cfg, attrs)
	if b.Type() == "resource" && b.TypeLabel() == "aws_efs_file_system" {
		if s, ok := efsBackupStatus(b, backupPolicies); ok {
			attrs["efs_backup_policy_status"] = s
		}
	}
	if b.Type() == "resource" && (b.TypeLabel() == "aws_s3_bucket_policy" || b.TypeLabel() == "aws_s3_bucket") {
		if pol, ok := tfBucketPolicy(b, cfg, docs); ok {
			attrs["policy"] = pol
		}
	}
	p.res.Resources = append(p.res.Resources, checks.Resource{
		ID:         resourceID(file, addr),
		Type:       TypeTerraformResource,
		Source:     Source,
		Scope:      checks.Scope{Path: file},
		Tags:       tagsOf(cfg),
		Attributes: attrs,
	})
}

// blockLines maps attribute paths to their first line, for credential findings.
func blockLines(b *terraform.Block) map[string]int {
	out := map[string]int{}
	var rec func(b *terraform.Block, prefix string)
	rec = func(b *terraform.Block, prefix string) {
		for _, a := range b.GetAttributes() {
			out[prefix+a.Name()] = a.GetMetadata().Range().GetStartLine()
		}
		for _, c := range b.AllBlocks() {
			rec(c, prefix+c.Type()+".")
		}
	}
	rec(b, "")
	return out
}

func tagsOf(cfg map[string]any) map[string]string {
	t, ok := cfg["tags"].(map[string]any)
	if !ok {
		return nil
	}
	out := map[string]string{}
	for k, v := range t {
		if s, ok := v.(string); ok {
			out[k] = s
		}
	}
	return out
}

// blockValue is a block's known attributes and nested blocks (each block type a
// list) as plain values. Unknown and null values are left out: absent is unknown.
// Trivy's evaluator stands in a random UUID for a computed attribute of another
// block (aws_kms_key.x.arn, data.aws_iam_policy_document.x.json): an attribute
// that refers to another block and holds such a UUID anywhere in its value is
// unknown offline, never the UUID (which would also differ from run to run).
func blockValue(b *terraform.Block) map[string]any {
	out := map[string]any{}
	for _, a := range b.GetAttributes() {
		if v, ok := ctyValue(a.Value()); ok && !(len(a.AllReferences()) > 0 && holdsPlaceholder(v)) {
			out[a.Name()] = v
		}
	}
	for _, c := range b.AllBlocks() {
		t := c.Type()
		if t == "dynamic" || t == "lifecycle" {
			continue
		}
		list, _ := out[t].([]any)
		out[t] = append(list, blockValue(c))
	}
	return out
}

func ctyValue(v cty.Value) (any, bool) {
	if !v.IsWhollyKnown() || v.IsNull() {
		if !v.IsKnown() || v.IsNull() {
			return nil, false
		}
	}
	if v.IsMarked() {
		v, _ = v.Unmark()
	}
	t := v.Type()
	switch {
	case t == cty.String:
		return v.AsString(), true
	case t == cty.Bool:
		return v.True(), true
	case t == cty.Number:
		f, _ := v.AsBigFloat().Float64()
		if bf := v.AsBigFloat(); bf.IsInt() {
			i, _ := bf.Int(new(big.Int))
			if i.IsInt64() {
				return float64(i.Int64()), true
			}
		}
		return f, true
	case t.IsListType() || t.IsSetType() || t.IsTupleType():
		out := []any{}
		for it := v.ElementIterator(); it.Next(); {
			_, e := it.Element()
			if x, ok := ctyValue(e); ok {
				out = append(out, x)
			}
		}
		return out, true
	case t.IsMapType() || t.IsObjectType():
		out := map[string]any{}
		for it := v.ElementIterator(); it.Next(); {
			k, e := it.Element()
			if x, ok := ctyValue(e); ok {
				out[k.AsString()] = x
			}
		}
		return out, true
	}
	return nil, false
}

// hclErrors reports a Terraform file that does not parse (Trivy's parser skips
// it silently): the file is an error entry, the rest of the tree is scanned.
func (p *parser) hclErrors(rel string, data []byte) bool {
	hp := hclparse.NewParser()
	var diags hcl.Diagnostics
	switch {
	case strings.HasSuffix(rel, ".json"):
		_, diags = hp.ParseJSON(data, rel)
	default:
		_, diags = hp.ParseHCL(data, rel)
	}
	if diags.HasErrors() {
		d := diags.Errs()[0]
		p.entry(rel, EntryError, "does not parse as Terraform: "+oneLine(d.Error()))
		return true
	}
	return false
}
