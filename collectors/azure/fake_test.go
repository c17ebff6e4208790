package azure

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	azfake "github.com/Azure/azure-sdk-for-go/sdk/azcore/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/keyvault/armkeyvault"
	kvfake "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/keyvault/armkeyvault/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/network/armnetwork/v6"
	netfake "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/network/armnetwork/v6/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armsubscriptions"
	subfake "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armsubscriptions/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/sql/armsql"
	sqlfake "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/sql/armsql/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/storage/armstorage"
	stfake "github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/storage/armstorage/fake"

	"github.com/sdescan/sdescan/checks"
)

// byProvider sends each request to the SDK fake server of its package.
type byProvider struct {
	storage, network, keyvault, sql, postgres, subscriptions policy.Transporter
	sent                                                     atomic.Int64
}

func (b *byProvider) Do(req *http.Request) (*http.Response, error) {
	b.sent.Add(1)
	p := strings.ToLower(req.URL.Path)
	switch {
	case strings.Contains(p, "/microsoft.storage/"):
		return b.storage.Do(req)
	case strings.Contains(p, "/microsoft.network/"):
		return b.network.Do(req)
	case strings.Contains(p, "/microsoft.keyvault/"):
		return b.keyvault.Do(req)
	case strings.Contains(p, "/microsoft.sql/"):
		return b.sql.Do(req)
	case strings.Contains(p, "/microsoft.dbforpostgresql/"), strings.Contains(p, "/microsoft.containerservice/"):
		return b.postgres.Do(req)
	case strings.Contains(p, "/microsoft.security/"), strings.Contains(p, "/microsoft.insights/"), strings.Contains(p, "/microsoft.authorization/"):
		return noServers{}.Do(req) // governance: tested against the stand-in (governance_test.go)
	case strings.Contains(p, "/microsoft.compute/"), strings.Contains(p, "/microsoft.recoveryservices/"), strings.Contains(p, "/microsoft.dataprotection/"):
		return noServers{}.Do(req) // backup and its stores: tested against the stand-in (backup_test.go)
	case strings.Contains(p, "/microsoft.desktopvirtualization/"), strings.Contains(p, "/microsoft.machinelearningservices/"), strings.Contains(p, "/microsoft.databricks/"):
		return noServers{}.Do(req) // workloads: tested against the stand-in and their own fake servers (workloads_test.go)
	}
	return b.subscriptions.Do(req)
}

// noServers answers every listing with an empty one (armpostgresqlflexibleservers
// v1.1.0 has no fake server; AKS clusters are tested against the stand-in).
type noServers struct{}

func (noServers) Do(req *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(`{"value": []}`)), Request: req}, nil
}

// fakes are the SDK's own fake servers answering for one subscription.
func fakes(deletes *atomic.Int64) *byProvider {
	s := "/subscriptions/" + sub1
	rg := s + "/resourceGroups/rg"
	st := &stfake.ServerFactory{}
	st.AccountsServer.NewListPager = func(*armstorage.AccountsClientListOptions) (resp azfake.PagerResponder[armstorage.AccountsClientListResponse]) {
		resp.AddPage(http.StatusOK, armstorage.AccountsClientListResponse{AccountListResult: armstorage.AccountListResult{Value: []*armstorage.Account{{
			ID: to.Ptr(rg + "/providers/Microsoft.Storage/storageAccounts/sa"), Name: to.Ptr("sa"), Location: to.Ptr("uksouth"), Kind: to.Ptr(armstorage.KindStorageV2),
			Properties: &armstorage.AccountProperties{AllowBlobPublicAccess: to.Ptr(true), MinimumTLSVersion: to.Ptr(armstorage.MinimumTLSVersionTLS10)},
		}}}}, nil)
		return
	}
	st.AccountsServer.Delete = func(context.Context, string, string, *armstorage.AccountsClientDeleteOptions) (resp azfake.Responder[armstorage.AccountsClientDeleteResponse], errResp azfake.ErrorResponder) {
		deletes.Add(1)
		resp.SetResponse(http.StatusOK, armstorage.AccountsClientDeleteResponse{}, nil)
		return
	}
	st.AccountsServer.ListKeys = func(context.Context, string, string, *armstorage.AccountsClientListKeysOptions) (resp azfake.Responder[armstorage.AccountsClientListKeysResponse], errResp azfake.ErrorResponder) {
		deletes.Add(1)
		resp.SetResponse(http.StatusOK, armstorage.AccountsClientListKeysResponse{}, nil)
		return
	}
	st.BlobServicesServer.GetServiceProperties = func(context.Context, string, string, *armstorage.BlobServicesClientGetServicePropertiesOptions) (resp azfake.Responder[armstorage.BlobServicesClientGetServicePropertiesResponse], errResp azfake.ErrorResponder) {
		resp.SetResponse(http.StatusOK, armstorage.BlobServicesClientGetServicePropertiesResponse{BlobServiceProperties: armstorage.BlobServiceProperties{
			BlobServiceProperties: &armstorage.BlobServicePropertiesProperties{IsVersioningEnabled: to.Ptr(true)}}}, nil)
		return
	}
	nw := &netfake.ServerFactory{}
	nw.SecurityGroupsServer.NewListAllPager = func(*armnetwork.SecurityGroupsClientListAllOptions) (resp azfake.PagerResponder[armnetwork.SecurityGroupsClientListAllResponse]) {
		resp.AddPage(http.StatusOK, armnetwork.SecurityGroupsClientListAllResponse{SecurityGroupListResult: armnetwork.SecurityGroupListResult{Value: []*armnetwork.SecurityGroup{{
			ID: to.Ptr(rg + "/providers/Microsoft.Network/networkSecurityGroups/nsg"), Name: to.Ptr("nsg"), Location: to.Ptr("uksouth"),
			Properties: &armnetwork.SecurityGroupPropertiesFormat{SecurityRules: []*armnetwork.SecurityRule{{Name: to.Ptr("rdp"), Properties: &armnetwork.SecurityRulePropertiesFormat{
				Direction: to.Ptr(armnetwork.SecurityRuleDirectionInbound), Access: to.Ptr(armnetwork.SecurityRuleAccessAllow), Protocol: to.Ptr(armnetwork.SecurityRuleProtocolAsterisk),
				Priority: to.Ptr[int32](300), SourceAddressPrefix: to.Ptr("*"), DestinationPortRanges: to.SliceOfPtrs("3000-4000", "22")}}}},
		}}}}, nil)
		return
	}
	nw.VirtualNetworksServer.NewListAllPager = func(*armnetwork.VirtualNetworksClientListAllOptions) (resp azfake.PagerResponder[armnetwork.VirtualNetworksClientListAllResponse]) {
		resp.AddPage(http.StatusOK, armnetwork.VirtualNetworksClientListAllResponse{VirtualNetworkListResult: armnetwork.VirtualNetworkListResult{Value: []*armnetwork.VirtualNetwork{{
			ID: to.Ptr(rg + "/providers/Microsoft.Network/virtualNetworks/vnet"), Name: to.Ptr("vnet"), Location: to.Ptr("uksouth"),
		}}}}, nil)
		return
	}
	nw.WatchersServer.NewListAllPager = func(*armnetwork.WatchersClientListAllOptions) (resp azfake.PagerResponder[armnetwork.WatchersClientListAllResponse]) {
		resp.AddPage(http.StatusOK, armnetwork.WatchersClientListAllResponse{WatcherListResult: armnetwork.WatcherListResult{Value: []*armnetwork.Watcher{{
			ID: to.Ptr(s + "/resourceGroups/NetworkWatcherRG/providers/Microsoft.Network/networkWatchers/nw"), Name: to.Ptr("nw")}}}}, nil)
		return
	}
	nw.FlowLogsServer.NewListPager = func(string, string, *armnetwork.FlowLogsClientListOptions) (resp azfake.PagerResponder[armnetwork.FlowLogsClientListResponse]) {
		resp.AddPage(http.StatusOK, armnetwork.FlowLogsClientListResponse{FlowLogListResult: armnetwork.FlowLogListResult{Value: []*armnetwork.FlowLog{{
			Properties: &armnetwork.FlowLogPropertiesFormat{TargetResourceID: to.Ptr(rg + "/providers/Microsoft.Network/virtualNetworks/VNET"), Enabled: to.Ptr(true)}}}}}, nil)
		return
	}
	kv := &kvfake.ServerFactory{}
	kv.VaultsServer.NewListBySubscriptionPager = func(*armkeyvault.VaultsClientListBySubscriptionOptions) (resp azfake.PagerResponder[armkeyvault.VaultsClientListBySubscriptionResponse]) {
		resp.AddResponseError(http.StatusForbidden, "AuthorizationFailed")
		return
	}
	sq := &sqlfake.ServerFactory{}
	sq.ServersServer.NewListPager = func(*armsql.ServersClientListOptions) (resp azfake.PagerResponder[armsql.ServersClientListResponse]) {
		resp.AddPage(http.StatusOK, armsql.ServersClientListResponse{ServerListResult: armsql.ServerListResult{Value: []*armsql.Server{{
			ID: to.Ptr(rg + "/providers/Microsoft.Sql/servers/sql"), Name: to.Ptr("sql"), Location: to.Ptr("uksouth"),
			Properties: &armsql.ServerProperties{PublicNetworkAccess: to.Ptr(armsql.ServerNetworkAccessFlagEnabled), MinimalTLSVersion: to.Ptr("1.0")},
		}}}}, nil)
		return
	}
	sq.ServerAzureADOnlyAuthenticationsServer.NewListByServerPager = func(string, string, *armsql.ServerAzureADOnlyAuthenticationsClientListByServerOptions) (resp azfake.PagerResponder[armsql.ServerAzureADOnlyAuthenticationsClientListByServerResponse]) {
		resp.AddPage(http.StatusOK, armsql.ServerAzureADOnlyAuthenticationsClientListByServerResponse{AzureADOnlyAuthListResult: armsql.AzureADOnlyAuthListResult{
			Value: []*armsql.ServerAzureADOnlyAuthentication{{Name: to.Ptr("Default"), Properties: &armsql.AzureADOnlyAuthProperties{AzureADOnlyAuthentication: to.Ptr(false)}}}}}, nil)
		return
	}
	sq.DatabasesServer.NewListByServerPager = func(string, string, *armsql.DatabasesClientListByServerOptions) (resp azfake.PagerResponder[armsql.DatabasesClientListByServerResponse]) {
		resp.AddPage(http.StatusOK, armsql.DatabasesClientListByServerResponse{}, nil) // databases: backup_test.go
		return
	}
	sb := &subfake.ServerFactory{}
	sb.Server.Get = func(_ context.Context, id string, _ *armsubscriptions.ClientGetOptions) (resp azfake.Responder[armsubscriptions.ClientGetResponse], errResp azfake.ErrorResponder) {
		resp.SetResponse(http.StatusOK, armsubscriptions.ClientGetResponse{Subscription: armsubscriptions.Subscription{
			SubscriptionID: to.Ptr(id), State: to.Ptr(armsubscriptions.SubscriptionStateEnabled)}}, nil)
		return
	}
	return &byProvider{
		storage: stfake.NewServerFactoryTransport(st), network: netfake.NewServerFactoryTransport(nw),
		keyvault: kvfake.NewServerFactoryTransport(kv), subscriptions: subfake.NewServerFactoryTransport(sb),
		sql: sqlfake.NewServerFactoryTransport(sq), postgres: noServers{},
	}
}

// TestCollectFakeServers: the collector against the SDK's own fake servers
// (the public cloud's configuration, nothing sent): each service's answer
// becomes facts, a 403 on Key Vault hides only the vaults.
func TestCollectFakeServers(t *testing.T) {
	t.Setenv("AZURE_TOKEN_CREDENTIALS", "AzureCLICredential")
	var deletes atomic.Int64
	tr := fakes(&deletes)
	f := Collect(context.Background(), staticCredential{}, Options{Subscriptions: []string{sub1}, Transport: tr})
	if len(f.Runs) != 1 || f.Runs[0].Status != checks.RunPartial {
		t.Fatalf("runs %+v", f.Runs)
	}
	if e := f.Runs[0].Errors; len(e) != 1 || e[0].API != "Vaults.ListBySubscription" || e[0].ResourceTypes[0] != "azure.keyvault.vault" || !strings.Contains(e[0].Message, "HTTP 403 AuthorizationFailed") {
		t.Errorf("errors %+v", e)
	}
	res := byID(f)
	rg := "/subscriptions/" + sub1 + "/resourcegroups/rg"
	sa := res[rg+"/providers/microsoft.storage/storageaccounts/sa"]
	if sa.Attributes["allow_blob_public_access"] != true || sa.Attributes["minimum_tls_version"] != "TLS1_0" || jsonOf(t, sa.Attributes["blob_service"]) != `{"present":true,"soft_delete_days":0,"soft_delete_enabled":false,"versioning_enabled":true}` {
		t.Errorf("storage account %+v", sa)
	}
	nsg := res[rg+"/providers/microsoft.network/networksecuritygroups/nsg"]
	if got := jsonOf(t, nsg.Attributes["security_rules"]); got != `[{"access":"Allow","destination_ports":["22","3000-4000"],"direction":"Inbound","name":"rdp","priority":300,"protocol":"*","source_prefixes":["*"]}]` {
		t.Errorf("nsg rules %s", got)
	}
	vnet := res[rg+"/providers/microsoft.network/virtualnetworks/vnet"]
	if got := jsonOf(t, vnet.Attributes["flow_logs"]); got != `{"subnets":[],"vnet_enabled":true}` {
		t.Errorf("vnet flow logs %s", got)
	}
	sql := res[rg+"/providers/microsoft.sql/servers/sql"]
	if sql.Attributes["public_network_access"] != "Enabled" || sql.Attributes["minimal_tls_version"] != "1.0" || sql.Attributes["azure_ad_only_authentication"] != false {
		t.Errorf("SQL server %+v", sql)
	}
	if deletes.Load() != 0 {
		t.Error("a write reached the fake server")
	}
}

// TestOperationsAreReads lists every operation any service can call and
// proves each is a read ReadOnly lets through and the allow-list knows; a
// write, a secret and an undeclared read attempted through the SDK's own
// clients never reach the (fake) server.
func TestOperationsAreReads(t *testing.T) {
	t.Setenv("AZURE_TOKEN_CREDENTIALS", "AzureCLICredential")
	ops := Operations()
	if len(ops) < 10 {
		t.Fatalf("only %d operations", len(ops))
	}
	names := map[string]bool{}
	for _, op := range ops {
		path := strings.NewReplacer("{", "x", "}", "").Replace(op.Path)
		if err := Judge(op.Method, path); err != nil {
			t.Errorf("%s (%s %s) is not a read: %v", op.Name, op.Method, op.Path, err)
		}
		if op.Method != http.MethodGet {
			t.Errorf("%s: %s", op.Name, op.Method)
		}
		if got, ok := matchOperation(op.Method, path); !ok || got.Name != op.Name {
			t.Errorf("%s: the allow-list matches %q", op.Name, got.Name)
		}
		if names[op.Name] || !strings.HasSuffix(op.Action, "/read") {
			t.Errorf("%s: repeated, or action %s is not a read", op.Name, op.Action)
		}
		names[op.Name] = true
	}
	t.Logf("%d operations; actions %v", len(ops), Actions())

	var writes atomic.Int64
	tr := fakes(&writes)
	opts := clientOptions(Options{Transport: tr}, nil)
	accounts, err := armstorage.NewAccountsClient(sub1, staticCredential{}, opts)
	if err != nil {
		t.Fatal(err)
	}
	subs, err := armsubscriptions.NewClient(staticCredential{}, opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		call func() error
	}{
		{"delete a storage account", func() error { _, err := accounts.Delete(ctx, "rg", "sa", nil); return err }},
		{"list a storage account's keys", func() error { _, err := accounts.ListKeys(ctx, "rg", "sa", nil); return err }},
		{"create a storage account", func() error {
			_, err := accounts.BeginCreate(ctx, "rg", "sa", armstorage.AccountCreateParameters{Location: to.Ptr("uksouth")}, nil)
			return err
		}},
		{"an undeclared read", func() error {
			_, err := subs.NewListLocationsPager(sub1, nil).NextPage(ctx)
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := tr.sent.Load()
			err := tc.call()
			var refused *RefusedError
			if !errors.As(err, &refused) || tr.sent.Load() != before {
				t.Errorf("err %v, %d request(s) sent; want refused before sending", err, tr.sent.Load()-before)
			}
		})
	}
	if writes.Load() != 0 {
		t.Error("a write reached the fake server")
	}
}
