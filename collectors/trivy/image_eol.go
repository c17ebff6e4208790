package trivy

import (
	"context"
	"time"

	"github.com/aquasecurity/trivy/pkg/clock"
	"github.com/aquasecurity/trivy/pkg/detector/ospkg/alma"
	"github.com/aquasecurity/trivy/pkg/detector/ospkg/alpine"
	"github.com/aquasecurity/trivy/pkg/detector/ospkg/amazon"
	"github.com/aquasecurity/trivy/pkg/detector/ospkg/azure"
	"github.com/aquasecurity/trivy/pkg/detector/ospkg/bottlerocket"
	"github.com/aquasecurity/trivy/pkg/detector/ospkg/chainguard"
	"github.com/aquasecurity/trivy/pkg/detector/ospkg/coreos"
	"github.com/aquasecurity/trivy/pkg/detector/ospkg/debian"
	"github.com/aquasecurity/trivy/pkg/detector/ospkg/echo"
	"github.com/aquasecurity/trivy/pkg/detector/ospkg/minimos"
	"github.com/aquasecurity/trivy/pkg/detector/ospkg/oracle"
	"github.com/aquasecurity/trivy/pkg/detector/ospkg/photon"
	"github.com/aquasecurity/trivy/pkg/detector/ospkg/redhat"
	"github.com/aquasecurity/trivy/pkg/detector/ospkg/rocky"
	"github.com/aquasecurity/trivy/pkg/detector/ospkg/suse"
	"github.com/aquasecurity/trivy/pkg/detector/ospkg/ubuntu"
	"github.com/aquasecurity/trivy/pkg/detector/ospkg/wolfi"
	ftypes "github.com/aquasecurity/trivy/pkg/fanal/types"
)

// eolSupport is the part of a Trivy OS driver that knows end-of-life dates.
type eolSupport interface {
	IsSupportedVersion(ctx context.Context, family ftypes.OSType, version string) bool
}

// eolDrivers are Trivy's OS drivers, as pkg/detector/ospkg registers them: their
// embedded end-of-life tables are the only source of EOL dates (no network).
var eolDrivers = map[ftypes.OSType]eolSupport{
	ftypes.Alpine:             alpine.NewScanner(),
	ftypes.Alma:               alma.NewScanner(),
	ftypes.Amazon:             amazon.NewScanner(),
	ftypes.Azure:              azure.NewAzureScanner(),
	ftypes.Bottlerocket:       bottlerocket.NewScanner(),
	ftypes.CBLMariner:         azure.NewMarinerScanner(),
	ftypes.Debian:             debian.NewScanner(),
	ftypes.Ubuntu:             ubuntu.NewScanner(),
	ftypes.RedHat:             redhat.NewScanner(),
	ftypes.CentOS:             redhat.NewScanner(),
	ftypes.Rocky:              rocky.NewScanner(),
	ftypes.Oracle:             oracle.NewScanner(),
	ftypes.OpenSUSETumbleweed: suse.NewScanner(suse.OpenSUSETumbleweed),
	ftypes.OpenSUSELeap:       suse.NewScanner(suse.OpenSUSE),
	ftypes.SLES:               suse.NewScanner(suse.SUSEEnterpriseLinux),
	ftypes.SLEMicro:           suse.NewScanner(suse.SUSEEnterpriseLinuxMicro),
	ftypes.Photon:             photon.NewScanner(),
	ftypes.Wolfi:              wolfi.NewScanner(),
	ftypes.Chainguard:         chainguard.NewScanner(),
	ftypes.Echo:               echo.NewScanner(),
	ftypes.MinimOS:            minimos.NewScanner(),
	ftypes.CoreOS:             coreos.NewScanner(),
}

// farFuture is a time after every end-of-life date Trivy knows except edge
// releases (9999-01-01).
var farFuture = time.Date(9000, 1, 1, 0, 0, 0, 0, time.UTC)

// endOfLife says whether Trivy knows an end-of-life date for the OS version and
// whether it has passed at asOf. Trivy calls a version missing from its table
// "supported" (it may be newer than the table); sdescan calls it unknown: a
// version still "supported" in the year 9000 has no date (rolling releases such
// as Wolfi, Alpine edge, or a version newer than Trivy).
func endOfLife(ctx context.Context, o ftypes.OS, asOf time.Time) (known, eol bool) {
	d, ok := eolDrivers[o.Family]
	if !ok {
		return false, false
	}
	name := o.Name
	if o.Extended {
		name += "-ESM"
	}
	if d.IsSupportedVersion(clock.With(ctx, farFuture), o.Family, name) {
		return false, false
	}
	return true, !d.IsSupportedVersion(clock.With(ctx, asOf), o.Family, name)
}
