package aws

import (
	"context"
	"slices"
	"testing"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/checks/aws/mototest"
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
	f := Collect(ctx, moto.Config(), Options{Version: "test", Now: fixedNow, Regions: []string{mototest.Region, other}})
	validateFacts(t, f)
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
