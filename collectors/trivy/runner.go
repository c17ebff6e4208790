package trivy

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	ftypes "github.com/aquasecurity/trivy/pkg/fanal/types"
	"github.com/aquasecurity/trivy/pkg/iac/detection"
	"github.com/aquasecurity/trivy/pkg/iac/rego"
	"github.com/aquasecurity/trivy/pkg/iac/scanners/options"
	tfscanner "github.com/aquasecurity/trivy/pkg/iac/scanners/terraform"
	"github.com/aquasecurity/trivy/pkg/mapfs"
	"github.com/aquasecurity/trivy/pkg/misconf"

	"github.com/sdescan/sdescan/checks"
)

// scanned are the file types Trivy's misconfiguration scanners look at, as
// `trivy config` does by default for these formats. Helm charts are not
// among them: sdescan renders each chart once, within its bounds, and Trivy's
// Kubernetes checks scan what it rendered to.
var scanned = []detection.FileType{
	detection.FileTypeTerraform,
	detection.FileTypeCloudFormation,
	detection.FileTypeKubernetes,
	detection.FileTypeDockerfile,
}

var configTypes = map[detection.FileType]ftypes.ConfigType{
	detection.FileTypeTerraform:      ftypes.Terraform,
	detection.FileTypeCloudFormation: ftypes.CloudFormation,
	detection.FileTypeKubernetes:     ftypes.Kubernetes,
	detection.FileTypeHelm:           ftypes.Helm,
	detection.FileTypeDockerfile:     ftypes.Dockerfile,
}

// The embedded checks are compiled once per process: a Rego scanner is safe to
// share between scanners.
var (
	regoOnce    sync.Once
	regoScanner *rego.Scanner
	regoErr     error
)

func sharedRego() (*rego.Scanner, error) {
	regoOnce.Do(func() {
		regoScanner, regoErr = misconf.InitRegoScanner(misconf.ScannerOption{RegoErrorLimit: 0})
	})
	return regoScanner, regoErr
}

// runTrivy runs Trivy's misconfiguration scanners over the files, offline:
// Terraform over tfs (rewritten with the count and for_each bounds, with the
// modules followed), the others over mfs. Each runs under the scan's deadline.
func (p *parser) runTrivy(ctx context.Context, mfs, tfs *mapfs.FS, opts Options, cfs fs.FS, cfsPaths []string) error {
	res := p.res
	rs, err := sharedRego()
	if err != nil {
		return fmt.Errorf("trivy checks: %w", err)
	}
	for _, t := range scanned {
		var mis []ftypes.Misconfiguration
		var err error
		if !bounded(ctx, func() {
			if t == detection.FileTypeTerraform {
				mis, err = scanTerraform(ctx, tfs, p.tf.base, rs, cfs, cfsPaths)
				return
			}
			var s *misconf.Scanner
			s, err = misconf.NewScanner(t, misconf.ScannerOption{RegoScanner: rs, RegoErrorLimit: 0})
			if err == nil {
				mis, err = s.Scan(ctx, mfs)
			}
		}) {
			p.holes(t, p.lim.timeBound("Trivy's "+string(t)+" checks"))
			continue
		}
		if err != nil {
			// A scanner that breaks is a hole, never a pass: every file of
			// its type is not assessed.
			p.holes(t, "Trivy "+string(t)+" scanner: "+oneLine(err.Error()))
			continue
		}
		for _, m := range mis {
			if t == detection.FileTypeTerraform {
				m.FilePath = p.tfRel(m.FilePath)
			}
			for _, f := range m.Failures {
				if t == detection.FileTypeTerraform {
					for i := range f.Occurrences {
						f.Occurrences[i].Filename = p.tfRel(f.Occurrences[i].Filename)
					}
				}
				res.add(opts.Prefix, m, f)
			}
		}
	}
	return nil
}

// holes records every file of type t Trivy did not assess, with the reason.
func (p *parser) holes(t detection.FileType, reason string) {
	kind := EntryError
	if strings.Contains(reason, "time bound") {
		kind = EntryNotAssessed
	}
	var list []string
	for f, k := range p.kinds {
		helm := t == detection.FileTypeKubernetes && k == KindHelm && p.rendered[p.chartOf(f)] != nil
		if (k == kindOf(t) || helm) && !p.excluded[f] {
			list = append(list, f)
		}
	}
	sort.Strings(list)
	for _, f := range list {
		p.refuse(f, kind, reason)
	}
}

// tfvarsFS maps --tf-vars files (anywhere) into a file system, as Trivy does.
func tfvarsFS(tfvars []string) (fs.FS, []string, error) {
	if len(tfvars) == 0 {
		return nil, nil, nil
	}
	cfs := mapfs.New()
	var paths []string
	for _, v := range tfvars {
		a, err := filepath.Abs(v)
		if err != nil {
			return nil, nil, err
		}
		if _, err := os.Stat(a); err != nil {
			return nil, nil, fmt.Errorf("--tf-vars %s: %w", v, err)
		}
		vp := strings.TrimPrefix(filepath.ToSlash(a), "/")
		if len(vp) > 2 && vp[1] == ':' { // Windows drive
			vp = vp[3:]
		}
		if err := cfs.MkdirAll(path.Dir(vp), 0o755); err != nil {
			return nil, nil, err
		}
		if err := cfs.WriteFile(vp, a); err != nil {
			return nil, nil, err
		}
		paths = append(paths, vp)
	}
	return cfs, paths, nil
}

// scanTerraform is misconf's Terraform scan with remote module downloads off.
func scanTerraform(ctx context.Context, mfs *mapfs.FS, dir string, rs *rego.Scanner, cfs fs.FS, cfsPaths []string) ([]ftypes.Misconfiguration, error) {
	so := []options.ScannerOption{
		rego.WithRegoScanner(rs),
		options.WithScanRawConfig(false),
		tfscanner.ScannerWithAllDirectories(true),
		tfscanner.ScannerWithDownloadsAllowed(false),
		tfscanner.ScannerWithStopOnHCLError(false),
	}
	if len(cfsPaths) > 0 {
		so = append(so, tfscanner.ScannerWithTFVarsPaths(cfsPaths...), tfscanner.ScannerWithConfigsFileSystem(cfs))
	}
	s := tfscanner.New(so...)
	results, err := s.ScanFS(ctx, mfs, dir)
	if err != nil {
		return nil, err
	}
	return misconf.ResultsToMisconf(ftypes.Terraform, s.Name(), results), nil
}

// trivyType is the resource type a Trivy finding is on, by the file's type.
func trivyType(t ftypes.ConfigType) string {
	switch t {
	case ftypes.Terraform:
		return TypeTerraformResource
	case ftypes.CloudFormation:
		return TypeCloudFormationResource
	case ftypes.Kubernetes, ftypes.Helm:
		return TypeKubernetesObject
	case ftypes.Dockerfile:
		return TypeDockerfile
	}
	return TypeFile
}

func kindOf(t detection.FileType) string {
	switch t {
	case detection.FileTypeTerraform:
		return KindTerraform
	case detection.FileTypeCloudFormation:
		return KindCloudFormation
	case detection.FileTypeKubernetes:
		return KindKubernetes
	case detection.FileTypeHelm:
		return KindHelm
	case detection.FileTypeDockerfile:
		return KindDockerfile
	}
	return string(t)
}

func severity(s string) checks.Severity {
	switch strings.ToUpper(s) {
	case "CRITICAL":
		return checks.Critical
	case "HIGH":
		return checks.High
	case "MEDIUM":
		return checks.Medium
	}
	return checks.Low
}

// add records one failure of a Trivy check.
func (r *Result) add(prefix string, m ftypes.Misconfiguration, f ftypes.MisconfResult) {
	id := f.ID
	if id == "" {
		id = strings.TrimPrefix(f.AVDID, "AVD-")
	}
	file := m.FilePath
	// Helm and module results name the file they come from.
	if len(f.Occurrences) > 0 && f.CauseMetadata.Resource == "" && f.Occurrences[0].Filename != "" {
		file = f.Occurrences[0].Filename
	}
	mc := Misconfiguration{
		CheckID:    id,
		Aliases:    aliases(id, f.AVDID, f.Aliases),
		Path:       display(prefix, filepath.ToSlash(file)),
		Resource:   f.CauseMetadata.Resource,
		StartLine:  f.CauseMetadata.StartLine,
		EndLine:    f.CauseMetadata.EndLine,
		Message:    f.Message,
		Severity:   severity(f.Severity),
		Resolution: f.RecommendedActions,
		FileType:   string(m.FileType),
	}
	r.Misconfigurations = append(r.Misconfigurations, mc)
	if _, ok := r.Checks[id]; !ok {
		r.Checks[id] = &checks.Check{
			ID:            id,
			Title:         f.Title,
			Description:   f.Description,
			Severity:      mc.Severity,
			ResourceTypes: []string{trivyType(m.FileType)},
			Remediation:   f.RecommendedActions,
			Aliases:       mc.Aliases,
			File:          "trivy:" + f.Namespace,
			Package:       f.Namespace,
		}
	}
}

// aliases are the other names of a Trivy check: its AVD- form and Trivy's own aliases.
func aliases(id, avd string, more []string) []string {
	seen := map[string]bool{id: true}
	var out []string
	for _, a := range append([]string{"AVD-" + id, avd}, more...) {
		if a == "" || seen[a] {
			continue
		}
		seen[a] = true
		out = append(out, a)
	}
	return out
}

func oneLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}
