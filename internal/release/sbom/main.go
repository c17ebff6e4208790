// Command sbom writes the CycloneDX SBOM of a built sdescan binary: `make release`
// runs it on each binary it builds. It reads the module graph Go records in the
// binary (debug/buildinfo), so the SBOM lists exactly the modules that were
// linked, at their versions and go.sum hashes, with the build settings.
//
//	go run ./internal/release/sbom -version 1.2.3 -o dist/sdescan-1.2.3-linux-amd64.cdx.json dist/sdescan-1.2.3-linux-amd64
//
// The output is deterministic: the same binary gives the same bytes. The serial
// number is a name-based UUID of the binary's SHA-256, and there is no timestamp
// unless SOURCE_DATE_EPOCH is set (then it is that instant, in UTC).
//
// It lives under internal/ so that nothing imports it; it is never linked into
// sdescan.
package main

import (
	"bytes"
	"crypto/sha256"
	"debug/buildinfo"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"
	"github.com/google/uuid"
)

func main() {
	version := flag.String("version", "", "the release version (default: the main module's version in the binary)")
	out := flag.String("o", "", "write the SBOM to `FILE` (default stdout)")
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "usage: sbom [-version V] [-o FILE] BINARY")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(flag.Arg(0), *version, *out, os.Getenv("SOURCE_DATE_EPOCH")); err != nil {
		fmt.Fprintln(os.Stderr, "sbom:", err)
		os.Exit(1)
	}
}

func run(binary, version, out, epoch string) error {
	data, err := os.ReadFile(binary)
	if err != nil {
		return err
	}
	info, err := buildinfo.Read(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("%s: no Go build information: %w", binary, err)
	}
	bom, err := build(info, sha256.Sum256(data), version, epoch)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := encode(&buf, bom); err != nil {
		return err
	}
	if out == "" {
		_, err = os.Stdout.Write(buf.Bytes())
		return err
	}
	return os.WriteFile(out, buf.Bytes(), 0o644)
}

func encode(w io.Writer, bom *cdx.BOM) error {
	enc := cdx.NewBOMEncoder(w, cdx.BOMFileFormatJSON)
	enc.SetPretty(true)
	return enc.EncodeVersion(bom, cdx.SpecVersion1_6)
}

// purl is the package URL of a Go module.
func purl(path, version string) string {
	if version == "" {
		return "pkg:golang/" + path
	}
	return "pkg:golang/" + path + "@" + version
}

// build makes the SBOM of the binary whose build information is info and whose
// SHA-256 is sum.
func build(info *debug.BuildInfo, sum [sha256.Size]byte, version, epoch string) (*cdx.BOM, error) {
	if info.Main.Path == "" {
		return nil, errors.New("the binary records no main module")
	}
	if version == "" {
		version = info.Main.Version
	}
	digest := hex.EncodeToString(sum[:])
	bom := cdx.NewBOM()
	bom.SerialNumber = "urn:uuid:" + uuid.NewSHA1(uuid.NameSpaceURL, []byte("sha256:"+digest)).String()

	name := info.Main.Path[strings.LastIndex(info.Main.Path, "/")+1:]
	rootRef := purl(info.Main.Path, version)
	var settings []cdx.Property
	for _, s := range info.Settings {
		settings = append(settings, cdx.Property{Name: "go:build:" + s.Key, Value: s.Value})
	}
	settings = append(settings, cdx.Property{Name: "go:toolchain", Value: info.GoVersion})
	root := cdx.Component{
		BOMRef:     rootRef,
		Type:       cdx.ComponentTypeApplication,
		Name:       name,
		Version:    version,
		PackageURL: rootRef,
		Hashes:     &[]cdx.Hash{{Algorithm: cdx.HashAlgoSHA256, Value: digest}},
		Licenses:   &cdx.Licenses{{License: &cdx.License{ID: "Apache-2.0"}}},
		Properties: &settings,
	}
	meta := &cdx.Metadata{
		Component: &root,
		Tools: &cdx.ToolsChoice{Components: &[]cdx.Component{{
			Type:    cdx.ComponentTypeApplication,
			Name:    info.Main.Path + "/internal/release/sbom",
			Version: version,
		}}},
	}
	if epoch != "" {
		sec, err := strconv.ParseInt(epoch, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("SOURCE_DATE_EPOCH %q: not a number of seconds", epoch)
		}
		meta.Timestamp = time.Unix(sec, 0).UTC().Format(time.RFC3339)
	}
	bom.Metadata = meta

	goVersion := strings.TrimPrefix(info.GoVersion, "go")
	if i := strings.IndexAny(goVersion, " -"); i >= 0 { // "1.26.8-X:jsonv2": the experiments are not part of the version
		goVersion = goVersion[:i]
	}
	stdRef := purl("stdlib", "v"+goVersion)
	components := []cdx.Component{{
		BOMRef:     stdRef,
		Type:       cdx.ComponentTypeLibrary,
		Name:       "stdlib",
		Version:    "v" + goVersion,
		PackageURL: stdRef,
		Licenses:   &cdx.Licenses{{License: &cdx.License{ID: "BSD-3-Clause"}}},
	}}
	seen := map[string]bool{stdRef: true}
	for _, m := range info.Deps {
		c := module(m)
		if seen[c.BOMRef] {
			continue
		}
		seen[c.BOMRef] = true
		components = append(components, c)
	}
	sort.SliceStable(components[1:], func(i, j int) bool { return components[1+i].BOMRef < components[1+j].BOMRef })
	bom.Components = &components

	refs := make([]string, len(components))
	for i, c := range components {
		refs[i] = c.BOMRef
	}
	// Go records which modules were linked, not which module required which:
	// the main module depends on each of them.
	bom.Dependencies = &[]cdx.Dependency{{Ref: rootRef, Dependencies: &refs}}
	return bom, nil
}

// module is the component of one linked module; a replaced module is listed as
// its replacement, with the module it replaces in a property.
func module(m *debug.Module) cdx.Component {
	path, version, sum := m.Path, m.Version, m.Sum
	var props []cdx.Property
	if m.Replace != nil {
		props = append(props, cdx.Property{Name: "go:module:replaces", Value: purl(m.Path, m.Version)})
		path, version, sum = m.Replace.Path, m.Replace.Version, m.Replace.Sum
	}
	if sum != "" {
		props = append(props, cdx.Property{Name: "go:module:sum", Value: sum})
	}
	c := cdx.Component{
		BOMRef:     purl(path, version),
		Type:       cdx.ComponentTypeLibrary,
		Name:       path,
		Version:    version,
		PackageURL: purl(path, version),
	}
	if len(props) > 0 {
		c.Properties = &props
	}
	return c
}
