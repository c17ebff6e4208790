package azure

import (
	"context"
	"net/http"
	"strings"
	"sync"

	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/storage/armstorage"

	"github.com/sdescan/sdescan/checks"
)

var storageTypes = []string{"azure.storage.account"}

func init() {
	register(service{
		name:    "storage",
		covers:  storageTypes,
		collect: (*collector).collectStorage,
		ops: []Operation{
			{"StorageAccounts.List", http.MethodGet, "/subscriptions/{subscriptionId}/providers/Microsoft.Storage/storageAccounts", "Microsoft.Storage/storageAccounts/read"},
			{"BlobServices.GetServiceProperties", http.MethodGet, "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Storage/storageAccounts/{accountName}/blobServices/{BlobServicesName}", "Microsoft.Storage/storageAccounts/blobServices/read"},
		},
	})
}

// collectStorage lists the subscription's storage accounts and reads each
// one's blob service properties (soft delete, versioning).
func (c *collector) collectStorage(ctx context.Context) {
	accounts, err := armstorage.NewAccountsClient(c.sub, c.cred, c.options())
	if err != nil {
		c.fail(checks.CollectError{Service: "storage", API: "StorageAccounts.List", ResourceTypes: storageTypes, Message: err.Error()})
		return
	}
	list, err := listAll(ctx, accounts.NewListPager(nil), func(p armstorage.AccountsClientListResponse) []*armstorage.Account { return p.Value })
	if err != nil {
		c.fail(checks.CollectError{Service: "storage", API: "StorageAccounts.List", ResourceTypes: storageTypes, Message: errorMessage(err)})
		return
	}
	blobs, err := armstorage.NewBlobServicesClient(c.sub, c.cred, c.options())
	if err != nil {
		c.fail(checks.CollectError{Service: "storage", API: "BlobServices.GetServiceProperties", ResourceTypes: storageTypes, Message: err.Error()})
		return
	}
	jobs := make(chan *armstorage.Account)
	var wg sync.WaitGroup
	for range min(resourceWorkers, max(len(list), 1)) {
		wg.Go(func() {
			for a := range jobs {
				c.collectAccount(ctx, blobs, a)
			}
		})
	}
	for _, a := range list {
		jobs <- a
	}
	close(jobs)
	wg.Wait()
}

// collectAccount records one storage account. Settings ARM leaves out are
// null (at their default, which checks must not take for compliance); the
// blob service properties are left out when they could not be read (checks
// that need them report an error) and the failure is recorded.
func (c *collector) collectAccount(ctx context.Context, blobs *armstorage.BlobServicesClient, a *armstorage.Account) {
	id := armID(a.ID)
	p := a.Properties
	if p == nil {
		p = &armstorage.AccountProperties{}
	}
	attrs := map[string]any{
		"name":                      val(a.Name),
		"resource_group":            strings.ToLower(resourceGroup(val(a.ID))),
		"kind":                      str(a.Kind),
		"allow_blob_public_access":  deref(p.AllowBlobPublicAccess),
		"https_only":                deref(p.EnableHTTPSTrafficOnly),
		"minimum_tls_version":       str(p.MinimumTLSVersion),
		"public_network_access":     str(p.PublicNetworkAccess),
		"network_default_action":    nil,
		"allow_shared_key_access":   deref(p.AllowSharedKeyAccess),
		"encryption_key_source":     nil,
		"infrastructure_encryption": nil,
	}
	if a.SKU != nil {
		attrs["sku"] = str(a.SKU.Name)
	}
	if p.NetworkRuleSet != nil {
		attrs["network_default_action"] = str(p.NetworkRuleSet.DefaultAction)
	}
	if p.Encryption != nil {
		attrs["encryption_key_source"] = str(p.Encryption.KeySource)
		attrs["infrastructure_encryption"] = deref(p.Encryption.RequireInfrastructureEncryption)
	}
	if a.Kind != nil && *a.Kind == armstorage.KindFileStorage {
		// File-only accounts have no blob service.
		attrs["blob_service"] = map[string]any{"present": false}
	} else if rg := resourceGroup(val(a.ID)); rg != "" {
		resp, err := blobs.GetServiceProperties(ctx, rg, val(a.Name), nil)
		if err != nil {
			c.fail(checks.CollectError{Service: "storage", API: "BlobServices.GetServiceProperties", Resource: id, ResourceTypes: storageTypes, Message: errorMessage(err)})
		} else {
			attrs["blob_service"] = blobService(resp.BlobServiceProperties.BlobServiceProperties)
		}
	}
	c.add(checks.Resource{
		ID: id, Type: "azure.storage.account", Source: Name,
		Scope: checks.Scope{Account: c.sub, Region: strings.ToLower(val(a.Location))},
		Tags:  tags(a.Tags), Attributes: attrs,
	})
}

// blobService is what the checks read of the blob service properties.
func blobService(p *armstorage.BlobServicePropertiesProperties) map[string]any {
	out := map[string]any{"present": true, "soft_delete_enabled": false, "soft_delete_days": 0, "versioning_enabled": false}
	if p == nil {
		return out
	}
	if r := p.DeleteRetentionPolicy; r != nil {
		out["soft_delete_enabled"] = val(r.Enabled)
		if r.Days != nil {
			out["soft_delete_days"] = int(*r.Days)
		}
	}
	out["versioning_enabled"] = val(p.IsVersioningEnabled)
	return out
}
