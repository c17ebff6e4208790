package azure

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
)

// TestReadOnly: through the SDK's own pipeline to a local HTTPS stand-in,
// reads reach the server; every write, every POST off the allow-list and every
// operation that returns secrets is refused before it is sent (the server
// never sees it), and the retry policy does not send it again.
func TestReadOnly(t *testing.T) {
	t.Setenv("AZURE_TOKEN_CREDENTIALS", "AzureCLICredential") // no credential probes the metadata address
	var hits atomic.Int64
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"value": []}`))
	}))
	defer srv.Close()
	pl := runtime.NewPipeline("sdescan-test", "v0", runtime.PipelineOptions{}, &policy.ClientOptions{
		Transport:        srv.Client(),
		PerRetryPolicies: []policy.Policy{ReadOnly{}},
		Retry:            policy.RetryOptions{MaxRetries: 3},
	})
	const sub = "/subscriptions/00000000-0000-0000-0000-000000000000"
	const acct = sub + "/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/sa"
	for _, tc := range []struct {
		name, method, path string
		sent               bool
	}{
		{"list", http.MethodGet, sub + "/providers/Microsoft.Storage/storageAccounts", true},
		{"get", http.MethodGet, acct, true},
		{"head", http.MethodHead, acct, true},
		{"resource graph query", http.MethodPost, "/providers/Microsoft.ResourceGraph/resources", true},
		{"resource graph, any case", http.MethodPost, "/providers/microsoft.resourcegraph/Resources", true},
		{"put", http.MethodPut, acct, false},
		{"patch", http.MethodPatch, acct, false},
		{"delete", http.MethodDelete, acct, false},
		{"listKeys", http.MethodPost, acct + "/listKeys", false},
		{"listKeys with GET", http.MethodGet, acct + "/listKeys", false},
		{"listAccountSas", http.MethodPost, acct + "/ListAccountSas", false},
		{"listCredentials", http.MethodPost, sub + "/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/r/listCredentials", false},
		{"AKS admin credential", http.MethodPost, sub + "/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/c/listClusterAdminCredential", false},
		{"another POST", http.MethodPost, acct + "/restoreBlobRanges", false},
		{"provider registration", http.MethodPost, sub + "/providers/Microsoft.Storage/register", false},
		{"dot segments around an allowed path", http.MethodPost, acct + "/listKeys/../../../../providers/Microsoft.ResourceGraph/resources", false},
		{"trailing slash on a secret", http.MethodPost, acct + "/listKeys/", false},
		{"ML notebook keys", http.MethodPost, sub + "/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/w/listNotebookKeys", false},
		{"ML notebook access token, as a GET", http.MethodGet, sub + "/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/w/listNotebookAccessToken", false},
		{"AVD registration token, as a GET", http.MethodGet, sub + "/resourceGroups/rg/providers/Microsoft.DesktopVirtualization/hostPools/hp/retrieveRegistrationToken", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := hits.Load()
			req, err := runtime.NewRequest(context.Background(), tc.method, srv.URL+tc.path)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := pl.Do(req)
			sent := hits.Load() - before
			if tc.sent {
				if err != nil || resp.StatusCode != http.StatusOK || sent != 1 {
					t.Fatalf("a read: err %v, %d request(s) reached the server, want 1", err, sent)
				}
				return
			}
			var refused *RefusedError
			if !errors.As(err, &refused) || sent != 0 {
				t.Fatalf("err %v, %d request(s) reached the server; want a RefusedError and none", err, sent)
			}
			if !strings.Contains(err.Error(), "refused before sending "+tc.method) {
				t.Errorf("message %q", err)
			}
		})
	}
}

// TestJudgeEscapedPath: a path whose escaping differs from the plain one (an
// escaped slash) is refused, since the server may resolve it otherwise.
func TestJudgeEscapedPath(t *testing.T) {
	var hits atomic.Int64
	srv := httptest.NewTLSServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hits.Add(1) }))
	defer srv.Close()
	pl := runtime.NewPipeline("sdescan-test", "v0", runtime.PipelineOptions{}, &policy.ClientOptions{
		Transport: srv.Client(), PerRetryPolicies: []policy.Policy{ReadOnly{}}})
	req, err := runtime.NewRequest(context.Background(), http.MethodPost, srv.URL+"/a/listKeys%2F..%2F/providers/Microsoft.ResourceGraph/resources")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pl.Do(req); err == nil || hits.Load() != 0 {
		t.Fatalf("err %v, %d request(s) sent; want refused, none", err, hits.Load())
	}
}
