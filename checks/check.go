package checks

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/sdescan/sdescan/checks/limits"
)

// Severity of a check; its weight feeds the risk score.
type Severity string

// Severities, most serious first.
const (
	Critical Severity = "critical"
	High     Severity = "high"
	Medium   Severity = "medium"
	Low      Severity = "low"
)

// Severities lists the known severities, most serious first.
var Severities = []Severity{Critical, High, Medium, Low}

// ParseSeverity accepts a severity name in any case.
func ParseSeverity(s string) (Severity, error) {
	v := Severity(strings.ToLower(strings.TrimSpace(s)))
	if v.Rank() == 0 {
		return "", fmt.Errorf("unknown severity %q (want critical, high, medium or low)", s)
	}
	return v, nil
}

// Weight is the severity's weight in the risk score: critical 10, high 5, medium 2, low 1.
func (s Severity) Weight() int {
	switch s {
	case Critical:
		return 10
	case High:
		return 5
	case Medium:
		return 2
	case Low:
		return 1
	}
	return 0
}

// Rank orders severities: critical 4 … low 1, unknown 0.
func (s Severity) Rank() int {
	switch s {
	case Critical:
		return 4
	case High:
		return 3
	case Medium:
		return 2
	case Low:
		return 1
	}
	return 0
}

// Check is one Rego check and the metadata from its METADATA annotation.
type Check struct {
	ID            string   `json:"id"`
	Title         string   `json:"title"`
	Description   string   `json:"description,omitempty"`
	Severity      Severity `json:"severity"`
	ResourceTypes []string `json:"resource_types"`
	Remediation   string   `json:"remediation,omitempty"`
	Aliases       []string `json:"aliases,omitempty"`
	// Requires lists attribute paths (dotted, under attributes) the check needs;
	// a resource lacking one gets an error finding without evaluating the check.
	Requires []string `json:"requires,omitempty"`
	// File is the policy file the check came from, as named in its source.
	File string `json:"file"`
	// Package is the Rego package path, e.g. data.sdescan.checks.aws.s3_encryption.
	Package string `json:"package"`

	hasApplicable bool
	hasMissing    bool
}

// PolicySource is a tree of .rego files: the embedded catalogue or a --policy DIR.
type PolicySource struct {
	Name string // shown in messages, e.g. "builtin" or the directory
	FS   fs.FS
}

// DirSource is a PolicySource for a directory on disk.
func DirSource(dir string) PolicySource {
	return PolicySource{Name: dir, FS: os.DirFS(dir)}
}

var checkIDPattern = regexp.MustCompile(`^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$`)

// checkPackagePrefix is the package namespace that must carry check metadata.
const checkPackagePrefix = "data.sdescan.checks."

// parsedPolicy is a module read from a policy source.
type parsedPolicy struct {
	file   string
	src    []byte
	module *ast.Module
}

// readPolicies parses every non-test .rego file of the sources, in a stable order.
func readPolicies(sources []PolicySource) ([]parsedPolicy, error) {
	var out []parsedPolicy
	for _, s := range sources {
		var files []string
		err := fs.WalkDir(s.FS, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && strings.HasSuffix(p, ".rego") && !strings.HasSuffix(p, "_test.rego") {
				files = append(files, p)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("policy %s: %w", s.Name, err)
		}
		sort.Strings(files)
		for _, f := range files {
			// A regular file within the size limit: a FIFO named *.rego
			// must not hang the run, nor a huge file exhaust it.
			src, err := limits.ReadFS(s.FS, f, limits.Policy)
			if err != nil {
				return nil, fmt.Errorf("policy %s: %w", s.Name, err)
			}
			name := f
			if s.Name != "" && s.Name != "builtin" {
				name = filepath.Join(s.Name, filepath.FromSlash(f))
			} else {
				name = path.Join("builtin", f)
			}
			mod, err := ast.ParseModuleWithOpts(name, string(src), ast.ParserOptions{ProcessAnnotation: true, RegoVersion: ast.RegoV1})
			if err != nil {
				return nil, errors.New(regoMessage(err))
			}
			out = append(out, parsedPolicy{file: name, src: src, module: mod})
		}
	}
	return out, nil
}

// checkFromModule reads the check metadata of a module in the check namespace; ok
// is false for library modules outside it.
func checkFromModule(p parsedPolicy) (c *Check, ok bool, err error) {
	pkg := p.module.Package.Path.String()
	if !strings.HasPrefix(pkg, checkPackagePrefix) {
		return nil, false, nil
	}
	loc := func() string {
		return fmt.Sprintf("%s:%d", p.file, p.module.Package.Location.Row)
	}
	var ann *ast.Annotations
	for _, a := range p.module.Annotations {
		if a.Scope == "package" {
			ann = a
			break
		}
	}
	if ann == nil {
		return nil, true, fmt.Errorf("%s: package %s has no METADATA annotation (title and custom.id, severity, resource_types are required)", loc(), pkg)
	}
	if ann.Location != nil {
		loc = func() string { return fmt.Sprintf("%s:%d", p.file, ann.Location.Row) }
	}
	c = &Check{Title: strings.TrimSpace(ann.Title), Description: strings.TrimSpace(ann.Description), File: p.file, Package: pkg}
	str := func(key string) (string, error) {
		v, present := ann.Custom[key]
		if !present {
			return "", nil
		}
		s, isStr := v.(string)
		if !isStr {
			return "", fmt.Errorf("%s: METADATA custom.%s must be a string", loc(), key)
		}
		return strings.TrimSpace(s), nil
	}
	strs := func(key string) ([]string, error) {
		v, present := ann.Custom[key]
		if !present {
			return nil, nil
		}
		list, isList := v.([]any)
		if !isList {
			return nil, fmt.Errorf("%s: METADATA custom.%s must be a list of strings", loc(), key)
		}
		out := make([]string, 0, len(list))
		for _, x := range list {
			s, isStr := x.(string)
			if !isStr || s == "" {
				return nil, fmt.Errorf("%s: METADATA custom.%s must be a list of strings", loc(), key)
			}
			out = append(out, s)
		}
		return out, nil
	}
	if c.ID, err = str("id"); err != nil {
		return nil, true, err
	}
	if c.ID == "" {
		return nil, true, fmt.Errorf("%s: check %s has no custom.id", loc(), pkg)
	}
	if !checkIDPattern.MatchString(c.ID) {
		return nil, true, fmt.Errorf("%s: check id %q is not of the form ABC-123 (upper-case words joined by hyphens)", loc(), c.ID)
	}
	if c.Title == "" {
		return nil, true, fmt.Errorf("%s: check %s has no title", loc(), c.ID)
	}
	sev, err := str("severity")
	if err != nil {
		return nil, true, err
	}
	if c.Severity, err = ParseSeverity(sev); err != nil {
		return nil, true, fmt.Errorf("%s: check %s: %w", loc(), c.ID, err)
	}
	if c.ResourceTypes, err = strs("resource_types"); err != nil {
		return nil, true, err
	}
	if len(c.ResourceTypes) == 0 {
		return nil, true, fmt.Errorf("%s: check %s has no custom.resource_types", loc(), c.ID)
	}
	if c.Remediation, err = str("remediation"); err != nil {
		return nil, true, err
	}
	if c.Aliases, err = strs("aliases"); err != nil {
		return nil, true, err
	}
	if c.Requires, err = strs("requires"); err != nil {
		return nil, true, err
	}
	hasDeny := false
	for _, r := range p.module.Rules {
		switch r.Head.Ref().String() {
		case "deny":
			hasDeny = true
		case "applicable":
			c.hasApplicable = true
		case "missing":
			c.hasMissing = true
		}
	}
	if !hasDeny {
		// Without one, nothing could ever fail: the check would pass everything.
		return nil, true, fmt.Errorf("%s: check %s has no deny rule", loc(), c.ID)
	}
	return c, true, nil
}

// regoMessage gives the first error of an OPA error list on one line, without
// OPA's "N errors occurred:" preamble.
func regoMessage(err error) string {
	var errs ast.Errors
	if errors.As(err, &errs) && len(errs) > 0 {
		return regoError(errs).Error()
	}
	s := oneLine(err.Error())
	if _, rest, ok := strings.Cut(s, " occurred: "); ok {
		return rest
	}
	return s
}

func oneLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}
