package aws

import (
	"context"
	"fmt"
	"sort"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/sdescan/sdescan/checks"
)

// DefaultRoleName is the role assumed in each member account.
const DefaultRoleName = "SdescanReadOnly"

// AccountsOptions say which accounts to read and how to reach them.
type AccountsOptions struct {
	Options
	// Org lists the member accounts through AWS Organizations (from the management
	// account or a delegated administrator).
	Org bool
	// Accounts limits the accounts read (with Org), or names them (without Org).
	Accounts []string
	// RoleName is assumed in every account other than the caller's own
	// (default SdescanReadOnly); ExternalID is passed when set.
	RoleName   string
	ExternalID string
}

func init() {
	baseOps = append(baseOps,
		Operation{"Organizations", "ListAccounts", "organizations:ListAccounts"},
		Operation{"STS", "AssumeRole", "sts:AssumeRole"},
	)
	buildAllowList()
}

// CollectAccounts reads several accounts, each as its own collector run: the
// caller's account with its own credentials, the others through an assumed role.
// One account that cannot be reached (listing, role or reads) never stops the rest:
// its run is failed or partial, with the reason.
func CollectAccounts(ctx context.Context, base sdkaws.Config, opts AccountsOptions) *checks.Facts {
	role := opts.RoleName
	if role == "" {
		role = DefaultRoleName
	}
	guarded := base.Copy()
	guarded.APIOptions = append(guarded.APIOptions, ReadOnlyGuard(nil))
	guardEndpoints(&guarded, opts.AllowInsecureEndpoint)
	if guarded.Region == "" {
		guarded.Region = "us-east-1"
	}
	all := &checks.Facts{Tool: checks.Version{Name: "sdescan", Version: opts.Version}}
	var failed []checks.CollectorRun
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	if err := CheckEndpoint(base, opts.AllowInsecureEndpoint); err != nil {
		failed = append(failed, failedRun(now, "unknown account", checks.CollectError{Message: err.Error()}))
		return mergeFacts(all, nil, failed)
	}

	self, err := sts.NewFromConfig(guarded).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		failed = append(failed, failedRun(now, "unknown account", checks.CollectError{Service: "sts", API: "GetCallerIdentity", Message: errorMessage(err)}))
		return mergeFacts(all, nil, failed)
	}
	caller := sdkaws.ToString(self.Account)

	accounts := append([]string(nil), opts.Accounts...)
	if opts.Org {
		listed, err := listAccounts(ctx, guarded)
		if err != nil {
			failed = append(failed, failedRun(now, "organization of "+caller, checks.CollectError{Account: caller, Service: "organizations", API: "ListAccounts", Message: errorMessage(err)}))
			return mergeFacts(all, nil, failed)
		}
		if len(accounts) > 0 {
			want := map[string]bool{}
			for _, a := range accounts {
				want[a] = true
			}
			var kept []string
			for _, a := range listed {
				if want[a] {
					kept = append(kept, a)
					delete(want, a)
				}
			}
			for a := range want {
				failed = append(failed, failedRun(now, a, checks.CollectError{Account: a, Service: "organizations", API: "ListAccounts", Message: "account " + a + " is not an active member of the organization"}))
			}
			listed = kept
		}
		accounts = listed
	}
	if len(accounts) == 0 {
		accounts = []string{caller}
	}
	sort.Strings(accounts)

	var parts []*checks.Facts
	for _, acct := range accounts {
		cfg := base.Copy()
		if cfg.Region == "" {
			cfg.Region = guarded.Region
		}
		if acct != caller {
			arn := fmt.Sprintf("arn:aws:iam::%s:role/%s", acct, role)
			in := &sts.AssumeRoleInput{RoleArn: sdkaws.String(arn), RoleSessionName: sdkaws.String("sdescan"), DurationSeconds: sdkaws.Int32(3600)}
			if opts.ExternalID != "" {
				in.ExternalId = sdkaws.String(opts.ExternalID)
			}
			out, err := sts.NewFromConfig(guarded).AssumeRole(ctx, in)
			if err != nil || out.Credentials == nil {
				msg := "no credentials returned"
				if err != nil {
					msg = errorMessage(err)
				}
				failed = append(failed, failedRun(now, acct, checks.CollectError{Account: acct, Service: "sts", API: "AssumeRole", Resource: arn, Message: msg}))
				continue
			}
			c := out.Credentials
			cfg.Credentials = sdkaws.NewCredentialsCache(credentials.NewStaticCredentialsProvider(sdkaws.ToString(c.AccessKeyId), sdkaws.ToString(c.SecretAccessKey), sdkaws.ToString(c.SessionToken)))
		}
		parts = append(parts, Collect(ctx, cfg, opts.Options))
	}
	return mergeFacts(all, parts, failed)
}

func listAccounts(ctx context.Context, cfg sdkaws.Config) ([]string, error) {
	var out []string
	p := organizations.NewListAccountsPaginator(organizations.NewFromConfig(cfg), &organizations.ListAccountsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, a := range page.Accounts {
			if a.Status == orgtypes.AccountStatusActive {
				out = append(out, sdkaws.ToString(a.Id))
			}
		}
	}
	return out, nil
}

func failedRun(now func() time.Time, scope string, e checks.CollectError) checks.CollectorRun {
	e.Collector = "aws"
	t := now().UTC().Truncate(time.Second)
	return checks.CollectorRun{Collector: "aws", Scope: scope, Started: t, Ended: t, Status: checks.RunFailed, Errors: []checks.CollectError{e}, Covers: Covers()}
}

// mergeFacts joins the accounts' facts; the collection time is the latest run's end.
func mergeFacts(all *checks.Facts, parts []*checks.Facts, failed []checks.CollectorRun) *checks.Facts {
	for _, p := range parts {
		all.Runs = append(all.Runs, p.Runs...)
		all.Resources = append(all.Resources, p.Resources...)
	}
	all.Runs = append(all.Runs, failed...)
	for _, r := range all.Runs {
		if r.Ended.After(all.CollectedAt) {
			all.CollectedAt = r.Ended
		}
	}
	all.Normalize()
	return all
}
