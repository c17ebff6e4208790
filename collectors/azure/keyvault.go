package azure

import (
	"context"
	"net/http"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/keyvault/armkeyvault"

	"github.com/sdescan/sdescan/checks"
)

var keyVaultTypes = []string{"azure.keyvault.vault"}

func init() {
	register(service{
		name:    "keyvault",
		covers:  keyVaultTypes,
		collect: (*collector).collectKeyVaults,
		ops: []Operation{
			{"Vaults.ListBySubscription", http.MethodGet, "/subscriptions/{subscriptionId}/providers/Microsoft.KeyVault/vaults", "Microsoft.KeyVault/vaults/read"},
		},
	})
}

// collectKeyVaults lists the subscription's key vaults with their properties
// (Vaults.ListBySubscription; Vaults.List would give bare resources without
// them). Settings ARM leaves out are null.
func (c *collector) collectKeyVaults(ctx context.Context) {
	client, err := armkeyvault.NewVaultsClient(c.sub, c.cred, c.options())
	var vaults []*armkeyvault.Vault
	if err == nil {
		vaults, err = listAll(ctx, client.NewListBySubscriptionPager(nil), func(p armkeyvault.VaultsClientListBySubscriptionResponse) []*armkeyvault.Vault { return p.Value })
	}
	if err != nil {
		c.fail(checks.CollectError{Service: "keyvault", API: "Vaults.ListBySubscription", ResourceTypes: keyVaultTypes, Message: errorMessage(err)})
		return
	}
	for _, v := range vaults {
		p := v.Properties
		if p == nil {
			p = &armkeyvault.VaultProperties{}
		}
		attrs := map[string]any{
			"name":                       val(v.Name),
			"resource_group":             strings.ToLower(resourceGroup(val(v.ID))),
			"enable_soft_delete":         deref(p.EnableSoftDelete),
			"soft_delete_retention_days": nil,
			"enable_purge_protection":    deref(p.EnablePurgeProtection),
			"public_network_access":      deref(p.PublicNetworkAccess),
			"enable_rbac_authorization":  deref(p.EnableRbacAuthorization),
			"network_default_action":     nil,
		}
		if p.SoftDeleteRetentionInDays != nil {
			attrs["soft_delete_retention_days"] = int(*p.SoftDeleteRetentionInDays)
		}
		if p.NetworkACLs != nil {
			attrs["network_default_action"] = str(p.NetworkACLs.DefaultAction)
		}
		c.add(checks.Resource{ID: armID(v.ID), Type: "azure.keyvault.vault", Source: Name,
			Scope: checks.Scope{Account: c.sub, Region: strings.ToLower(val(v.Location))}, Tags: tags(v.Tags), Attributes: attrs})
	}
}
