package trivy

import (
	"archive/tar"
	"bufio"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"time"

	trivydb "github.com/aquasecurity/trivy-db/pkg/db"
	"github.com/aquasecurity/trivy-db/pkg/metadata"
	dbtypes "github.com/aquasecurity/trivy-db/pkg/types"
	"github.com/aquasecurity/trivy/pkg/cache"
	"github.com/aquasecurity/trivy/pkg/clock"
	"github.com/aquasecurity/trivy/pkg/db"
	"github.com/aquasecurity/trivy/pkg/fanal/analyzer"
	"github.com/aquasecurity/trivy/pkg/fanal/applier"
	"github.com/aquasecurity/trivy/pkg/fanal/artifact"
	imageartifact "github.com/aquasecurity/trivy/pkg/fanal/artifact/image"
	localartifact "github.com/aquasecurity/trivy/pkg/fanal/artifact/local"
	fimage "github.com/aquasecurity/trivy/pkg/fanal/image"
	ftypes "github.com/aquasecurity/trivy/pkg/fanal/types"
	"github.com/aquasecurity/trivy/pkg/fanal/walker"
	"github.com/aquasecurity/trivy/pkg/scan/langpkg"
	"github.com/aquasecurity/trivy/pkg/scan/local"
	"github.com/aquasecurity/trivy/pkg/scan/ospkg"
	"github.com/aquasecurity/trivy/pkg/scan/utils"
	"github.com/aquasecurity/trivy/pkg/types"
	"github.com/aquasecurity/trivy/pkg/vulnerability"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/checks/evidence"
)

// The collector and resource type of container image scans (docs/images.md).
const (
	ImageSource = "image"
	TypeImage   = "image.container"
)

// Input kinds of `sdescan image`.
const (
	ImageDockerArchive = "docker-archive" // a `docker save` tarball
	ImageOCILayout     = "oci-layout"     // an OCI image layout directory
	ImageOCIArchive    = "oci-archive"    // an OCI image layout in a tar file
	ImageRootFS        = "rootfs"         // an unpacked root file system
	ImageRegistry      = "registry"       // a registry reference (online)
)

// NoDBReason is why vulnerabilities are not assessed without --db.
const NoDBReason = "no vulnerability database given (--db PATH); sdescan never downloads one"

// ImageOptions tune an image scan.
type ImageOptions struct {
	// DB is a directory holding trivy.db (or Trivy's cache directory holding
	// db/trivy.db). Empty: vulnerabilities are not assessed.
	DB string
	// AsOf is the assessment time: end-of-life is judged at it (default now).
	AsOf time.Time
	// Remote allows registry references (the only network access).
	Remote bool
}

// NotImageError is an input that is not a container image, an OCI layout or a
// directory: bad input, never a collector error.
type NotImageError struct {
	Ref    string
	Reason string
}

func (e *NotImageError) Error() string {
	return e.Ref + ": not a container image (" + e.Reason + ")"
}

// ImagePackage is one installed package.
type ImagePackage struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	Type    string `json:"type"`
}

// ImageSecret is one secret Trivy's secret scanner found. The secret and the
// line holding it are never kept.
type ImageSecret struct {
	RuleID   string `json:"rule_id"`
	Category string `json:"category"`
	Severity string `json:"severity"`
	Title    string `json:"title"`
	Path     string `json:"path"`
	Line     int    `json:"line"`
	Layer    string `json:"layer,omitempty"`
}

// ImageVuln is one vulnerability of an installed package.
type ImageVuln struct {
	ID               string `json:"id"`
	Package          string `json:"package"`
	InstalledVersion string `json:"installed_version"`
	FixedVersion     string `json:"fixed_version"`
	Severity         string `json:"severity"`
}

// ImageResult is what one image scan found.
type ImageResult struct {
	Ref         string // as the operator gave it
	Kind        string
	ImageID     string // sha256:… of the config; empty for a root file system
	RepoTags    []string
	RepoDigests []string
	BaseName    string // org.opencontainers.image.base.name
	BaseDigest  string // org.opencontainers.image.base.digest

	OSFamily, OSVersion string
	EOLKnown, EOL       bool

	UserKnown    bool
	User         string
	ExposedPorts []string

	Packages []ImagePackage
	Secrets  []ImageSecret

	VulnsScanned bool
	VulnsReason  string // why vulnerabilities were not assessed
	// DBUpdatedAt is when the vulnerability database scanned with was built
	// (zero: it has no metadata.json, so its age is unknown).
	DBUpdatedAt time.Time
	Vulns       []ImageVuln

	// SBOM is the CycloneDX SBOM (JSON), deterministic for the same image and AsOf.
	SBOM []byte
	// SBOMRef is where the SBOM was kept as evidence (set by the caller).
	SBOMRef *checks.EvidenceRef

	// Failure says why the image could not be analysed (an unreadable layer, an
	// analyzer failure): the image gives no facts and its checks are not assessed.
	Failure string

	Elapsed time.Duration
}

// SBOMPath is the evidence path of the SBOM: evidence/image/<sha256 of the image ID>.cdx.json
// (of the SBOM itself for a root file system).
func (r *ImageResult) SBOMPath() string {
	key := r.ImageID
	if key == "" {
		key = string(r.SBOM)
	}
	sum := sha256.Sum256([]byte(key))
	return evidence.Prefix + "image/" + hex.EncodeToString(sum[:]) + ".cdx.json"
}

// dbMu serialises scans with a vulnerability database: trivy-db keeps one
// process-wide connection.
var dbMu sync.Mutex

// ResolveDB finds trivy.db under the directory the operator gave: DIR/trivy.db or
// DIR/db/trivy.db (Trivy's cache directory). It returns the directory holding it.
func ResolveDB(dir string) (string, error) {
	if st, err := os.Stat(dir); err == nil && !st.IsDir() && filepath.Base(dir) == "trivy.db" {
		return filepath.Dir(dir), nil
	}
	for _, d := range []string{dir, filepath.Join(dir, "db")} {
		if st, err := os.Stat(filepath.Join(d, "trivy.db")); err == nil && st.Mode().IsRegular() {
			return d, nil
		}
	}
	return "", fmt.Errorf("--db %s: no trivy.db in it or in %s", dir, filepath.Join(dir, "db"))
}

// disabledImageAnalyzers are analyzers sdescan does not run: misconfiguration and
// licence files (not checked), the Java archive analyzer (it needs Trivy's Java
// DB, which would be downloaded), and those `trivy image` also leaves off by default.
func disabledImageAnalyzers() []analyzer.Type {
	out := []analyzer.Type{
		analyzer.TypeApkCommand, analyzer.TypeLicenseFile, analyzer.TypeJar,
		analyzer.TypeHistoryDockerfile, analyzer.TypeExecutable, analyzer.TypeRpmArchive,
		analyzer.TypeSBOM,
	}
	out = append(out, analyzer.TypeConfigFiles...)
	out = append(out, analyzer.TypeLockfiles...)
	return out
}

// ScanImage scans one image offline (a registry reference needs opts.Remote):
// OS, end-of-life, packages, user, ports, secrets and, with a database,
// vulnerabilities. An input that is not an image is a *NotImageError; a failure
// while analysing a readable image is recorded in Failure, not returned.
func ScanImage(ctx context.Context, ref string, opts ImageOptions) (*ImageResult, error) {
	start := time.Now()
	asOf := opts.AsOf
	if asOf.IsZero() {
		asOf = time.Now().UTC()
	}
	ctx = clock.With(ctx, asOf)
	res := &ImageResult{Ref: ref}

	var dbDir string
	if opts.DB != "" {
		d, err := ResolveDB(opts.DB)
		if err != nil {
			return nil, err
		}
		dbDir = d
	}

	kind, target, cleanup, err := openInput(ref, opts.Remote)
	if err != nil {
		return nil, err
	}
	defer cleanup()
	res.Kind = kind

	c := cache.NewMemoryCache()
	aopt := artifact.Option{
		DisabledAnalyzers: disabledImageAnalyzers(),
		Offline:           true,
		Parallel:          1,
		NoProgress:        true,
	}
	var art artifact.Artifact
	var img ftypes.Image
	switch kind {
	case ImageRootFS:
		aopt.Type = ftypes.TypeFilesystem
		art, err = localartifact.NewArtifact(target, c, walker.NewFS(), aopt)
	case ImageRegistry:
		aopt.Offline = false
		var clean func()
		img, clean, err = fimage.NewContainerImage(ctx, target, ftypes.ImageOptions{ImageSources: ftypes.ImageSources{ftypes.RemoteImageSource}})
		if err != nil {
			return nil, fmt.Errorf("%s: %s", ref, oneLine(err.Error()))
		}
		defer clean()
		art, err = imageartifact.NewArtifact(img, c, aopt)
	default:
		img, err = fimage.NewArchiveImage(target)
		if err != nil {
			// Trivy tries Docker then OCI: the error of the kind it is tells.
			msg := flatten(err.Error())
			if parts := strings.Split(msg, " * "); len(parts) == 3 {
				msg = parts[1]
				if kind != ImageDockerArchive {
					msg = parts[2]
				}
			}
			return nil, &NotImageError{Ref: ref, Reason: "unreadable " + kind + ": " + msg}
		}
		art, err = imageartifact.NewArtifact(img, c, aopt)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", ref, err)
	}
	if img != nil {
		readAnnotations(img, res)
	}

	aref, err := art.Inspect(ctx)
	if err != nil {
		res.Failure = "image analysis failed: " + flatten(err.Error())
		res.Elapsed = time.Since(start)
		return res, nil
	}
	defer func() { _ = art.Clean(aref) }()
	if kind != ImageRootFS {
		res.ImageID = aref.ImageMetadata.ID
		res.RepoTags = sortedCopy(aref.ImageMetadata.RepoTags)
		res.RepoDigests = sortedCopy(aref.ImageMetadata.RepoDigests)
		res.UserKnown = true
		res.User = aref.ImageMetadata.ConfigFile.Config.User
		for p := range aref.ImageMetadata.ConfigFile.Config.ExposedPorts {
			res.ExposedPorts = append(res.ExposedPorts, p)
		}
		sort.Strings(res.ExposedPorts)
	}
	if res.ExposedPorts == nil {
		res.ExposedPorts = []string{}
	}

	svc := local.NewService(applier.NewApplier(c), ospkg.NewScanner(), langpkg.NewScanner(), vulnerability.NewClient(trivydb.Config{}))
	sopts := types.ScanOptions{
		PkgTypes:         []string{types.PkgTypeOS, types.PkgTypeLibrary},
		PkgRelationships: ftypes.Relationships,
		Scanners:         types.Scanners{types.SBOMScanner, types.SecretScanner},
		// As `trivy image` by default: the data source's severity, else NVD's.
		VulnSeveritySources: []dbtypes.SourceID{"auto"},
	}
	var resp types.ScanResponse
	switch {
	case dbDir == "":
		res.VulnsReason = NoDBReason
	default:
		vopts := sopts
		vopts.Scanners = append(types.Scanners{types.VulnerabilityScanner}, sopts.Scanners...)
		resp, res.DBUpdatedAt, err = scanWithDB(ctx, svc, dbDir, aref, vopts)
		if err != nil {
			res.VulnsReason = "vulnerability detection failed: " + flatten(err.Error())
		} else {
			res.VulnsScanned = true
		}
	}
	if !res.VulnsScanned {
		resp, err = svc.Scan(ctx, aref.Name, aref.ID, aref.BlobIDs, sopts)
		if err != nil {
			res.Failure = "image analysis failed: " + flatten(err.Error())
			res.Elapsed = time.Since(start)
			return res, nil
		}
	}

	if resp.OS.Detected() {
		res.OSFamily, res.OSVersion = string(resp.OS.Family), resp.OS.Name
		res.EOLKnown, res.EOL = endOfLife(ctx, resp.OS, asOf)
	}
	res.collect(resp.Results)
	if res.VulnsScanned && resp.OS.Detected() && resp.OS.Family.HasOSPackages() {
		if _, ok := eolDrivers[resp.OS.Family]; !ok {
			res.VulnsScanned = false
			res.Vulns = nil
			res.VulnsReason = "Trivy cannot detect vulnerabilities of " + string(resp.OS.Family) + " packages"
		}
	}
	sbom, err := buildSBOM(ctx, ref, aref, resp, asOf)
	if err != nil {
		res.Failure = "SBOM: " + flatten(err.Error())
	}
	res.SBOM = sbom
	res.Elapsed = time.Since(start)
	return res, nil
}

// scanWithDB runs Trivy's scan with the operator's database opened read-only.
// It returns when the database was built (its metadata.json's UpdatedAt; zero
// when the database has no metadata.json), which IMG-002 judges.
func scanWithDB(ctx context.Context, svc local.Service, dbDir string, aref artifact.Reference, o types.ScanOptions) (resp types.ScanResponse, updated time.Time, err error) {
	dbMu.Lock()
	defer dbMu.Unlock()
	if _, err := os.Stat(metadata.Path(dbDir)); err == nil {
		meta, err := metadata.NewClient(dbDir).Get()
		if err != nil {
			return resp, updated, fmt.Errorf("cannot read %s: %w", metadata.Path(dbDir), err)
		}
		if meta.Version != trivydb.SchemaVersion {
			return resp, updated, fmt.Errorf("the database has schema %d; this sdescan (Trivy %s) reads schema %d", meta.Version, trivyVersion(), trivydb.SchemaVersion)
		}
		updated = meta.UpdatedAt.UTC()
	}
	if err := db.Init(dbDir); err != nil {
		return resp, updated, fmt.Errorf("cannot open %s: %w", db.Path(dbDir), err)
	}
	defer func() { _ = db.Close() }()
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	resp, err = svc.Scan(ctx, aref.Name, aref.ID, aref.BlobIDs, o)
	return resp, updated, err
}

// collect turns Trivy's results into facts, sorted.
func (r *ImageResult) collect(results types.Results) {
	r.Packages, r.Secrets = []ImagePackage{}, []ImageSecret{}
	if r.VulnsScanned {
		r.Vulns = []ImageVuln{}
	}
	for _, res := range results {
		switch res.Class {
		case types.ClassOSPkg, types.ClassLangPkg:
			for _, p := range res.Packages {
				r.Packages = append(r.Packages, ImagePackage{Name: p.Name, Version: utils.FormatVersion(p), Type: string(res.Type)})
			}
			if r.VulnsScanned {
				for _, v := range res.Vulnerabilities {
					r.Vulns = append(r.Vulns, ImageVuln{ID: v.VulnerabilityID, Package: v.PkgName, InstalledVersion: v.InstalledVersion, FixedVersion: v.FixedVersion, Severity: strings.ToUpper(v.Severity)})
				}
			}
		case types.ClassSecret:
			for _, s := range res.Secrets {
				p := res.Target
				if !strings.HasPrefix(p, "/") {
					p = "/" + p
				}
				r.Secrets = append(r.Secrets, ImageSecret{RuleID: s.RuleID, Category: string(s.Category), Severity: strings.ToUpper(s.Severity), Title: s.Title, Path: p, Line: s.StartLine, Layer: s.Layer.DiffID})
			}
		}
	}
	sort.Slice(r.Packages, func(i, j int) bool {
		a, b := r.Packages[i], r.Packages[j]
		if a.Type != b.Type {
			return a.Type < b.Type
		}
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return a.Version < b.Version
	})
	sort.Slice(r.Secrets, func(i, j int) bool {
		a, b := r.Secrets[i], r.Secrets[j]
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.RuleID < b.RuleID
	})
	sort.Slice(r.Vulns, func(i, j int) bool {
		a, b := r.Vulns[i], r.Vulns[j]
		if a.ID != b.ID {
			return a.ID < b.ID
		}
		if a.Package != b.Package {
			return a.Package < b.Package
		}
		return a.InstalledVersion < b.InstalledVersion
	})
}

// readAnnotations reads the base image annotations of the image manifest.
func readAnnotations(img ftypes.Image, r *ImageResult) {
	m, err := img.Manifest()
	if err != nil || m == nil {
		return
	}
	r.BaseName = m.Annotations["org.opencontainers.image.base.name"]
	r.BaseDigest = m.Annotations["org.opencontainers.image.base.digest"]
}

// openInput decides what the reference is and returns the path Trivy opens.
func openInput(ref string, remote bool) (kind, target string, cleanup func(), err error) {
	cleanup = func() {}
	st, statErr := os.Stat(ref)
	if statErr != nil {
		if errors.Is(statErr, os.ErrNotExist) && looksLikeRegistryRef(ref) {
			if !remote {
				return "", "", cleanup, fmt.Errorf("%s: no such file or directory, and registry references need network access", ref)
			}
			return ImageRegistry, ref, cleanup, nil
		}
		var pe *os.PathError
		if errors.As(statErr, &pe) {
			statErr = pe.Err
		}
		return "", "", cleanup, fmt.Errorf("%s: %w", ref, statErr)
	}
	if st.IsDir() {
		if fileExists(filepath.Join(ref, "index.json")) && fileExists(filepath.Join(ref, "oci-layout")) {
			return ImageOCILayout, ociPath(ref), cleanup, nil
		}
		return ImageRootFS, ref, cleanup, nil
	}
	if !st.Mode().IsRegular() {
		return "", "", cleanup, &NotImageError{Ref: ref, Reason: "not a regular file or directory"}
	}
	names, err := tarNames(ref)
	if err != nil {
		return "", "", cleanup, &NotImageError{Ref: ref, Reason: "not a tar archive"}
	}
	switch {
	case names["manifest.json"]:
		return ImageDockerArchive, ref, cleanup, nil
	case names["index.json"]:
		dir, err := os.MkdirTemp("", "sdescan-oci-")
		if err != nil {
			return "", "", cleanup, err
		}
		cleanup = func() { _ = os.RemoveAll(dir) }
		if err := extractTar(ref, dir); err != nil {
			cleanup()
			return "", "", func() {}, &NotImageError{Ref: ref, Reason: "unreadable OCI archive: " + err.Error()}
		}
		return ImageOCIArchive, ociPath(dir), cleanup, nil
	}
	return "", "", cleanup, &NotImageError{Ref: ref, Reason: "no manifest.json or index.json"}
}

// ociPath hides ':' and '@' from Trivy, which reads them as a tag or digest suffix.
func ociPath(p string) string {
	if !strings.ContainsAny(p, ":@") {
		return p
	}
	if rel, err := filepath.Rel(".", p); err == nil && !strings.ContainsAny(rel, ":@") {
		return rel
	}
	return p
}

func looksLikeRegistryRef(ref string) bool {
	if strings.ContainsAny(ref, " \\") || strings.HasPrefix(ref, ".") || strings.HasPrefix(ref, "/") {
		return false
	}
	return !strings.HasSuffix(ref, ".tar") && !strings.HasSuffix(ref, ".tgz") && !strings.HasSuffix(ref, ".tar.gz")
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}

// openMaybeGzip opens a file, decompressing it when it is gzip.
func openMaybeGzip(file string) (io.Reader, func(), error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, nil, err
	}
	br := bufio.NewReader(f)
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		gz, err := gzip.NewReader(br)
		if err != nil {
			f.Close()
			return nil, nil, err
		}
		return gz, func() { gz.Close(); f.Close() }, nil
	}
	return br, func() { f.Close() }, nil
}

// tarNames lists the top-level file names of a tar archive.
func tarNames(file string) (map[string]bool, error) {
	r, closeFn, err := openMaybeGzip(file)
	if err != nil {
		return nil, err
	}
	defer closeFn()
	tr := tar.NewReader(r)
	names := map[string]bool{}
	n := 0
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		n++
		names[path.Clean(strings.TrimPrefix(h.Name, "./"))] = true
	}
	if n == 0 {
		return nil, errors.New("empty")
	}
	return names, nil
}

// extractTar unpacks an OCI archive's regular files and directories into dir,
// refusing paths that leave it.
func extractTar(file, dir string) error {
	r, closeFn, err := openMaybeGzip(file)
	if err != nil {
		return err
	}
	defer closeFn()
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		name := path.Clean(strings.TrimPrefix(h.Name, "./"))
		if name == "." {
			continue
		}
		if path.IsAbs(name) || name == ".." || strings.HasPrefix(name, "../") {
			return fmt.Errorf("entry %q leaves the archive", h.Name)
		}
		dst := filepath.Join(dir, filepath.FromSlash(name))
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(dst, 0o755); err != nil {
				return err
			}
		case tar.TypeReg:
			if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
				return err
			}
			f, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
			if err != nil {
				return err
			}
			_, err = io.Copy(f, tr)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return err
			}
		}
	}
}

// flatten makes a (multi-line, multi-error) message one short line.
func flatten(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 300 {
		s = s[:297] + "..."
	}
	return s
}

func sortedCopy(in []string) []string {
	out := append([]string{}, in...)
	sort.Strings(out)
	return out
}

// trivyVersion is the version of the Trivy module built in.
func trivyVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == "github.com/aquasecurity/trivy" {
				if d.Replace != nil {
					return d.Replace.Version
				}
				return d.Version
			}
		}
	}
	return "unknown"
}

// ImageFacts are the facts of image scans: one collector run per image, whose
// error (the image could not be analysed) makes the image checks not assessed.
func ImageFacts(tool checks.Version, at time.Time, results []*ImageResult) *checks.Facts {
	f := &checks.Facts{Tool: tool, CollectedAt: at}
	seen := map[string]bool{}
	for _, r := range results {
		run := checks.CollectorRun{Collector: ImageSource, Scope: r.Ref, Started: at, Ended: at, Status: checks.RunOK, Covers: ImageCollector().Covers}
		if r.Failure != "" {
			run.Status = checks.RunFailed
			run.Errors = []checks.CollectError{{Collector: ImageSource, Resource: r.Ref, ResourceTypes: []string{TypeImage}, Message: r.Ref + ": " + r.Failure}}
		}
		f.Runs = append(f.Runs, run)
		if r.Failure != "" {
			continue
		}
		res := r.Resource()
		if seen[res.ID] {
			continue
		}
		seen[res.ID] = true
		f.Resources = append(f.Resources, res)
	}
	f.Normalize()
	return f
}

// Facts are the facts of this one image.
func (r *ImageResult) Facts(tool checks.Version, at time.Time) *checks.Facts {
	return ImageFacts(tool, at, []*ImageResult{r})
}

// Resource is the image as an image.container resource.
func (r *ImageResult) Resource() checks.Resource {
	attrs := map[string]any{
		"reference":     r.Ref,
		"input_kind":    r.Kind,
		"image_id":      r.ImageID,
		"repo_tags":     strList(r.RepoTags),
		"repo_digests":  strList(r.RepoDigests),
		"base_name":     r.BaseName,
		"base_digest":   r.BaseDigest,
		"os_detected":   r.OSFamily != "",
		"os_family":     r.OSFamily,
		"os_version":    r.OSVersion,
		"os_eol_known":  r.EOLKnown,
		"os_eol":        r.EOL,
		"user_known":    r.UserKnown,
		"user":          r.User,
		"exposed_ports": strList(r.ExposedPorts),
	}
	if r.Kind != ImageRegistry {
		// A file or directory: the reference is a path, not an image name.
		attrs["reference"] = ""
	}
	pk := make([]any, 0, len(r.Packages))
	for _, p := range r.Packages {
		pk = append(pk, map[string]any{"name": p.Name, "version": p.Version, "type": p.Type})
	}
	attrs["packages"] = pk
	sec := make([]any, 0, len(r.Secrets))
	for _, s := range r.Secrets {
		sec = append(sec, map[string]any{"rule_id": s.RuleID, "category": s.Category, "severity": s.Severity, "title": s.Title, "path": s.Path, "line": s.Line, "layer": s.Layer})
	}
	attrs["secrets"] = sec
	if r.VulnsScanned {
		vs := make([]any, 0, len(r.Vulns))
		for _, v := range r.Vulns {
			vs = append(vs, map[string]any{"id": v.ID, "package": v.Package, "installed_version": v.InstalledVersion, "fixed_version": v.FixedVersion, "severity": v.Severity})
		}
		attrs["vulnerabilities"] = vs
		dbInfo := map[string]any{"updated_at": nil}
		if !r.DBUpdatedAt.IsZero() {
			dbInfo["updated_at"] = r.DBUpdatedAt.Format(time.RFC3339)
		}
		attrs["vulnerability_db"] = dbInfo
	} else {
		attrs["vulnerabilities_not_assessed"] = r.VulnsReason
	}
	res := checks.Resource{ID: "image:" + r.Ref, Type: TypeImage, Source: ImageSource, Scope: checks.Scope{Path: r.Ref}, Attributes: attrs}
	if r.SBOMRef != nil {
		res.Evidence = []checks.EvidenceRef{*r.SBOMRef}
	}
	return res
}

func strList(in []string) []any {
	out := make([]any, 0, len(in))
	for _, s := range in {
		out = append(out, s)
	}
	return out
}
