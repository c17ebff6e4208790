package trivy

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"math/big"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	hcljson "github.com/hashicorp/hcl/v2/json"
	"github.com/zclconf/go-cty/cty"

	"github.com/aquasecurity/trivy/pkg/iac/terraform"
	"github.com/aquasecurity/trivy/pkg/mapfs"

	"github.com/sdescan/sdescan/checks/limits"
)

// Trivy's Terraform evaluator expands count and for_each without a bound (and
// cannot be interrupted). sdescan bounds them before Trivy sees the code: each
// count or for_each expression of a resource, data or module block is moved,
// as written, into a local value appended to its file (sdescan_bound_N), and
// the meta-argument becomes
//
//	count    = (local.sdescan_bound_N > LIMIT ? 0 : local.sdescan_bound_N)
//	for_each = (length(local.sdescan_bound_N) > LIMIT ? null : local.sdescan_bound_N)
//
// which is the same value up to LIMIT and no instance beyond. The evaluated
// local tells sdescan which blocks went beyond: they are not assessed. The
// rewrite keeps every line where it was (the new lines go at the end of the
// file), so findings keep their lines. Both sdescan's evaluation and Trivy's
// scan read the rewritten code.

// tfGuard is one count or for_each bounded.
type tfGuard struct {
	file   string // root-relative path of its file
	block  string // resource "aws_s3_bucket" "raw"
	attr   string // count or for_each
	start  int    // byte range of the expression
	end    int
	shared int // count and for_each blocks of its directory
	limit  int // instances it may expand to
}

// tfState is what the Terraform pre-screen learnt.
type tfState struct {
	data    map[string][]byte   // file -> source, for files with guards
	guards  map[string]*tfGuard // local name -> guard
	byFile  map[string][]string // file -> local names, in order
	sources map[string][]string // file -> local module sources
	outside []string            // files of local modules outside the root
	base    string              // the root's path in the Terraform file system
	nonce   string              // the random part of the locals' names
	n       int
}

// guardPrefix starts the name of every local sdescan adds; a random part,
// new each scan, keeps the code scanned from defining one of the same name
// (and so choosing the count sdescan evaluates).
const guardPrefix = "sdescan_bound_"

// parseHCL parses a Terraform file; nil and an error entry when it does not
// parse (Trivy's parser skips such a file silently).
func (p *parser) parseHCL(rel string, data []byte) *hcl.File {
	var f *hcl.File
	var diags hcl.Diagnostics
	if strings.HasSuffix(rel, ".json") {
		f, diags = hcljson.Parse(data, rel)
	} else {
		f, diags = hclsyntax.ParseConfig(data, rel, hcl.InitialPos)
	}
	if diags.HasErrors() {
		p.entry(rel, EntryError, "does not parse as Terraform: "+oneLine(diags.Errs()[0].Error()))
		return nil
	}
	return f
}

var tfBlocks = &hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{
	{Type: "resource", LabelNames: []string{"type", "name"}},
	{Type: "data", LabelNames: []string{"type", "name"}},
	{Type: "module", LabelNames: []string{"name"}},
}}

var tfMeta = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "count"}, {Name: "for_each"}, {Name: "source"}}}

// screenTerraform records a file's module sources and guards its count and
// for_each expressions.
func (p *parser) screenTerraform(rel string, f *hcl.File, data []byte) {
	if p.tf.guards == nil {
		p.tf.data, p.tf.guards, p.tf.byFile, p.tf.sources = map[string][]byte{}, map[string]*tfGuard{}, map[string][]string{}, map[string][]string{}
	}
	if body, ok := f.Body.(*hclsyntax.Body); ok {
		for _, b := range body.Blocks {
			if b.Type != "resource" && b.Type != "data" && b.Type != "module" {
				continue
			}
			label := b.Type + ` "` + strings.Join(b.Labels, `" "`) + `"`
			if a := b.Body.Attributes["source"]; a != nil && b.Type == "module" {
				if s, ok := literalString(a.Expr); ok {
					p.tf.sources[rel] = append(p.tf.sources[rel], s)
				}
			}
			for _, name := range []string{"count", "for_each"} {
				a := b.Body.Attributes[name]
				if a == nil {
					continue
				}
				r := a.Expr.Range()
				if p.tf.nonce == "" {
					var b [8]byte
					_, _ = rand.Read(b[:])
					p.tf.nonce = hex.EncodeToString(b[:])
				}
				local := fmt.Sprintf("%s%s_%d", guardPrefix, p.tf.nonce, p.tf.n)
				p.tf.n++
				p.tf.guards[local] = &tfGuard{file: rel, block: label, attr: name, start: r.Start.Byte, end: r.End.Byte}
				p.tf.byFile[rel] = append(p.tf.byFile[rel], local)
				p.tf.data[rel] = data
			}
		}
		return
	}
	// JSON syntax: a count that is a literal number within the bound is kept;
	// any other count or for_each cannot be bounded, and the file is not
	// assessed.
	content, _, _ := f.Body.PartialContent(tfBlocks)
	for _, b := range content.Blocks {
		label := b.Type + ` "` + strings.Join(b.Labels, `" "`) + `"`
		meta, _, _ := b.Body.PartialContent(tfMeta)
		if a := meta.Attributes["source"]; a != nil && b.Type == "module" {
			if v, d := a.Expr.Value(nil); !d.HasErrors() && v.IsKnown() && !v.IsNull() && v.Type() == cty.String {
				p.tf.sources[rel] = append(p.tf.sources[rel], v.AsString())
			}
		}
		for _, name := range []string{"count", "for_each"} {
			a := meta.Attributes[name]
			if a == nil {
				continue
			}
			if v, d := a.Expr.Value(nil); name == "count" && !d.HasErrors() && v.IsKnown() && !v.IsNull() && v.Type() == cty.Number {
				if bf := v.AsBigFloat(); bf.Cmp(big.NewFloat(float64(p.lim.maxInstances))) <= 0 {
					continue
				}
			}
			p.exclude(rel)
			p.refuse(rel, EntryNotAssessed, fmt.Sprintf("%s: %s in JSON syntax is bounded by sdescan only as a literal count of at most %d: the file is not assessed", label, name, p.lim.maxInstances))
			return
		}
	}
}

func literalString(e hclsyntax.Expression) (string, bool) {
	v, d := e.Value(nil)
	if d.HasErrors() || !v.IsKnown() || v.IsNull() || v.Type() != cty.String {
		return "", false
	}
	return v.AsString(), true
}

// followModules reads, read-only, the local modules called from outside the
// root (source = "../../modules/x"), as terraform does: the .tf files of each
// such directory join the scan, reported by their path relative to the root.
func (p *parser) followModules() {
	var queue []string
	for f := range p.tf.sources {
		queue = append(queue, f)
	}
	sort.Strings(queue)
	visited := map[string]bool{}
	depth := 0
	for len(queue) > 0 {
		f := queue[0]
		queue = queue[1:]
		for _, src := range p.tf.sources[f] {
			if !isLocalSource(src) {
				continue
			}
			dir := path.Clean(path.Join(path.Dir(f), src))
			if dir != ".." && !strings.HasPrefix(dir, "../") || visited[dir] {
				continue
			}
			visited[dir] = true
			if len(visited) > maxModuleDirs {
				p.refuse(f, EntryNotAssessed, fmt.Sprintf("module source %q: more than %d module directories outside the scanned folder: not followed, not assessed", src, maxModuleDirs))
				continue
			}
			if n := strings.Count(dir+"/", "../"); n > depth {
				depth = n
			}
			queue = append(queue, p.readModuleDir(f, src, dir)...)
		}
	}
	p.tf.base = "."
	if depth > 0 {
		abs, err := filepath.Abs(p.root)
		if err == nil {
			base := filepath.Join(abs, strings.Repeat("../", depth))
			if r, err := filepath.Rel(base, abs); err == nil {
				p.tf.base = filepath.ToSlash(r)
			}
		}
	}
}

// readModuleDir reads the Terraform files of a module directory outside the
// root and returns them.
func (p *parser) readModuleDir(caller, src, dir string) []string {
	full := filepath.Join(p.root, filepath.FromSlash(dir))
	list, err := os.ReadDir(full)
	if err != nil {
		p.refuse(caller, EntryNotAssessed, fmt.Sprintf("module source %q: %s: its resources are not assessed", src, cleanErr(err)))
		return nil
	}
	var out []string
	for _, e := range list {
		lower := strings.ToLower(e.Name())
		if classify(lower, nil) != KindTerraform {
			continue
		}
		rel := path.Join(dir, e.Name())
		data, err := limits.ReadFile(filepath.Join(full, e.Name()), maxFile)
		p.kinds[rel] = KindTerraform
		p.res.Files[display(p.prefix, rel)] = KindTerraform
		if err != nil {
			p.exclude(rel)
			p.refuse(rel, EntryError, "module file not read: "+oneLine(cleanErr(err)))
			continue
		}
		p.tf.outside = append(p.tf.outside, rel)
		if f := p.parseHCL(rel, data); f != nil {
			p.screenTerraform(rel, f, data)
		} else {
			p.exclude(rel)
		}
		out = append(out, rel)
	}
	return out
}

// tfPath is a file's path in the Terraform file system.
func (p *parser) tfPath(rel string) string { return path.Join(p.tf.base, rel) }

// tfRel is the root-relative path of a path in the Terraform file system.
func (p *parser) tfRel(q string) string {
	q = strings.TrimPrefix(q, "/")
	if p.tf.base == "." || p.tf.base == "" {
		return q
	}
	r, err := filepath.Rel(filepath.FromSlash(p.tf.base), filepath.FromSlash(q))
	if err != nil {
		return q
	}
	return filepath.ToSlash(r)
}

// terraformFS maps the files Terraform reads (the root's, rewritten where
// guarded, and the modules' outside it) into a file system based where the
// root and every followed module lie inside it.
func (p *parser) terraformFS(files []string) (*mapfs.FS, error) {
	// Each block's share of the module's total.
	perDir := map[string]int{}
	for _, g := range p.tf.guards {
		perDir[path.Dir(g.file)]++
	}
	for _, g := range p.tf.guards {
		g.shared = perDir[path.Dir(g.file)]
		g.limit = min(p.lim.maxInstances, max(1, p.lim.maxTotal/g.shared))
	}
	abs, err := filepath.Abs(p.root)
	if err != nil {
		return nil, err
	}
	mfs := mapfs.New()
	add := func(rel string) error {
		q := p.tfPath(rel)
		if err := mfs.MkdirAll(path.Dir(q), 0o755); err != nil {
			return err
		}
		if names := p.tf.byFile[rel]; len(names) > 0 {
			return mfs.WriteVirtualFile(q, p.guarded(rel, names), 0o644)
		}
		return mfs.WriteFile(q, filepath.Join(abs, filepath.FromSlash(rel)))
	}
	for _, f := range files {
		if p.excluded[f] {
			continue
		}
		if err := add(f); err != nil {
			return nil, err
		}
	}
	for _, f := range p.tf.outside {
		if p.excluded[f] {
			continue
		}
		if err := add(f); err != nil {
			return nil, err
		}
	}
	return mfs, nil
}

// guarded is a file's source with its count and for_each expressions bounded.
func (p *parser) guarded(rel string, names []string) []byte {
	data := p.tf.data[rel]
	var out, locals strings.Builder
	at := 0
	locals.WriteString("\nlocals {\n")
	for _, name := range names {
		g := p.tf.guards[name]
		expr := string(data[g.start:g.end])
		out.Write(data[at:g.start])
		pad := strings.Repeat("\n", strings.Count(expr, "\n"))
		if g.attr == "count" {
			fmt.Fprintf(&out, "(local.%s > %d ? 0 :%s local.%s)", name, g.limit, pad, name)
		} else {
			fmt.Fprintf(&out, "(length(local.%s) > %d ? null :%s local.%s)", name, g.limit, pad, name)
		}
		at = g.end
		fmt.Fprintf(&locals, "  %s = %s\n", name, expr)
	}
	out.Write(data[at:])
	locals.WriteString("}\n")
	out.WriteString(locals.String())
	return []byte(out.String())
}

// boundsReached reports the guarded blocks an evaluation found beyond their
// bound, and the for_each whose value is not known offline (Trivy drops such a
// block: its instances would go unjudged).
func (p *parser) boundsReached(mods terraform.Modules) {
	for _, b := range mods.GetBlocks() {
		if b.Type() != "locals" {
			continue
		}
		for _, a := range b.GetAttributes() {
			g := p.tf.guards[a.Name()]
			if g == nil {
				continue
			}
			v := a.Value()
			if v.IsMarked() {
				v, _ = v.UnmarkDeep()
			}
			switch {
			case g.attr == "count" && v.IsKnown() && !v.IsNull() && v.Type() == cty.Number:
				if bf := v.AsBigFloat(); bf.Cmp(big.NewFloat(float64(g.limit))) > 0 {
					p.refuse(g.file, EntryNotAssessed, instancesReason(*g, bf.Text('f', 0), g.limit, p.lim.maxInstances, p.lim.maxTotal))
				}
			case g.attr == "for_each" && v.IsKnown() && !v.IsNull() && v.CanIterateElements():
				if n := v.LengthInt(); n > g.limit {
					p.refuse(g.file, EntryNotAssessed, instancesReason(*g, fmt.Sprint(n), g.limit, p.lim.maxInstances, p.lim.maxTotal))
				}
			case g.attr == "for_each":
				p.entry(g.file, EntryNotAssessed, g.block+": for_each is not known offline: its instances are not assessed")
			}
		}
	}
}

// guardRefs are the references of the expression a guard's local holds, as
// written: what an unknown count or for_each refers to, rather than the local
// sdescan put in its place. nil when ref is not one of sdescan's locals.
func (p *parser) guardRefs(ref string) []any {
	name, ok := strings.CutPrefix(ref, "locals.")
	if !ok {
		name, _ = strings.CutPrefix(ref, "local.")
	}
	g := p.tf.guards[name]
	if g == nil {
		return nil
	}
	src := p.tf.data[g.file][g.start:g.end]
	expr, diags := hclsyntax.ParseExpression(src, g.file, hcl.InitialPos)
	if diags.HasErrors() {
		return []any{}
	}
	out := []any{}
	for _, v := range expr.Variables() {
		r := v.SourceRange()
		out = append(out, string(src[r.Start.Byte:r.End.Byte]))
	}
	return out
}
