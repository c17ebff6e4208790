package azure

import (
	"context"
	"encoding/json"
	"math"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/dataprotection/armdataprotection/v3"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/recoveryservices/armrecoveryservices"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/recoveryservices/armrecoveryservicesbackup/v4"

	"github.com/sdescan/sdescan/checks"
)

var (
	rsVaultTypes     = []string{"azure.recoveryservices.vault"}
	backupVaultTypes = []string{"azure.dataprotection.backup_vault"}
	backupTypes      = []string{"azure.dataprotection.backup_vault", "azure.recoveryservices.vault"}
)

func init() {
	register(service{
		name:    "backup",
		covers:  backupTypes,
		collect: (*collector).collectBackup,
		ops: []Operation{
			{"Vaults.ListBySubscriptionID", http.MethodGet, "/subscriptions/{subscriptionId}/providers/Microsoft.RecoveryServices/vaults", "Microsoft.RecoveryServices/vaults/read"},
			{"BackupProtectedItems.List", http.MethodGet, "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.RecoveryServices/vaults/{vaultName}/backupProtectedItems", "Microsoft.RecoveryServices/vaults/backupProtectedItems/read"},
			{"BackupPolicies.List", http.MethodGet, "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.RecoveryServices/vaults/{vaultName}/backupPolicies", "Microsoft.RecoveryServices/vaults/backupPolicies/read"},
			{"BackupVaults.GetInSubscription", http.MethodGet, "/subscriptions/{subscriptionId}/providers/Microsoft.DataProtection/backupVaults", "Microsoft.DataProtection/backupVaults/read"},
			{"BackupInstances.List", http.MethodGet, "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.DataProtection/backupVaults/{vaultName}/backupInstances", "Microsoft.DataProtection/backupVaults/backupInstances/read"},
			{"RecoveryPoints.List", http.MethodGet, "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.DataProtection/backupVaults/{vaultName}/backupInstances/{backupInstanceName}/recoveryPoints", "Microsoft.DataProtection/backupVaults/backupInstances/recoveryPoints/read"},
		},
	})
}

// collectBackup reads the subscription's Recovery Services vaults (with their
// protected items and backup policies) and Backup vaults (with their backup
// instances and each instance's recovery points: one listing per instance).
// What could not be read is left out of the vault it belongs to and recorded,
// so the backup join makes the stores' backup facts unknown rather than "no
// backup".
func (c *collector) collectBackup(ctx context.Context) {
	c.collectRecoveryServicesVaults(ctx)
	c.collectBackupVaults(ctx)
}

func (c *collector) backupFail(api, resource string, types []string, err error) {
	c.fail(checks.CollectError{Service: "backup", API: api, Resource: resource, ResourceTypes: types, Message: errorMessage(err)})
}

// --- Recovery Services vaults ---------------------------------------------------

func (c *collector) collectRecoveryServicesVaults(ctx context.Context) {
	vaults, err := armrecoveryservices.NewVaultsClient(c.sub, c.cred, c.options())
	var list []*armrecoveryservices.Vault
	if err == nil {
		list, err = listAll(ctx, vaults.NewListBySubscriptionIDPager(nil), func(p armrecoveryservices.VaultsClientListBySubscriptionIDResponse) []*armrecoveryservices.Vault {
			return p.Value
		})
	}
	if err != nil {
		c.backupFail("Vaults.ListBySubscriptionID", "", rsVaultTypes, err)
		return
	}
	items, err := armrecoveryservicesbackup.NewBackupProtectedItemsClient(c.sub, c.cred, c.options())
	var policies *armrecoveryservicesbackup.BackupPoliciesClient
	if err == nil {
		policies, err = armrecoveryservicesbackup.NewBackupPoliciesClient(c.sub, c.cred, c.options())
	}
	if err != nil {
		c.backupFail("BackupProtectedItems.List", "", rsVaultTypes, err)
		return
	}
	eachConcurrently(list, func(v *armrecoveryservices.Vault) { c.collectRecoveryServicesVault(ctx, items, policies, v) })
}

// eachConcurrently calls f for every element, resourceWorkers at a time.
func eachConcurrently[T any](list []T, f func(T)) {
	jobs := make(chan T)
	var wg sync.WaitGroup
	for range min(resourceWorkers, max(len(list), 1)) {
		wg.Go(func() {
			for x := range jobs {
				f(x)
			}
		})
	}
	for _, x := range list {
		jobs <- x
	}
	close(jobs)
	wg.Wait()
}

// collectRecoveryServicesVault records one vault: soft delete, immutability,
// storage redundancy and cross-region restore, customer-managed key, and its
// protected items and policies (each left out, and the failure recorded, when
// it could not be listed). Unset settings are Azure's defaults for a vault:
// soft delete enabled, immutability disabled, geo-redundant storage, no
// cross-region restore, platform-managed keys.
func (c *collector) collectRecoveryServicesVault(ctx context.Context, items *armrecoveryservicesbackup.BackupProtectedItemsClient, policies *armrecoveryservicesbackup.BackupPoliciesClient, v *armrecoveryservices.Vault) {
	id := armID(v.ID)
	attrs := map[string]any{
		"name":                 val(v.Name),
		"resource_group":       strings.ToLower(resourceGroup(val(v.ID))),
		"soft_delete_state":    nil,
		"soft_delete_days":     nil,
		"immutability_state":   nil,
		"storage_redundancy":   nil,
		"cross_region_restore": nil,
		"cmk_key_uri":          nil,
	}
	if p := v.Properties; p != nil {
		if s := p.SecuritySettings; s != nil {
			if d := s.SoftDeleteSettings; d != nil {
				attrs["soft_delete_state"] = str(d.SoftDeleteState)
				attrs["soft_delete_days"] = deref(d.SoftDeleteRetentionPeriodInDays)
			}
			if i := s.ImmutabilitySettings; i != nil {
				attrs["immutability_state"] = str(i.State)
			}
		}
		if r := p.RedundancySettings; r != nil {
			attrs["storage_redundancy"] = str(r.StandardTierStorageRedundancy)
			attrs["cross_region_restore"] = str(r.CrossRegionRestore)
		}
		if e := p.Encryption; e != nil && e.KeyVaultProperties != nil {
			attrs["cmk_key_uri"] = deref(e.KeyVaultProperties.KeyURI)
		}
	}
	if rg := resourceGroup(val(v.ID)); rg != "" {
		list, err := listAll(ctx, items.NewListPager(val(v.Name), rg, nil), func(p armrecoveryservicesbackup.BackupProtectedItemsClientListResponse) []*armrecoveryservicesbackup.ProtectedItemResource {
			return p.Value
		})
		if err != nil {
			c.backupFail("BackupProtectedItems.List", id, rsVaultTypes, err)
		} else {
			attrs["protected_items"] = protectedItems(list)
		}
		pols, err := listAll(ctx, policies.NewListPager(val(v.Name), rg, nil), func(p armrecoveryservicesbackup.BackupPoliciesClientListResponse) []*armrecoveryservicesbackup.ProtectionPolicyResource {
			return p.Value
		})
		if err != nil {
			c.backupFail("BackupPolicies.List", id, rsVaultTypes, err)
		} else {
			attrs["policies"] = backupPolicies(pols)
		}
	}
	c.add(checks.Resource{ID: id, Type: "azure.recoveryservices.vault", Source: Name,
		Scope: checks.Scope{Account: c.sub, Region: strings.ToLower(val(v.Location))}, Tags: tags(v.Tags), Attributes: attrs})
}

// itemFields are the fields read of a protected item, whatever its kind (the
// SDK types each kind apart; protectionState and lastBackupStatus are on most
// kinds, not on the base).
type itemFields struct {
	ProtectedItemType            string `json:"protectedItemType"`
	SourceResourceID             string `json:"sourceResourceId"`
	WorkloadType                 string `json:"workloadType"`
	BackupManagementType         string `json:"backupManagementType"`
	PolicyID                     string `json:"policyId"`
	PolicyName                   string `json:"policyName"`
	ProtectionState              string `json:"protectionState"`
	LastBackupStatus             string `json:"lastBackupStatus"`
	LastBackupTime               string `json:"lastBackupTime"`
	LastRecoveryPoint            string `json:"lastRecoveryPoint"`
	IsScheduledForDeferredDelete bool   `json:"isScheduledForDeferredDelete"`
}

// protectedItems summarises a vault's protected items, sorted by source.
func protectedItems(list []*armrecoveryservicesbackup.ProtectedItemResource) []any {
	out := []any{}
	for _, it := range list {
		if it.Properties == nil {
			continue
		}
		b, err := json.Marshal(it.Properties)
		if err != nil {
			continue
		}
		var f itemFields
		if json.Unmarshal(b, &f) != nil {
			continue
		}
		e := map[string]any{
			"name":                   val(it.Name),
			"source_resource_id":     strings.ToLower(f.SourceResourceID),
			"protected_item_type":    f.ProtectedItemType,
			"workload_type":          f.WorkloadType,
			"backup_management_type": f.BackupManagementType,
			"policy_id":              strings.ToLower(f.PolicyID),
			"policy_name":            f.PolicyName,
			"protection_state":       f.ProtectionState,
			"last_backup_status":     f.LastBackupStatus,
			"soft_deleted":           f.IsScheduledForDeferredDelete,
		}
		if t := rfc3339(f.LastRecoveryPoint); t != "" {
			e["last_recovery_point"] = t
		}
		if t := rfc3339(f.LastBackupTime); t != "" {
			e["last_backup_time"] = t
		}
		out = append(out, e)
	}
	sortBy(out, "source_resource_id", "name")
	return out
}

// backupPolicies gives each policy's shortest retention in days (the
// shortest-lived recovery point it keeps), or no retention_days when the
// policy states none that could be read.
func backupPolicies(list []*armrecoveryservicesbackup.ProtectionPolicyResource) []any {
	out := []any{}
	for _, p := range list {
		e := map[string]any{"name": val(p.Name), "id": armID(p.ID)}
		if p.Properties != nil {
			if b, err := json.Marshal(p.Properties); err == nil {
				var doc any
				if json.Unmarshal(b, &doc) == nil {
					if d, ok := shortestRetention(doc); ok {
						e["retention_days"] = d
					}
				}
			}
		}
		out = append(out, e)
	}
	sortBy(out, "id", "name")
	return out
}

// shortestRetention walks a policy document for every retentionDuration
// ({count, durationType}) and returns the shortest in days (a month counted
// as 30 days, a year as 365).
func shortestRetention(doc any) (float64, bool) {
	best, found := math.Inf(1), false
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if r, ok := x["retentionDuration"].(map[string]any); ok {
				n, _ := r["count"].(float64)
				unit := map[string]float64{"days": 1, "weeks": 7, "months": 30, "years": 365}[strings.ToLower(asString(r["durationType"]))]
				if n > 0 && unit > 0 && n*unit < best {
					best, found = n*unit, true
				}
			}
			for _, c := range x {
				walk(c)
			}
		case []any:
			for _, c := range x {
				walk(c)
			}
		}
	}
	walk(doc)
	return best, found
}

// asString is v if it is a string, else "".
func asString(v any) string {
	s, _ := v.(string)
	return s
}

// --- Backup vaults (Microsoft.DataProtection) -------------------------------------

type dataProtectionClients struct {
	instances *armdataprotection.BackupInstancesClient
	points    *armdataprotection.RecoveryPointsClient
}

func (c *collector) collectBackupVaults(ctx context.Context) {
	vaults, err := armdataprotection.NewBackupVaultsClient(c.sub, c.cred, c.options())
	var list []*armdataprotection.BackupVaultResource
	if err == nil {
		list, err = listAll(ctx, vaults.NewGetInSubscriptionPager(nil), func(p armdataprotection.BackupVaultsClientGetInSubscriptionResponse) []*armdataprotection.BackupVaultResource {
			return p.Value
		})
	}
	if err != nil {
		c.backupFail("BackupVaults.GetInSubscription", "", backupVaultTypes, err)
		return
	}
	var cl dataProtectionClients
	if cl.instances, err = armdataprotection.NewBackupInstancesClient(c.sub, c.cred, c.options()); err == nil {
		cl.points, err = armdataprotection.NewRecoveryPointsClient(c.sub, c.cred, c.options())
	}
	if err != nil {
		c.backupFail("BackupInstances.List", "", backupVaultTypes, err)
		return
	}
	eachConcurrently(list, func(v *armdataprotection.BackupVaultResource) { c.collectBackupVault(ctx, cl, v) })
}

// collectBackupVault records one Backup vault: soft delete, immutability,
// storage redundancy, cross-region restore, customer-managed key, and its
// backup instances with a summary of each one's recovery points (left out,
// and the failure recorded, when they could not be listed). Unset settings
// are Azure's defaults: soft delete on, immutability disabled, cross-region
// restore off, platform-managed keys.
func (c *collector) collectBackupVault(ctx context.Context, cl dataProtectionClients, v *armdataprotection.BackupVaultResource) {
	id := armID(v.ID)
	attrs := map[string]any{
		"name":                 val(v.Name),
		"resource_group":       strings.ToLower(resourceGroup(val(v.ID))),
		"soft_delete_state":    nil,
		"soft_delete_days":     nil,
		"immutability_state":   nil,
		"storage_redundancy":   nil,
		"cross_region_restore": nil,
		"cmk_state":            nil,
	}
	if p := v.Properties; p != nil {
		if s := p.SecuritySettings; s != nil {
			if d := s.SoftDeleteSettings; d != nil {
				attrs["soft_delete_state"] = str(d.State)
				attrs["soft_delete_days"] = deref(d.RetentionDurationInDays)
			}
			if i := s.ImmutabilitySettings; i != nil {
				attrs["immutability_state"] = str(i.State)
			}
			if e := s.EncryptionSettings; e != nil {
				attrs["cmk_state"] = str(e.State)
			}
		}
		for _, st := range p.StorageSettings {
			// The vault store's redundancy (the one recovery points are kept in).
			if st != nil && (st.DatastoreType == nil || *st.DatastoreType == armdataprotection.StorageSettingStoreTypesVaultStore) {
				attrs["storage_redundancy"] = str(st.Type)
			}
		}
		if f := p.FeatureSettings; f != nil && f.CrossRegionRestoreSettings != nil {
			attrs["cross_region_restore"] = str(f.CrossRegionRestoreSettings.State)
		}
	}
	rg := resourceGroup(val(v.ID))
	if rg != "" {
		list, err := listAll(ctx, cl.instances.NewListPager(rg, val(v.Name), nil), func(p armdataprotection.BackupInstancesClientListResponse) []*armdataprotection.BackupInstanceResource {
			return p.Value
		})
		if err != nil {
			c.backupFail("BackupInstances.List", id, backupVaultTypes, err)
		} else {
			out := []any{}
			for _, bi := range list {
				out = append(out, c.backupInstance(ctx, cl, rg, val(v.Name), id, bi))
			}
			sortBy(out, "data_source_id", "name")
			attrs["backup_instances"] = out
		}
	}
	c.add(checks.Resource{ID: id, Type: "azure.dataprotection.backup_vault", Source: Name,
		Scope: checks.Scope{Account: c.sub, Region: strings.ToLower(val(v.Location))}, Tags: tags(v.Tags), Attributes: attrs})
}

// backupInstance summarises one backup instance and lists its recovery points
// once (every page): how many, how many completed, the newest completed, and
// the shortest retention (expiry less recovery time). recovery_points is left
// out, and the failure recorded, when the listing fails.
func (c *collector) backupInstance(ctx context.Context, cl dataProtectionClients, rg, vault, vaultID string, bi *armdataprotection.BackupInstanceResource) map[string]any {
	e := map[string]any{"name": val(bi.Name), "data_source_id": "", "data_source_type": "", "protection_status": nil, "protection_state": nil, "policy_id": ""}
	if p := bi.Properties; p != nil {
		if d := p.DataSourceInfo; d != nil {
			e["data_source_id"] = armID(d.ResourceID)
			e["data_source_type"] = val(d.DatasourceType)
		}
		if s := p.ProtectionStatus; s != nil {
			e["protection_status"] = str(s.Status)
		}
		e["protection_state"] = str(p.CurrentProtectionState)
		if p.PolicyInfo != nil {
			e["policy_id"] = armID(p.PolicyInfo.PolicyID)
		}
	}
	points, err := listAll(ctx, cl.points.NewListPager(rg, vault, val(bi.Name), nil), func(p armdataprotection.RecoveryPointsClientListResponse) []*armdataprotection.AzureBackupRecoveryPointResource {
		return p.Value
	})
	if err != nil {
		c.backupFail("RecoveryPoints.List", vaultID+"/backupinstances/"+strings.ToLower(val(bi.Name)), backupVaultTypes, err)
		return e
	}
	count, completed := 0, 0
	var newest time.Time
	minDays := math.Inf(1)
	for _, rp := range points {
		d, ok := rp.Properties.(*armdataprotection.AzureBackupDiscreteRecoveryPoint)
		if !ok || d == nil {
			continue
		}
		count++
		if d.RecoveryPointState != nil && *d.RecoveryPointState != armdataprotection.RecoveryPointCompletionStateCompleted {
			continue
		}
		completed++
		if d.RecoveryPointTime != nil {
			if d.RecoveryPointTime.After(newest) {
				newest = *d.RecoveryPointTime
			}
			if d.ExpiryTime != nil {
				if days := d.ExpiryTime.Sub(*d.RecoveryPointTime).Hours() / 24; days < minDays {
					minDays = days
				}
			}
		}
	}
	rp := map[string]any{"count": count, "completed": completed}
	if !newest.IsZero() {
		rp["newest_completed"] = newest.UTC().Format(time.RFC3339)
	}
	if !math.IsInf(minDays, 1) {
		rp["min_delete_after_days"] = math.Floor(minDays)
	}
	e["recovery_points"] = rp
	return e
}

// rfc3339 normalises a time ARM gave (any RFC 3339 form) to UTC seconds; ""
// when absent or unreadable.
func rfc3339(s string) string {
	if s == "" {
		return ""
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return ""
	}
	if t.Year() < 1900 {
		return "" // ARM's "0001-01-01T00:00:00Z": never
	}
	return t.UTC().Format(time.RFC3339)
}

// sortBy orders maps by two string keys.
func sortBy(list []any, k1, k2 string) {
	sort.SliceStable(list, func(i, j int) bool {
		a, b := list[i].(map[string]any), list[j].(map[string]any)
		if x, y := asString(a[k1]), asString(b[k1]); x != y {
			return x < y
		}
		return asString(a[k2]) < asString(b[k2])
	})
}
