// Package trivy is the only package of sdescan that imports Trivy. It scans
// infrastructure as code (Terraform, CloudFormation, Kubernetes, Helm, Dockerfile,
// Compose) offline with Trivy's embedded misconfiguration checks, and parses the
// same files into facts for sdescan's own IAC-… checks (docs/iac.md).
//
// Trivy's Go API is not promised stable: it stays behind Scanner, Options and
// Result, which are ours.
package trivy

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/sdescan/sdescan/checks"
)

// Scanner scans a directory tree of infrastructure code.
type Scanner interface {
	Scan(ctx context.Context, root string, opts Options) (*Result, error)
}

// Options tune a scan.
type Options struct {
	// SkipDirs are directories (relative to the root, slash-separated, glob
	// patterns allowed) not scanned. .git and .terraform are always skipped.
	SkipDirs []string
	// TFVars are extra Terraform variable files (--tf-vars).
	TFVars []string
	// HelmValues are extra Helm values files (--helm-values).
	HelmValues []string
	// Prefix is prepended to every file path reported (the PATH as the user gave
	// it), so that paths are relative to where sdescan ran.
	Prefix string
	// Timeout bounds the whole scan (Helm rendering, Terraform evaluation,
	// Trivy's scanners); what has not ended by then is not assessed. 0:
	// DefaultTimeout.
	Timeout time.Duration
	// MaxInstances bounds the instances one Terraform count or for_each
	// expands to, and MaxTotalInstances those of all the blocks of one module
	// directory; a block beyond is not expanded and not assessed. 0: the
	// defaults.
	MaxInstances, MaxTotalInstances int
	// YAMLBudget bounds the alias-expanded size of every YAML file; a file
	// beyond is parsed by neither sdescan nor Trivy and is not assessed. 0:
	// limits.YAMLExpansion.
	YAMLBudget int64
}

// Entry kinds of a file that could not be (fully) assessed.
const (
	EntryError       = "error"        // the file does not parse
	EntryNotAssessed = "not_assessed" // a part cannot be assessed offline
)

// Entry is a file, or a part of one, that could not be assessed, with the reason.
type Entry struct {
	Path   string `json:"path"`
	Kind   string `json:"kind"`
	Reason string `json:"reason"`
	// Refused marks what sdescan refused to parse, follow or wait for: beyond
	// one of its bounds (YAML aliases, file size, count/for_each instances,
	// Helm loops and output, the time bound), a symbolic link or a local
	// module it could not follow, a scanner that broke. Code beyond a bound
	// may be deployed all the same, so a CI gate (--fail-on) fails on it. A
	// remote module, a file that does not parse or a chart that needs values
	// is not assessed without failing the gate.
	Refused bool `json:"refused,omitempty"`
}

// Misconfiguration is one failure of one of Trivy's own checks.
type Misconfiguration struct {
	CheckID    string   `json:"check_id"`
	Aliases    []string `json:"aliases,omitempty"`
	Path       string   `json:"path"`
	Resource   string   `json:"resource,omitempty"`
	StartLine  int      `json:"start_line,omitempty"`
	EndLine    int      `json:"end_line,omitempty"`
	Message    string   `json:"message"`
	Severity   checks.Severity
	Resolution string `json:"resolution,omitempty"`
	FileType   string `json:"file_type"`
}

// Result is what one scan found.
type Result struct {
	// Files lists the files scanned, by path, with their kind.
	Files map[string]string
	// Resources are the facts parsed from the files, for sdescan's own checks.
	Resources []checks.Resource
	// Misconfigurations are the failures of Trivy's checks, sorted.
	Misconfigurations []Misconfiguration
	// Checks holds the metadata of the Trivy checks that failed, by ID.
	Checks map[string]*checks.Check
	// Entries are the files or parts that could not be assessed.
	Entries []Entry
	// Elapsed is how long the scan took.
	Elapsed time.Duration
}

// New returns the scanner backed by Trivy's misconfiguration scanners.
func New() Scanner { return &trivyScanner{} }

type trivyScanner struct{}

// Scan walks root, parses every IaC file into facts and runs Trivy's checks over it.
func (s *trivyScanner) Scan(ctx context.Context, root string, opts Options) (*Result, error) {
	start := time.Now()
	st, err := os.Stat(root)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", root, err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("%s: not a directory", root)
	}
	files, skippedLinks, err := walk(root, opts.SkipDirs)
	if err != nil {
		return nil, err
	}
	res := &Result{Files: map[string]string{}, Checks: map[string]*checks.Check{}}
	lim := opts.bounds()
	// Trivy's embedded checks are compiled once per process, before the
	// clock starts: they are ours, not the tree's.
	if _, err := sharedRego(); err != nil {
		return nil, fmt.Errorf("trivy checks: %w", err)
	}
	// One deadline for the whole scan: a runaway Helm render, Terraform
	// evaluation or Trivy scanner ends as not assessed, never as clean.
	ctx, cancel := context.WithTimeout(ctx, lim.timeout)
	defer cancel()
	fsys := os.DirFS(root)
	p := &parser{fsys: fsys, root: root, prefix: opts.Prefix, res: res, lim: lim}
	for _, e := range skippedLinks {
		p.refuse(e.Path, e.Kind, e.Reason)
	}
	p.files(files)
	p.followModules()
	p.helmCharts(ctx, opts.HelmValues)
	p.joinNetworkPolicies()
	mfs, err := p.buildFS(files)
	if err != nil {
		return nil, err
	}
	tfs, err := p.terraformFS(files)
	if err != nil {
		return nil, err
	}
	cfs, cfsPaths, err := tfvarsFS(opts.TFVars)
	if err != nil {
		return nil, err
	}
	if err := p.terraform(ctx, tfs, cfs, cfsPaths); err != nil {
		return nil, err
	}
	if err := p.runTrivy(ctx, mfs, tfs, opts, cfs, cfsPaths); err != nil {
		return nil, err
	}
	res.sort()
	res.Elapsed = time.Since(start)
	return res, nil
}

// skipAlways are directory names never scanned.
var skipAlways = map[string]bool{".git": true, ".terraform": true, "node_modules": true}

// walk lists the regular files under root, relative and slash-separated,
// sorted. A symbolic link to a regular file inside root is listed under its own
// name (and read through it); a link that leads outside root, to something
// other than a regular file or directory, nowhere, or round in a loop is an
// entry (not assessed, with the reason), never skipped silently. A link to a
// directory inside root is not followed: its files are scanned where they lie.
func walk(root string, skip []string) ([]string, []Entry, error) {
	var out []string
	var entries []Entry
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", root, err)
	}
	if realRoot, err = filepath.Abs(realRoot); err != nil {
		return nil, nil, err
	}
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if rel != "." && (skipAlways[d.Name()] || skipped(rel, skip)) {
				return filepath.SkipDir
			}
			return nil
		}
		switch {
		case d.Type().IsRegular():
			out = append(out, rel)
		case d.Type()&fs.ModeSymlink != 0:
			if follow, reason := linkTarget(realRoot, p, rel); follow {
				out = append(out, rel)
			} else if reason != "" {
				entries = append(entries, Entry{Path: rel, Kind: EntryNotAssessed, Reason: reason})
			}
		case iacName(rel):
			entries = append(entries, Entry{Path: rel, Kind: EntryNotAssessed, Reason: "not a regular file: not read"})
		}
		return nil
	})
	sort.Strings(out)
	return out, entries, err
}

// linkTarget says whether the symbolic link p (rel under the root) is read as
// a file, and otherwise why not ("" when it does not matter: a link to a
// directory inside the root, or a link whose name is not infrastructure code
// and leads to a file).
func linkTarget(realRoot, p, rel string) (bool, string) {
	target, err := filepath.EvalSymlinks(p)
	if err != nil {
		return false, "symbolic link that does not resolve (" + oneLine(cleanErr(err)) + "): not assessed"
	}
	if target, err = filepath.Abs(target); err != nil {
		return false, "symbolic link: " + err.Error()
	}
	fi, err := os.Stat(target)
	if err != nil {
		return false, "symbolic link that does not resolve (" + oneLine(cleanErr(err)) + "): not assessed"
	}
	r, err := filepath.Rel(realRoot, target)
	inside := err == nil && r != ".." && !strings.HasPrefix(r, ".."+string(filepath.Separator))
	switch {
	case fi.IsDir() && inside:
		return false, ""
	case fi.IsDir():
		return false, "symbolic link to a directory outside the scanned folder (" + target + "): not followed, its files are not assessed"
	case !fi.Mode().IsRegular():
		if !iacName(rel) {
			return false, ""
		}
		return false, "symbolic link to something other than a regular file: not read"
	case !inside:
		if !iacName(rel) {
			return false, ""
		}
		return false, "symbolic link to a file outside the scanned folder (" + target + "): not followed, not assessed"
	}
	return true, ""
}

// iacName says whether a file's name alone makes it infrastructure code (or
// YAML or JSON that may be).
func iacName(rel string) bool {
	lower := strings.ToLower(rel)
	if strings.HasSuffix(lower, ".yaml") || strings.HasSuffix(lower, ".yml") || strings.HasSuffix(lower, ".json") || strings.HasSuffix(lower, ".bicep") {
		return true
	}
	return classify(rel, nil) != ""
}

func cleanErr(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

func skipped(rel string, skip []string) bool {
	for _, s := range skip {
		s = strings.Trim(filepath.ToSlash(s), "/")
		if s == rel {
			return true
		}
		if ok, _ := path.Match(s, rel); ok {
			return true
		}
		if ok, _ := path.Match(s, path.Base(rel)); ok && !strings.Contains(s, "/") {
			return true
		}
	}
	return false
}

// display is a file's path as reported: under the prefix, slash-separated.
func display(prefix, rel string) string {
	if prefix == "" || prefix == "." {
		return rel
	}
	return path.Join(filepath.ToSlash(prefix), rel)
}

func (r *Result) sort() {
	sort.Slice(r.Resources, func(i, j int) bool { return r.Resources[i].ID < r.Resources[j].ID })
	sort.Slice(r.Misconfigurations, func(i, j int) bool {
		a, b := r.Misconfigurations[i], r.Misconfigurations[j]
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		if a.StartLine != b.StartLine {
			return a.StartLine < b.StartLine
		}
		if a.CheckID != b.CheckID {
			return a.CheckID < b.CheckID
		}
		if a.Resource != b.Resource {
			return a.Resource < b.Resource
		}
		return a.Message < b.Message
	})
	sort.Slice(r.Entries, func(i, j int) bool {
		a, b := r.Entries[i], r.Entries[j]
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		return a.Reason < b.Reason
	})
	// Drop duplicate entries (a file reported by two parsers).
	out := r.Entries[:0]
	for i, e := range r.Entries {
		if i > 0 && e == r.Entries[i-1] {
			continue
		}
		out = append(out, e)
	}
	r.Entries = out
}

// Merge adds another result (another root) to r.
func (r *Result) Merge(o *Result) {
	for k, v := range o.Files {
		r.Files[k] = v
	}
	r.Resources = append(r.Resources, o.Resources...)
	r.Misconfigurations = append(r.Misconfigurations, o.Misconfigurations...)
	for k, v := range o.Checks {
		r.Checks[k] = v
	}
	r.Entries = append(r.Entries, o.Entries...)
	r.Elapsed += o.Elapsed
	r.sort()
}
