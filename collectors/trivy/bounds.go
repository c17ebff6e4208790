package trivy

import (
	"context"
	"fmt"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/aquasecurity/trivy/pkg/mapfs"

	"github.com/sdescan/sdescan/checks/limits"
)

// The bounds of a scan (docs/iac.md, "Bounds"). What goes beyond one is not
// assessed, with the reason, and never handed to Trivy: a gate under --fail-on
// fails on it.
const (
	// DefaultTimeout bounds a whole scan.
	DefaultTimeout = 5 * time.Minute
	// DefaultMaxInstances bounds the instances one Terraform count or for_each
	// expands to.
	DefaultMaxInstances = 10_000
	// DefaultMaxTotalInstances bounds the instances all the count and for_each
	// blocks of one Terraform module directory expand to together: each
	// block's share is DefaultMaxTotalInstances divided by their number.
	DefaultMaxTotalInstances = 100_000
	// MaxHelmOutput bounds what one chart renders to.
	MaxHelmOutput = 64 << 20
	// MaxHelmLoop bounds a literal loop bound in a Helm template (until N,
	// untilStep A N S, seq … N).
	MaxHelmLoop = 10_000
	// maxModuleDirs bounds the local module directories outside the root
	// followed by one scan.
	maxModuleDirs = 1000
)

// bounds are the limits of one scan, defaults filled in.
type bounds struct {
	timeout                time.Duration
	maxInstances, maxTotal int
	yaml                   int64
}

func (o Options) bounds() bounds {
	b := bounds{timeout: o.Timeout, maxInstances: o.MaxInstances, maxTotal: o.MaxTotalInstances, yaml: o.YAMLBudget}
	if b.timeout <= 0 {
		b.timeout = DefaultTimeout
	}
	if b.maxInstances <= 0 {
		b.maxInstances = DefaultMaxInstances
	}
	if b.maxTotal <= 0 {
		b.maxTotal = DefaultMaxTotalInstances
	}
	if b.yaml <= 0 {
		b.yaml = limits.YAMLExpansion
	}
	return b
}

// bounded runs fn until ctx ends: false when ctx ended first (or before fn
// started). fn keeps running in the background (Trivy's evaluators and Helm's
// template engine cannot be interrupted); the caller must not read what it
// writes after a false.
func bounded(ctx context.Context, fn func()) bool {
	if ctx.Err() != nil {
		return false
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn()
	}()
	select {
	case <-done:
		return true
	case <-ctx.Done():
		return false
	}
}

// timeBound is the reason of what did not end within the time bound.
func (b bounds) timeBound(what string) string {
	return what + " did not end within the " + b.timeout.String() + " time bound (sdescan's bound on a scan): not assessed"
}

// exclude keeps a file from Trivy (beyond a bound, or not read).
func (p *parser) exclude(rel string) { p.excluded[rel] = true }

// chartOf is the chart directory holding rel ("" when none).
func (p *parser) chartOf(rel string) string {
	for dir := path.Dir(rel); ; dir = path.Dir(dir) {
		if p.charts[dir] {
			return dir
		}
		if dir == "." || dir == "/" {
			return ""
		}
	}
}

// screenChartFile checks a YAML file of a chart (Chart.yaml, a dependency
// file) that Helm will parse: beyond the alias bound or unreadable, the chart
// is not rendered.
func (p *parser) screenChartFile(dir, rel string) {
	data, err := p.read(rel)
	if err == nil {
		_, err = yamlDocuments(data, p.lim.yaml)
	}
	if err == nil {
		return
	}
	p.badCharts[dir] = true
	if ae, ok := err.(*aliasError); ok {
		p.refuse(rel, EntryNotAssessed, ae.Error())
		return
	}
	p.refuse(rel, EntryError, oneLine(err.Error()))
}

// helmLoop finds a literal loop bound beyond MaxHelmLoop in a template.
var helmLoop = regexp.MustCompile(`\b(until|untilStep|seq)((?:\s+-?[0-9]+)+)`)

// templateLoop returns a template's first literal loop bound beyond
// MaxHelmLoop, as written, and its line ("" when none).
func templateLoop(data []byte) (string, int) {
	for _, m := range helmLoop.FindAllSubmatchIndex(data, -1) {
		for _, f := range strings.Fields(string(data[m[4]:m[5]])) {
			n, err := strconv.ParseInt(f, 10, 64)
			if err != nil || n > MaxHelmLoop || n < -MaxHelmLoop {
				return string(data[m[0]:m[1]]), 1 + strings.Count(string(data[:m[0]]), "\n")
			}
		}
	}
	return "", 0
}

// buildFS maps the files Trivy scans into its in-memory file system: all but
// the excluded ones and the charts; a chart rendered within the bounds is
// there as what it rendered to, each manifest at its template's path, which
// Trivy's Kubernetes checks scan (Trivy does not render a chart again).
func (p *parser) buildFS(files []string) (*mapfs.FS, error) {
	absRoot, err := filepath.Abs(p.root)
	if err != nil {
		return nil, err
	}
	mfs := mapfs.New()
	for _, f := range files {
		if p.excluded[f] || p.kinds[f] == KindHelm || p.kinds[f] == KindHelmValues {
			continue
		}
		if dir := path.Dir(f); dir != "." {
			if err := mfs.MkdirAll(dir, 0o755); err != nil {
				return nil, err
			}
		}
		if err := mfs.WriteFile(f, filepath.Join(absRoot, filepath.FromSlash(f))); err != nil {
			return nil, err
		}
	}
	for dir, manifests := range p.rendered {
		for _, m := range manifests {
			q := path.Join(dir, m.Path)
			if err := mfs.MkdirAll(path.Dir(q), 0o755); err != nil {
				return nil, err
			}
			if err := mfs.WriteVirtualFile(q, []byte(m.Content), 0o644); err != nil {
				return nil, err
			}
		}
	}
	return mfs, nil
}

// instancesReason is why a count or for_each block is not expanded.
func instancesReason(g tfGuard, n string, limit, perBlock, total int) string {
	why := fmt.Sprintf("the %d sdescan expands per block", limit)
	if limit < perBlock && g.shared > 1 {
		why = fmt.Sprintf("the %d sdescan expands per block here (%d in all, shared by the %d count and for_each blocks of the directory)", limit, total, g.shared)
	}
	return fmt.Sprintf("%s: %s expands to %s instances, more than %s: not expanded, not assessed", g.block, g.attr, n, why)
}
