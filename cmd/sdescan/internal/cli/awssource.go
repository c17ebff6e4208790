package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/smithy-go/logging"
	"github.com/spf13/pflag"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/checks/evidence"
	"github.com/sdescan/sdescan/collectors/aws"
)

// awsSource holds the flags that say which AWS estate to read (scan and collect).
type awsSource struct {
	use                                   bool
	region, profile, roleName, externalID string
	org, noEvidence, allowInsecure        bool
	accounts                              []string
}

func (a *awsSource) requested() bool     { return a.use }
func (a *awsSource) keepsEvidence() bool { return !a.noEvidence }

func (a *awsSource) addFlags(f *pflag.FlagSet) {
	f.BoolVar(&a.use, "aws", false, "collect from the AWS account of the current credentials (read-only)")
	f.StringVar(&a.region, "region", "", "AWS `REGIONS`, comma-separated (the first is home), or \"all\" for every enabled region (default: from the environment or profile)")
	f.StringVar(&a.profile, "profile", "", "use the AWS shared-config `PROFILE`")
	f.BoolVar(&a.org, "org", false, "read every active account of the AWS Organization (from the management or a delegated administrator account)")
	f.StringSliceVar(&a.accounts, "accounts", nil, "limit to the account `IDS` (comma-separated; with --org), or read these accounts through --role-name")
	f.StringVar(&a.roleName, "role-name", aws.DefaultRoleName, "`ROLE` assumed in each account other than the caller's")
	f.StringVar(&a.externalID, "external-id", "", "external `ID` passed when assuming --role-name")
	f.BoolVar(&a.noEvidence, "no-evidence", false, "do not keep the raw API responses (evidence/ beside the facts file; see docs/aws.md)")
	f.BoolVar(&a.allowInsecure, "allow-insecure-endpoint", false, "allow a plain-HTTP AWS endpoint (AWS_ENDPOINT_URL) that is not loopback; requests and answers then travel in clear")
}

// evidenceRoot is where the raw API responses go: beside the facts file, so that
// the facts' references ("evidence/aws/…") resolve from its directory.
func evidenceRoot(factsFile string) string { return filepath.Dir(factsFile) }

// collect reads the estate, read-only, showing progress on stderr. The raw API
// responses are kept under root/evidence/ (none when root is empty or with
// --no-evidence).
func (a *awsSource) collect(ctx context.Context, stderr io.Writer, root string) (*checks.Facts, error) {
	var regions []string
	for _, r := range strings.Split(a.region, ",") {
		if r = strings.TrimSpace(r); r != "" {
			regions = append(regions, r)
		}
	}
	if slices.Contains(regions, aws.AllRegions) && len(regions) > 1 {
		return nil, inputError(fmt.Errorf("--region %q: %q cannot be combined with named regions", a.region, aws.AllRegions))
	}
	var opts []func(*config.LoadOptions) error
	if len(regions) > 0 && regions[0] != aws.AllRegions {
		opts = append(opts, config.WithRegion(regions[0]))
	}
	if a.profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(a.profile))
	}
	// The SDK's own log lines (warnings such as unsupported checksums) go
	// through sdescan's logger at debug level: quiet unless -v.
	opts = append(opts, config.WithLogger(logging.LoggerFunc(func(c logging.Classification, format string, v ...any) {
		slog.Debug("aws sdk: "+fmt.Sprintf(format, v...), "classification", string(c))
	})))
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, inputError(fmt.Errorf("aws configuration: %w", err))
	}
	// A plain-HTTP endpoint beyond loopback is a usage error, before any request
	// (the collector refuses it too, and any service-specific one when it is sent).
	if err := aws.CheckEndpoint(cfg, a.allowInsecure); err != nil {
		return nil, inputError(fmt.Errorf("aws configuration: %w", err))
	}
	prog := newProgress(stderr)
	collectOpts := aws.Options{Version: Version, Regions: regions, Progress: prog.event, AllowInsecureEndpoint: a.allowInsecure}
	if root != "" && !a.noEvidence {
		collectOpts.Evidence = &evidence.Dir{Root: root}
	}
	var facts *checks.Facts
	if a.org || len(a.accounts) > 0 {
		facts = aws.CollectAccounts(ctx, cfg, aws.AccountsOptions{Options: collectOpts, Org: a.org, Accounts: a.accounts, RoleName: a.roleName, ExternalID: a.externalID})
	} else {
		facts = aws.Collect(ctx, cfg, collectOpts)
	}
	prog.wait()
	for _, run := range facts.Runs {
		slog.Info("aws collection", "scope", run.Scope, "status", run.Status, "errors", len(run.Errors))
		ops := make([]string, 0, len(run.APICalls))
		for op := range run.APICalls {
			ops = append(ops, op)
		}
		sort.Strings(ops)
		for _, op := range ops {
			slog.Debug("api calls", "scope", run.Scope, "operation", op, "count", run.APICalls[op])
		}
	}
	return facts, nil
}
