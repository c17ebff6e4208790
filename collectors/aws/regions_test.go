package aws

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/collectors/aws/mototest"
)

// TestCollectSeveralRegions: regional services run in every region in scope,
// global ones once; nothing of one region is attributed to another.
func TestCollectSeveralRegions(t *testing.T) {
	moto := mototest.Start(t)
	ctx := context.Background()
	other := "eu-west-1"
	cfg := moto.Config()
	cfg.Region = other
	g, err := ec2.NewFromConfig(cfg).CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: sdkaws.String("irish"), Description: sdkaws.String("irish")})
	if err != nil {
		t.Fatal(err)
	}
	// A single-region trail homed in the other region does not show in the home
	// region's listing, not even as a shadow: it must still be collected.
	if _, err := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true }).CreateBucket(ctx, &s3.CreateBucketInput{Bucket: sdkaws.String("irish-trail"),
		CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraint(other)}}); err != nil {
		t.Fatal(err)
	}
	if _, err := cloudtrail.NewFromConfig(cfg).CreateTrail(ctx, &cloudtrail.CreateTrailInput{Name: sdkaws.String("irish-trail"), S3BucketName: sdkaws.String("irish-trail")}); err != nil {
		t.Fatal(err)
	}
	f := Collect(ctx, moto.Config(), Options{Version: "test", Now: fixedNow, Regions: []string{mototest.Region, other}})
	validateFacts(t, f)
	if r := resourceByID(f, "aws://123456789012/eu-west-1/cloudtrail/trail/irish-trail"); r == nil || r.Attributes["is_multi_region_trail"] != false {
		t.Errorf("single-region trail homed in %s: %+v", other, r)
	}
	perRegion := map[string]map[string]int{}
	for _, r := range f.Resources {
		if perRegion[r.Type] == nil {
			perRegion[r.Type] = map[string]int{}
		}
		perRegion[r.Type][r.Scope.Region]++
	}
	if n := perRegion["aws.region"]; n[mototest.Region] != 1 || n[other] != 1 || len(n) != 2 {
		t.Errorf("aws.region resources per region %v, want one in each", n)
	}
	if n := perRegion["aws.account"]; n[""] != 1 || len(n) != 1 {
		t.Errorf("aws.account resources %v, want exactly one", n)
	}
	irish := "aws://123456789012/eu-west-1/ec2/security-group/" + sdkaws.ToString(g.GroupId)
	found := false
	for _, r := range f.Resources {
		found = found || r.ID == irish
	}
	if !found {
		t.Errorf("security group %s in %s not collected", irish, other)
	}
	if calls := f.Runs[0].APICalls; calls["ec2:DescribeSecurityGroups"] != 2 || calls["iam:GetAccountSummary"] != 1 || calls["s3:ListBuckets"] != 1 {
		t.Errorf("api calls %v: want regional calls once per region and global ones once", calls)
	}
}

func TestAllRegions(t *testing.T) {
	moto := mototest.Start(t)
	ctx := context.Background()
	c := &collector{cfg: moto.Config(ReadOnlyGuard(nil)), state: &state{calls: &Calls{}, account: "123456789012"}}
	got := c.regions(ctx, []string{AllRegions})
	if len(got) < 10 || got[0] != mototest.Region || !slices.Contains(got, "eu-west-1") || !slices.IsSorted(got[1:]) {
		t.Fatalf("enabled regions %v: want the home region first, then the others sorted", got)
	}

	// Without the region list, only the home region is read, and the run says so.
	denied := moto.Deny(t, func(q mototest.Request) bool { return q.Op == "DescribeRegions" })
	f := Collect(ctx, denied.Config(), Options{Version: "test", Now: fixedNow, Regions: []string{AllRegions}})
	if f.Runs[0].Status != checks.RunPartial {
		t.Fatalf("run status %s, want partial", f.Runs[0].Status)
	}
	ok := false
	for _, e := range f.Runs[0].Errors {
		ok = ok || e.API == "DescribeRegions"
	}
	if !ok {
		t.Errorf("errors %+v: want the DescribeRegions failure recorded", f.Runs[0].Errors)
	}
}

// TestFailingRegionAndTimeout: a region that answers nothing but errors, and an
// operation that hangs, are recorded and leave the rest of the collection intact.
func TestFailingRegionAndTimeout(t *testing.T) {
	moto := mototest.Start(t)
	ctx := context.Background()
	other := "eu-west-1"
	regionOf := regexp.MustCompile(`Credential=[^/]+/[^/]+/([^/]+)/`)
	proxy := moto.Deny(t, func(q mototest.Request) bool {
		m := regionOf.FindStringSubmatch(q.HTTP.Header.Get("Authorization"))
		return m != nil && m[1] == other
	})
	hung := hangProxy(t, proxy, func(r *http.Request) bool { return strings.Contains(r.Header.Get("X-Amz-Target"), "DescribeLogGroups") })
	want := Collect(ctx, moto.Config(), Options{Version: "test", Now: fixedNow})
	got := Collect(ctx, hung.Config(), Options{Version: "test", Now: fixedNow, Regions: []string{mototest.Region, other}, RequestTimeout: hungTimeout})
	if got.Runs[0].Status != checks.RunPartial {
		t.Fatalf("run %s, want partial", got.Runs[0].Status)
	}
	var inOther, timedOut int
	for _, e := range got.Runs[0].Errors {
		switch {
		case e.Region == other:
			inOther++
		case e.API == "DescribeLogGroups":
			timedOut++
		default:
			t.Errorf("unexpected error %+v", e)
		}
	}
	if inOther == 0 || timedOut != 1 {
		t.Errorf("%d errors in %s and %d timeouts, want the failing region's errors and one timeout", inOther, other, timedOut)
	}
	// Everything of the home region that did not time out is as without the faults.
	home := func(f *checks.Facts) map[string]string {
		out := map[string]string{}
		for _, r := range f.Resources {
			if r.Scope.Region == mototest.Region && r.Type != "aws.logs.log_group" {
				b, _ := json.Marshal(r)
				out[r.ID] = string(b)
			}
		}
		return out
	}
	if w, g := home(want), home(got); !maps.Equal(w, g) {
		t.Errorf("home-region resources differ: %d without faults, %d with", len(w), len(g))
	}
	// The failing region yields its region resource with nothing judged on it (each
	// check over it reports an error), and no other resource.
	for _, r := range got.Resources {
		if r.Scope.Region == other && (r.Type != "aws.region" || len(r.Attributes) != 0) {
			t.Errorf("resource %s (%v) from the failing region", r.ID, r.Attributes)
		}
	}
}

// hungTimeout is the request timeout of the hung-API test: short enough to keep the
// test quick, long enough that moto's slow answers (DescribeSnapshots lists ~1,150
// built-in snapshots) never hit it on a loaded 2-core machine.
const hungTimeout = 3 * time.Second

// hangProxy forwards to s but holds matching requests well past the request timeout.
func hangProxy(t *testing.T, s *mototest.Server, hang func(*http.Request) bool) *mototest.Server {
	t.Helper()
	target, err := url.Parse(s.URL)
	if err != nil {
		t.Fatal(err)
	}
	rp := httputil.NewSingleHostReverseProxy(target)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hang(r) {
			select {
			case <-r.Context().Done():
			case <-time.After(4 * hungTimeout):
			}
			w.WriteHeader(http.StatusGatewayTimeout)
			return
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return &mototest.Server{URL: srv.URL}
}

// TestNotOffered: only a "no such host" answer for the service's own AWS endpoint
// means the service is not offered in the region; a DNS server that cannot be
// reached, any other error, or a custom endpoint that does not resolve is a
// collection error.
func TestNotOffered(t *testing.T) {
	nx := fmt.Errorf("operation error AppStream: DescribeStacks: %w", &url.Error{Op: "Post", URL: "https://appstream2.eu-north-1.amazonaws.com/",
		Err: &net.OpError{Op: "dial", Err: &net.DNSError{Err: "no such host", Name: "appstream2.eu-north-1.amazonaws.com", IsNotFound: true}}})
	unreachable := &net.DNSError{Err: "server misbehaving", Name: "appstream2.eu-north-1.amazonaws.com", IsTemporary: true}
	aws := &collector{state: &state{}}
	custom := &collector{state: &state{}}
	custom.cfg.BaseEndpoint = sdkaws.String("https://vpce.example")
	for _, tt := range []struct {
		c    *collector
		err  error
		want bool
	}{
		{aws, nx, true},
		{aws, unreachable, false},
		{aws, errors.New("AccessDeniedException"), false},
		{aws, nil, false},
		{custom, nx, false},
	} {
		if got := tt.c.notOffered(tt.err, "appstream"); got != tt.want {
			t.Errorf("notOffered(%v, custom endpoint %v) = %v, want %v", tt.err, tt.c.cfg.BaseEndpoint != nil, got, tt.want)
		}
	}
}
