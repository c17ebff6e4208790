package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"sync"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	azlog "github.com/Azure/azure-sdk-for-go/sdk/azcore/log"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/spf13/pflag"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/collectors/azure"
)

// azureSource holds the flags that say which Azure estate to read (scan and
// collect).
type azureSource struct {
	use                        bool
	subscriptions              []string
	managementGroup, cloudFile string
}

func (a *azureSource) requested() bool { return a.use }

// keepsEvidence: the Azure collector keeps no raw responses yet.
func (a *azureSource) keepsEvidence() bool { return false }

func (a *azureSource) addFlags(f *pflag.FlagSet) {
	f.BoolVar(&a.use, "azure", false, "collect from the Azure subscriptions the credential can read (read-only; see docs/azure.md)")
	f.StringSliceVar(&a.subscriptions, "subscription", nil, "Azure subscription `IDS` to read, comma-separated (default: every subscription the credential can list)")
	f.StringVar(&a.managementGroup, "management-group", "", "read every Azure subscription under the management group `NAME`, at any depth")
	f.StringVar(&a.cloudFile, "azure-cloud", "", "a custom Azure cloud `FILE` (JSON: name, authority_host, resource_manager, audience); default: the public cloud")
}

// collect reads the Azure estate, read-only, with azidentity's
// DefaultAzureCredential (environment, workload identity, managed identity,
// Azure CLI...; AZURE_TOKEN_CREDENTIALS picks one) for the cloud in use.
func (a *azureSource) collect(ctx context.Context, stderr io.Writer, _ string) (*checks.Facts, error) {
	if len(a.subscriptions) > 0 && a.managementGroup != "" {
		return nil, inputError(errors.New("--subscription and --management-group are exclusive"))
	}
	var cfg cloud.Configuration
	if a.cloudFile != "" {
		var err error
		if cfg, err = azure.LoadCloud(a.cloudFile); err != nil {
			return nil, inputError(fmt.Errorf("--azure-cloud: %w", err))
		}
	}
	// The SDK's own log (retries, error answers, credential attempts) goes
	// through sdescan's logger at debug level: quiet unless -v.
	azlog.SetEvents(azlog.EventRetryPolicy, azlog.EventResponseError, azidentity.EventAuthentication)
	azlog.SetListener(func(ev azlog.Event, msg string) { slog.Debug("azure sdk", "event", string(ev), "message", msg) })
	cred, err := azidentity.NewDefaultAzureCredential(&azidentity.DefaultAzureCredentialOptions{ClientOptions: policy.ClientOptions{Cloud: cfg}})
	if err != nil {
		return nil, inputError(fmt.Errorf("azure credentials: %w", err))
	}
	facts := azure.Collect(ctx, cred, azure.Options{
		Version: Version, Cloud: cfg, Subscriptions: a.subscriptions, ManagementGroup: a.managementGroup,
		Progress: azureProgress(stderr),
	})
	for _, run := range facts.Runs {
		slog.Info("azure collection", "subscription", run.Scope, "status", run.Status, "errors", len(run.Errors))
		ops := make([]string, 0, len(run.APICalls))
		for op := range run.APICalls {
			ops = append(ops, op)
		}
		sort.Strings(ops)
		for _, op := range ops {
			slog.Debug("api calls", "subscription", run.Scope, "operation", op, "count", run.APICalls[op])
		}
	}
	return facts, nil
}

// azureProgress tells on stderr when each subscription has been read
// (subscriptions are read in parallel).
func azureProgress(stderr io.Writer) func(azure.ProgressEvent) {
	var mu sync.Mutex
	done := map[string]int{}
	return func(e azure.ProgressEvent) {
		if !e.Done {
			slog.Debug("collecting", "subscription", e.Subscription, "service", e.Service)
			return
		}
		mu.Lock()
		defer mu.Unlock()
		done[e.Subscription]++
		if done[e.Subscription] == e.Services {
			fmt.Fprintf(stderr, "azure %s: %d services read, %d errors\n", e.Subscription, e.Services, e.Errors)
		}
	}
}
