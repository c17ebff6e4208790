package aws

import (
	"context"
	"strings"
	"testing"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/collectors/aws/mototest"
)

// seedOrg creates an organization with two member accounts and a bucket in each
// member (created through the member's SdescanReadOnly role, as moto allows).
func seedOrg(t *testing.T, moto *mototest.Server) []string {
	t.Helper()
	ctx := context.Background()
	cfg := moto.Config()
	org := organizations.NewFromConfig(cfg)
	if _, err := org.CreateOrganization(ctx, &organizations.CreateOrganizationInput{FeatureSet: orgtypes.OrganizationFeatureSetAll}); err != nil {
		t.Fatal(err)
	}
	var members []string
	for _, name := range []string{"sde-research", "sde-dev"} {
		out, err := org.CreateAccount(ctx, &organizations.CreateAccountInput{AccountName: sdkaws.String(name), Email: sdkaws.String(name + "@example.nhs.uk")})
		if err != nil {
			t.Fatal(err)
		}
		id := sdkaws.ToString(out.CreateAccountStatus.AccountId)
		members = append(members, id)
		role, err := sts.NewFromConfig(cfg).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: sdkaws.String("arn:aws:iam::" + id + ":role/" + DefaultRoleName), RoleSessionName: sdkaws.String("seed")})
		if err != nil {
			t.Fatal(err)
		}
		mc := cfg.Copy()
		mc.Credentials = credentials.NewStaticCredentialsProvider(sdkaws.ToString(role.Credentials.AccessKeyId), sdkaws.ToString(role.Credentials.SecretAccessKey), sdkaws.ToString(role.Credentials.SessionToken))
		_, err = s3.NewFromConfig(mc, func(o *s3.Options) { o.UsePathStyle = true }).CreateBucket(ctx, &s3.CreateBucketInput{Bucket: sdkaws.String(name + "-data"),
			CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraint(mototest.Region)}})
		if err != nil {
			t.Fatal(err)
		}
	}
	return members
}

// TestCollectOrganization: every member account is read through its role, each as
// its own run, and one unreachable account does not stop the others.
func TestCollectOrganization(t *testing.T) {
	moto := mototest.Start(t)
	members := seedOrg(t, moto)
	ctx := context.Background()

	f := CollectAccounts(ctx, moto.Config(), AccountsOptions{Options: Options{Version: "test", Now: fixedNow}, Org: true})
	validateFacts(t, f)
	if err := f.Validate(); err != nil {
		t.Fatal(err)
	}
	runs := map[string]string{}
	for _, r := range f.Runs {
		runs[r.Scope] = r.Status
	}
	for _, a := range append([]string{"123456789012"}, members...) {
		if runs[a] != checks.RunOK {
			t.Errorf("run for %s is %q, want ok (runs %v)", a, runs[a], runs)
		}
	}
	for i, a := range members {
		id := "aws://" + a + "/eu-west-2/s3/bucket/" + []string{"sde-research", "sde-dev"}[i] + "-data"
		found := false
		for _, r := range f.Resources {
			found = found || (r.ID == id && r.Scope.Account == a)
		}
		if !found {
			t.Errorf("bucket %s of member %s not collected", id, a)
		}
	}

	// One member's role cannot be assumed: its run fails with the reason; the other
	// accounts are read as before.
	denied := moto.Deny(t, func(q mototest.Request) bool {
		return q.Op == "AssumeRole" && strings.Contains(q.Form.Get("RoleArn"), members[0])
	})
	f = CollectAccounts(ctx, denied.Config(), AccountsOptions{Options: Options{Version: "test", Now: fixedNow}, Org: true, ExternalID: "sde-external-id"})
	validateFacts(t, f)
	runs = map[string]string{}
	var reason checks.CollectError
	for _, r := range f.Runs {
		runs[r.Scope] = r.Status
		if r.Scope == members[0] && len(r.Errors) == 1 {
			reason = r.Errors[0]
		}
	}
	if runs[members[0]] != checks.RunFailed || reason.API != "AssumeRole" || !strings.Contains(reason.Message, "AccessDenied") {
		t.Errorf("run for %s: %q with error %+v, want failed on AssumeRole", members[0], runs[members[0]], reason)
	}
	if runs[members[1]] != checks.RunOK || runs["123456789012"] != checks.RunOK {
		t.Errorf("runs %v: the reachable accounts must still be ok", runs)
	}
	for _, r := range f.Resources {
		if r.Scope.Account == members[0] {
			t.Errorf("resource %s of the unreachable account", r.ID)
		}
	}

	// --accounts limits the set; an account outside the organization is reported.
	f = CollectAccounts(ctx, moto.Config(), AccountsOptions{Options: Options{Version: "test", Now: fixedNow}, Org: true, Accounts: []string{members[1], "999999999999"}})
	runs = map[string]string{}
	for _, r := range f.Runs {
		runs[r.Scope] = r.Status
	}
	if len(runs) != 2 || runs[members[1]] != checks.RunOK || runs["999999999999"] != checks.RunFailed {
		t.Errorf("runs %v: want the one member ok and the unknown account failed", runs)
	}
}
