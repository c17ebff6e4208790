package engine

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/checks/limits"
)

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
func readPolicies(sources []checks.PolicySource) ([]parsedPolicy, error) {
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

// checkRules says which of the optional rules a check's package defines.
type checkRules struct{ applicable, missing bool }

// checkFromModule reads the check metadata of a module in the check namespace,
// and which optional rules it defines; ok is false for library modules outside it.
func checkFromModule(p parsedPolicy) (c *checks.Check, rules checkRules, ok bool, err error) {
	pkg := p.module.Package.Path.String()
	if !strings.HasPrefix(pkg, checkPackagePrefix) {
		// A library. One that names a check ID would never run as a check:
		// say so rather than leave the user believing it judged anything.
		for _, a := range p.module.Annotations {
			if _, id := a.Custom["id"]; id && a.Scope == "package" {
				return nil, checkRules{}, false, fmt.Errorf("%s:%d: package %s has a check ID in its METADATA but is not under %s: it would never run (name the package %s<name>)",
					p.file, p.module.Package.Location.Row, pkg, strings.Trim(strings.TrimPrefix(checkPackagePrefix, "data."), "."), strings.TrimPrefix(checkPackagePrefix, "data."))
			}
		}
		return nil, checkRules{}, false, nil
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
		return nil, checkRules{}, true, fmt.Errorf("%s: package %s has no METADATA annotation (title and custom.id, severity, resource_types are required)", loc(), pkg)
	}
	if ann.Location != nil {
		loc = func() string { return fmt.Sprintf("%s:%d", p.file, ann.Location.Row) }
	}
	c = &checks.Check{Title: strings.TrimSpace(ann.Title), Description: strings.TrimSpace(ann.Description), File: p.file, Package: pkg}
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
		return nil, checkRules{}, true, err
	}
	if c.ID == "" {
		return nil, checkRules{}, true, fmt.Errorf("%s: check %s has no custom.id", loc(), pkg)
	}
	if !checkIDPattern.MatchString(c.ID) {
		return nil, checkRules{}, true, fmt.Errorf("%s: check id %q is not of the form ABC-123 (upper-case words joined by hyphens)", loc(), c.ID)
	}
	if c.Title == "" {
		return nil, checkRules{}, true, fmt.Errorf("%s: check %s has no title", loc(), c.ID)
	}
	sev, err := str("severity")
	if err != nil {
		return nil, checkRules{}, true, err
	}
	if c.Severity, err = checks.ParseSeverity(sev); err != nil {
		return nil, checkRules{}, true, fmt.Errorf("%s: check %s: %w", loc(), c.ID, err)
	}
	if c.ResourceTypes, err = strs("resource_types"); err != nil {
		return nil, checkRules{}, true, err
	}
	if len(c.ResourceTypes) == 0 {
		return nil, checkRules{}, true, fmt.Errorf("%s: check %s has no custom.resource_types", loc(), c.ID)
	}
	if c.Remediation, err = str("remediation"); err != nil {
		return nil, checkRules{}, true, err
	}
	if c.Aliases, err = strs("aliases"); err != nil {
		return nil, checkRules{}, true, err
	}
	if c.Requires, err = strs("requires"); err != nil {
		return nil, checkRules{}, true, err
	}
	hasDeny := false
	for _, r := range p.module.Rules {
		switch r.Head.Ref().String() {
		case "deny":
			hasDeny = true
		case "applicable":
			rules.applicable = true
		case "missing":
			rules.missing = true
		}
	}
	if !hasDeny {
		// Without one, nothing could ever fail: the check would pass everything.
		return nil, checkRules{}, true, fmt.Errorf("%s: check %s has no deny rule", loc(), c.ID)
	}
	return c, rules, true, nil
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
