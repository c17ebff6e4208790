package trivy

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"sort"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"
	"github.com/aquasecurity/trivy/pkg/fanal/artifact"
	ftypes "github.com/aquasecurity/trivy/pkg/fanal/types"
	"github.com/aquasecurity/trivy/pkg/sbom/cyclonedx"
	"github.com/aquasecurity/trivy/pkg/types"
	"github.com/google/uuid"
)

// buildSBOM renders the image's packages as a CycloneDX SBOM with Trivy's
// marshaler, then makes it deterministic: the serial number derives from the
// image, the timestamp is the assessment time, and the random bom-refs Trivy gives
// components without a package URL are replaced by ones derived from content.
// Vulnerabilities are not in it: it is an inventory.
func buildSBOM(ctx context.Context, ref string, aref artifact.Reference, resp types.ScanResponse, asOf time.Time) ([]byte, error) {
	var results types.Results
	for _, r := range resp.Results {
		if r.Class != types.ClassOSPkg && r.Class != types.ClassLangPkg {
			continue
		}
		r.Vulnerabilities = nil
		results = append(results, r)
	}
	var osp *ftypes.OS
	if resp.OS.Detected() {
		o := resp.OS
		osp = &o
	}
	report := types.Report{
		SchemaVersion: 2,
		ArtifactName:  ref,
		ArtifactType:  aref.Type,
		Metadata: types.Metadata{
			OS:          osp,
			ImageID:     aref.ImageMetadata.ID,
			DiffIDs:     aref.ImageMetadata.DiffIDs,
			RepoTags:    aref.ImageMetadata.RepoTags,
			RepoDigests: aref.ImageMetadata.RepoDigests,
			ImageConfig: aref.ImageMetadata.ConfigFile,
		},
		Results: results,
	}
	m := cyclonedx.NewMarshaler(trivyVersion())
	bom, err := m.MarshalReport(ctx, report)
	if err != nil {
		return nil, err
	}
	seed := aref.ImageMetadata.ID
	if seed == "" {
		seed = "rootfs:" + ref
	}
	bom.SerialNumber = uuid.NewSHA1(uuid.NameSpaceURL, []byte("sdescan-sbom:"+seed)).URN()
	if bom.Metadata != nil {
		bom.Metadata.Timestamp = asOf.UTC().Format(time.RFC3339)
	}
	stabilise(bom)
	var buf bytes.Buffer
	enc := cdx.NewBOMEncoder(&buf, cdx.BOMFileFormatJSON)
	enc.SetPretty(true)
	if err := enc.Encode(bom); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// stabilise replaces random (UUID) bom-refs by content-derived ones and sorts
// what Trivy leaves in map order.
func stabilise(bom *cdx.BOM) {
	remap := map[string]string{}
	used := map[string]int{}
	var visit func(c *cdx.Component)
	visit = func(c *cdx.Component) {
		if c.Properties != nil {
			sort.SliceStable(*c.Properties, func(i, j int) bool {
				a, b := (*c.Properties)[i], (*c.Properties)[j]
				if a.Name != b.Name {
					return a.Name < b.Name
				}
				return a.Value < b.Value
			})
		}
		if _, err := uuid.Parse(c.BOMRef); err == nil {
			props, _ := json.Marshal(c.Properties)
			key := string(c.Type) + "|" + c.Group + "|" + c.Name + "|" + c.Version + "|" + c.PackageURL + "|" + string(props)
			sum := sha256.Sum256([]byte(key))
			n := used[key]
			used[key]++
			if n > 0 {
				sum = sha256.Sum256(append(sum[:], byte(n)))
			}
			id := uuid.NewSHA1(uuid.NameSpaceOID, sum[:]).String()
			remap[c.BOMRef] = id
			c.BOMRef = id
		}
		if c.Components != nil {
			for i := range *c.Components {
				visit(&(*c.Components)[i])
			}
		}
	}
	if bom.Metadata != nil && bom.Metadata.Component != nil {
		visit(bom.Metadata.Component)
	}
	if bom.Components != nil {
		for i := range *bom.Components {
			visit(&(*bom.Components)[i])
		}
		sort.SliceStable(*bom.Components, func(i, j int) bool { return (*bom.Components)[i].BOMRef < (*bom.Components)[j].BOMRef })
	}
	fix := func(s string) string {
		if n, ok := remap[s]; ok {
			return n
		}
		return s
	}
	if bom.Dependencies != nil {
		deps := *bom.Dependencies
		for i := range deps {
			deps[i].Ref = fix(deps[i].Ref)
			if deps[i].Dependencies != nil {
				for k, d := range *deps[i].Dependencies {
					(*deps[i].Dependencies)[k] = fix(d)
				}
				sort.Strings(*deps[i].Dependencies)
			}
		}
		sort.SliceStable(deps, func(i, j int) bool { return deps[i].Ref < deps[j].Ref })
	}
	if bom.Vulnerabilities != nil {
		for i := range *bom.Vulnerabilities {
			v := &(*bom.Vulnerabilities)[i]
			if v.Affects != nil {
				for k := range *v.Affects {
					(*v.Affects)[k].Ref = fix((*v.Affects)[k].Ref)
				}
			}
		}
	}
}
