// Command ociimage builds sdescan's container image as a tarball, without a
// Docker daemon: `make image` runs it on the static linux binary of the release.
//
//	go run ./internal/release/ociimage -binary dist/sdescan-1.2.3-linux-amd64 \
//	    -version 1.2.3 -platform linux/amd64 -o dist/sdescan-1.2.3-linux-amd64.image.tar
//
// The image has two layers: the base (CA certificates copied from the build
// machine, /etc/passwd and /etc/group with the user and group nonroot, 65532, its
// home and /tmp) and the binary at /usr/local/bin/sdescan. Its config runs that
// binary as 65532:65532. Every time stamp is fixed (SOURCE_DATE_EPOCH, else the
// Unix epoch) and every file is owned by root or nonroot with a fixed mode, so one
// binary always gives the same image, byte for byte.
//
// The tarball is both an OCI image layout (oci-layout, index.json, blobs/) and a
// docker save archive (manifest.json naming the same blobs), as `docker save`
// writes since Docker 25: `docker load`, `podman load` and `sdescan image` read it.
//
// It lives under internal/ so that nothing imports it; it is never linked into
// sdescan.
package main

import (
	"archive/tar"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// The unprivileged user the image runs as (the UID distroless images use).
const (
	uid      = 65532
	userName = "nonroot"
	binPath  = "usr/local/bin/sdescan"
	caPath   = "etc/ssl/certs/ca-certificates.crt"
)

type options struct {
	binary, caFile, out, version, platform, repo string
	created                                      time.Time
}

func main() {
	var o options
	flag.StringVar(&o.binary, "binary", "", "the static sdescan `BINARY` for the image's platform")
	flag.StringVar(&o.caFile, "ca", "/etc/ssl/certs/ca-certificates.crt", "the CA certificate bundle (`PEM`) to copy into the image")
	flag.StringVar(&o.out, "o", "", "write the image tarball to `FILE`")
	flag.StringVar(&o.version, "version", "dev", "the version: the image's tag and label")
	flag.StringVar(&o.platform, "platform", "linux/amd64", "the binary's `OS/ARCH`")
	flag.StringVar(&o.repo, "repo", "sdescan", "the image's `NAME` (the tag is NAME:VERSION)")
	flag.Parse()
	if o.binary == "" || o.out == "" || flag.NArg() != 0 {
		fmt.Fprintln(os.Stderr, "usage: ociimage -binary BINARY -o FILE [-version V] [-platform OS/ARCH] [-ca PEM] [-repo NAME]")
		os.Exit(2)
	}
	created, err := sourceDate(os.Getenv("SOURCE_DATE_EPOCH"))
	if err == nil {
		o.created = created
		err = run(o)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "ociimage:", err)
		os.Exit(1)
	}
}

// sourceDate is SOURCE_DATE_EPOCH as a time, or the Unix epoch when unset.
func sourceDate(epoch string) (time.Time, error) {
	if epoch == "" {
		return time.Unix(0, 0).UTC(), nil
	}
	sec, err := strconv.ParseInt(epoch, 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("SOURCE_DATE_EPOCH %q: not a number of seconds", epoch)
	}
	return time.Unix(sec, 0).UTC(), nil
}

func run(o options) error {
	goos, arch, ok := strings.Cut(o.platform, "/")
	if !ok || goos != "linux" {
		return fmt.Errorf("-platform %q: want linux/ARCH (the image runs a linux binary)", o.platform)
	}
	bin, err := os.ReadFile(o.binary)
	if err != nil {
		return err
	}
	ca, err := os.ReadFile(o.caFile)
	if err != nil {
		return fmt.Errorf("CA certificates: %w", err)
	}
	if !bytes.Contains(ca, []byte("-----BEGIN CERTIFICATE-----")) {
		return fmt.Errorf("%s: no PEM certificate in it", o.caFile)
	}
	img, err := build(o, arch, bin, ca)
	if err != nil {
		return err
	}
	tmp := o.out + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	err = write(f, img, o.repo+":"+o.version)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, o.out)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}

// entry is one file or directory of a layer.
type entry struct {
	name     string
	dir      bool
	mode     int64
	uid, gid int
	body     []byte
}

// layerTar is the uncompressed tar of entries, with fixed times and owners.
func layerTar(entries []entry, t time.Time) ([]byte, error) {
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for _, e := range entries {
		h := &tar.Header{Name: e.name, Mode: e.mode, Uid: e.uid, Gid: e.gid, ModTime: t, Format: tar.FormatPAX, Typeflag: tar.TypeReg, Size: int64(len(e.body))}
		if e.dir {
			h.Name, h.Typeflag, h.Size = e.name+"/", tar.TypeDir, 0
		}
		if e.uid == uid {
			h.Uname, h.Gname = userName, userName
		} else {
			h.Uname, h.Gname = "root", "root"
		}
		if err := tw.WriteHeader(h); err != nil {
			return nil, err
		}
		if _, err := tw.Write(e.body); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func layer(entries []entry, t time.Time) (v1.Layer, error) {
	data, err := layerTar(entries, t)
	if err != nil {
		return nil, err
	}
	return tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(data)), nil
	}, tarball.WithMediaType(types.OCILayer), tarball.WithCompressedCaching)
}

func dirs(names ...string) []entry {
	var out []entry
	for _, n := range names {
		out = append(out, entry{name: n, dir: true, mode: 0o755})
	}
	return out
}

// build assembles the image: base layer, binary layer, config.
func build(o options, arch string, bin, ca []byte) (v1.Image, error) {
	passwd := fmt.Sprintf("root:x:0:0:root:/root:/sbin/nologin\n%s:x:%d:%d:%s:/home/%s:/sbin/nologin\n", userName, uid, uid, userName, userName)
	group := fmt.Sprintf("root:x:0:\n%s:x:%d:\n", userName, uid)
	base := append(dirs("etc", "etc/ssl", "etc/ssl/certs", "home"),
		entry{name: caPath, mode: 0o644, body: ca},
		entry{name: "etc/group", mode: 0o644, body: []byte(group)},
		entry{name: "etc/passwd", mode: 0o644, body: []byte(passwd)},
		entry{name: "home/" + userName, dir: true, mode: 0o700, uid: uid, gid: uid},
		entry{name: "root", dir: true, mode: 0o700},
		entry{name: "tmp", dir: true, mode: 0o1777},
	)
	app := append(dirs("usr", "usr/local", "usr/local/bin"), entry{name: binPath, mode: 0o755, body: bin})
	baseLayer, err := layer(base, o.created)
	if err != nil {
		return nil, err
	}
	appLayer, err := layer(app, o.created)
	if err != nil {
		return nil, err
	}
	img := mutate.MediaType(empty.Image, types.OCIManifestSchema1)
	img = mutate.ConfigMediaType(img, types.OCIConfigJSON)
	created := v1.Time{Time: o.created}
	img, err = mutate.Append(img,
		mutate.Addendum{Layer: baseLayer, MediaType: types.OCILayer, History: v1.History{Created: created, CreatedBy: "internal/release/ociimage: CA certificates, user " + userName}},
		mutate.Addendum{Layer: appLayer, MediaType: types.OCILayer, History: v1.History{Created: created, CreatedBy: "internal/release/ociimage: /" + binPath}},
	)
	if err != nil {
		return nil, err
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cf = cf.DeepCopy()
	cf.Architecture, cf.OS, cf.Created = arch, "linux", created
	cf.Config = v1.Config{
		User:       fmt.Sprintf("%d:%d", uid, uid),
		Entrypoint: []string{"/" + binPath},
		Cmd:        []string{"--help"},
		WorkingDir: "/home/" + userName,
		Env: []string{
			"PATH=/usr/local/bin:/usr/bin:/bin",
			"HOME=/home/" + userName,
			"SSL_CERT_FILE=/" + caPath,
		},
		Labels: map[string]string{
			"org.opencontainers.image.title":       "sdescan",
			"org.opencontainers.image.description": "Assess an NHS secure data environment against accreditation frameworks",
			"org.opencontainers.image.version":     o.version,
			"org.opencontainers.image.licenses":    "Apache-2.0",
			"org.opencontainers.image.source":      "https://github.com/sdescan/sdescan",
		},
	}
	return mutate.ConfigFile(img, cf)
}

// write writes img as a tar holding an OCI image layout and a docker save
// manifest, both naming the image ref.
func write(w io.Writer, img v1.Image, ref string) error {
	manifest, err := img.RawManifest()
	if err != nil {
		return err
	}
	mdigest, err := img.Digest()
	if err != nil {
		return err
	}
	config, err := img.RawConfigFile()
	if err != nil {
		return err
	}
	cdigest, err := img.ConfigName()
	if err != nil {
		return err
	}
	layers, err := img.Layers()
	if err != nil {
		return err
	}
	blob := func(h v1.Hash) string { return path.Join("blobs", h.Algorithm, h.Hex) }
	files := map[string][]byte{ // "blobs" and "blobs/sha256" are directories
		"oci-layout":   []byte(`{"imageLayoutVersion":"1.0.0"}`),
		blob(mdigest):  manifest,
		blob(cdigest):  config,
		"blobs":        nil,
		"blobs/sha256": nil,
	}
	var layerPaths []string
	for _, l := range layers {
		d, err := l.Digest()
		if err != nil {
			return err
		}
		rc, err := l.Compressed()
		if err != nil {
			return err
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return err
		}
		files[blob(d)] = data
		layerPaths = append(layerPaths, blob(d))
	}
	repo, tag, _ := strings.Cut(ref, ":")
	index, err := json.Marshal(map[string]any{
		"schemaVersion": 2,
		"mediaType":     types.OCIImageIndex,
		"manifests": []map[string]any{{
			"mediaType": types.OCIManifestSchema1,
			"digest":    mdigest.String(),
			"size":      len(manifest),
			"annotations": map[string]string{
				"io.containerd.image.name":          "docker.io/library/" + ref,
				"org.opencontainers.image.ref.name": tag,
			},
		}},
	})
	if err != nil {
		return err
	}
	docker, err := json.Marshal([]map[string]any{{
		"Config":   blob(cdigest),
		"RepoTags": []string{ref},
		"Layers":   layerPaths,
	}})
	if err != nil {
		return err
	}
	repositories, err := json.Marshal(map[string]map[string]string{repo: {tag: mdigest.Hex}})
	if err != nil {
		return err
	}
	files["index.json"], files["manifest.json"], files["repositories"] = index, docker, repositories

	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	tw := tar.NewWriter(w)
	for _, n := range names {
		h := &tar.Header{Name: n, Mode: 0o644, Size: int64(len(files[n])), Typeflag: tar.TypeReg, ModTime: time.Unix(0, 0), Format: tar.FormatPAX}
		if n == "blobs" || n == "blobs/sha256" {
			h.Name, h.Mode, h.Typeflag = n+"/", 0o755, tar.TypeDir
		}
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
		if _, err := tw.Write(files[n]); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return nil
}
