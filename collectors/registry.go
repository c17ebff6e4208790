package collectors

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"
	"testing/fstest"

	"github.com/sdescan/sdescan/checks"
)

// TypesOf is the resource types of a collector made of parts (its services),
// each part listing those it covers: every type once, sorted.
func TypesOf(parts ...[]string) []string {
	var out []string
	for _, p := range parts {
		out = append(out, p...)
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// Collector describes one source of facts. Each collector package declares its
// own (aws.Collector, github.Collectors, trivy.Collectors); the command line
// registers them once (cmd/sdescan/internal/cli/collectors.go), and everything
// that lists collectors reads that Registry: the built-in checks, the folders
// that are linted and tested, scan's source flags, which resource types a run
// covers, and the checks that are not Rego. docs/writing-collectors.md shows the
// smallest complete one.
type Collector struct {
	// Name is the collector's name, as its runs record it (CollectorRun.Collector).
	Name string
	// Covers are the resource types (glob patterns) a run of it collects: an
	// error of a run hides them, an empty run reports them as not found.
	Covers []string
	// ResourceTypes are the types it emits, each described in the facts schema
	// (checks/schema/facts.schema.json, $defs by type).
	ResourceTypes []string
	// PolicyDir is the folder of its checks, relative to collectors/ in the source
	// tree and to the root of the built-in tree ("aws/policy"); "" when its facts
	// are judged by another collector's checks.
	PolicyDir string
	// Policies are its checks (PolicyDir of BuiltinFS for a built-in collector).
	Policies fs.FS
	// External lists its checks that are not Rego (Trivy's), which frameworks
	// and waivers may cite; nil: none.
	External func() ([]*checks.Check, error)
}

// Reads says whether a check reads a resource type the collector covers: the
// checks a command of one collector reports (sdescan iac, sdescan image).
func (c Collector) Reads(ch *checks.Check) bool {
	for _, t := range ch.ResourceTypes {
		if checks.CoversType(c.Covers, t) {
			return true
		}
	}
	return false
}

// Registry is the collectors sdescan is built with, in the order scan runs them.
type Registry []Collector

// Lookup returns the collector of a name.
func (r Registry) Lookup(name string) (Collector, bool) {
	for _, c := range r {
		if c.Name == name {
			return c, true
		}
	}
	return Collector{}, false
}

// Validate refuses a registry a run could not rely on: a collector without a
// name or covers, a name or policy folder registered twice.
func (r Registry) Validate() error {
	names, dirs := map[string]bool{}, map[string]bool{}
	for _, c := range r {
		switch {
		case c.Name == "" || strings.ContainsAny(c.Name, " ./"):
			return fmt.Errorf("collector %q: a name is one word", c.Name)
		case names[c.Name]:
			return fmt.Errorf("collector %s: registered twice", c.Name)
		case len(c.Covers) == 0:
			return fmt.Errorf("collector %s: covers no resource type", c.Name)
		case c.PolicyDir != "" && dirs[c.PolicyDir]:
			return fmt.Errorf("collector %s: policy folder %s is another collector's", c.Name, c.PolicyDir)
		case (c.PolicyDir == "") != (c.Policies == nil):
			return fmt.Errorf("collector %s: a policy folder and its checks go together", c.Name)
		}
		for _, t := range c.ResourceTypes {
			if !checks.CoversType(c.Covers, t) {
				return fmt.Errorf("collector %s: emits %s, which its covers do not name", c.Name, t)
			}
		}
		names[c.Name], dirs[c.PolicyDir] = true, true
	}
	return nil
}

// PolicyDirs are the collectors' policy folders, sorted.
func (r Registry) PolicyDirs() []string {
	var out []string
	for _, c := range r {
		if c.PolicyDir != "" {
			out = append(out, c.PolicyDir)
		}
	}
	sort.Strings(out)
	return out
}

// Builtin is the policy source of the registered collectors' checks, each under
// its policy folder: for the collectors sdescan ships, exactly BuiltinFS.
func (r Registry) Builtin() (checks.PolicySource, error) {
	if r.shipped() {
		return Builtin(), nil
	}
	m := fstest.MapFS{}
	for _, c := range r {
		if c.Policies == nil {
			continue
		}
		err := fs.WalkDir(c.Policies, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			data, err := fs.ReadFile(c.Policies, p)
			if err != nil {
				return err
			}
			m[path.Join(c.PolicyDir, p)] = &fstest.MapFile{Data: data}
			return nil
		})
		if err != nil {
			return checks.PolicySource{}, fmt.Errorf("collector %s: %w", c.Name, err)
		}
	}
	return checks.PolicySource{Name: "builtin", FS: m}, nil
}

// shipped says whether the registry's checks are exactly the embedded tree.
func (r Registry) shipped() bool {
	var dirs []string
	for _, c := range r {
		if c.Policies == nil {
			continue
		}
		if sub, ok := c.Policies.(subFS); !ok || sub.dir != c.PolicyDir {
			return false
		}
		dirs = append(dirs, c.PolicyDir)
	}
	sort.Strings(dirs)
	return slices.Equal(dirs, BuiltinPolicyDirs())
}

// External lists every collector's external checks (the first error is the
// result's error).
func (r Registry) External() func() ([]*checks.Check, error) {
	return func() ([]*checks.Check, error) {
		var out []*checks.Check
		var errs []error
		for _, c := range r {
			if c.External == nil {
				continue
			}
			list, err := c.External()
			if err != nil {
				errs = append(errs, fmt.Errorf("collector %s: %w", c.Name, err))
				continue
			}
			out = append(out, list...)
		}
		return out, errors.Join(errs...)
	}
}

// Covering returns the resource types a run covers: what it records, else what
// its collector registers; nil for a collector the registry does not know.
func (r Registry) Covering(run checks.CollectorRun) []string {
	if len(run.Covers) > 0 {
		return run.Covers
	}
	if c, ok := r.Lookup(run.Collector); ok {
		return c.Covers
	}
	return nil
}

// FillCovers records on each run that names no covers those of its collector's
// registration, so that facts read from a file made before runs recorded them
// (or by another tool) say what they cover wherever they go next: into an
// evidence pack, which verify then judges the same way.
func (r Registry) FillCovers(f *checks.Facts) {
	if f == nil {
		return
	}
	for i := range f.Runs {
		run := &f.Runs[i]
		if len(run.Covers) > 0 {
			continue
		}
		if c, ok := r.Lookup(run.Collector); ok {
			run.Covers = slices.Clone(c.Covers)
		}
	}
}

// subFS is a collector's folder of the embedded tree (ShippedPolicies).
type subFS struct {
	fs.FS
	dir string
}

// ShippedPolicies is a built-in collector's policy folder of BuiltinFS (for
// Collector.Policies); it panics on a folder the tree does not hold, which
// TestRegistry catches.
func ShippedPolicies(dir string) fs.FS {
	if !slices.Contains(BuiltinPolicyDirs(), dir) {
		panic("collectors: no built-in policy folder " + dir)
	}
	sub, err := fs.Sub(builtinFS, dir)
	if err != nil {
		panic(err)
	}
	return subFS{FS: sub, dir: dir}
}
