package reports

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/checks/engine"
	"github.com/sdescan/sdescan/collectors"
)

// azureBackupFacts: a classified machine backed up six hours before the
// collection in a locked, geo-redundant Recovery Services vault with a
// customer-managed key; a classified disk whose vaults could not be read; the
// vault itself.
const azureBackupFacts = `{
  "tool": {"name": "sdescan", "version": "test"},
  "collected_at": "2026-12-01T10:00:00Z",
  "runs": [{"collector": "azure", "scope": "1", "started": "2026-12-01T10:00:00Z", "ended": "2026-12-01T10:00:00Z", "status": "ok"}],
  "resources": [
    {"id": "/subscriptions/1/resourcegroups/rg/providers/microsoft.compute/virtualmachines/vm-research", "type": "azure.compute.virtual_machine", "source": "azure",
     "scope": {"account": "1", "region": "uksouth"}, "tags": {"data-classification": "identifiable"},
     "attributes": {"name": "vm-research", "resource_group": "rg", "vm_size": null, "os_type": null, "os_disk": null, "data_disks": [],
       "backup": {"resource_id": "/subscriptions/1/resourcegroups/rg/providers/microsoft.compute/virtualmachines/vm-research", "native": [],
         "azure_backup": {"protected_by": [{"vault": "rsv-sde", "vault_id": "/subscriptions/1/resourcegroups/rg/providers/microsoft.recoveryservices/vaults/rsv-sde",
           "vault_type": "recovery-services", "policy": "DefaultPolicy", "protection_state": "Protected", "active": true, "retention_days": 35}]},
         "recovery_points": {"count": 1, "completed": 1, "newest_completed": "2026-12-01T04:00:00Z", "all_encrypted": true, "min_delete_after_days": 35,
           "vaults": [{"name": "rsv-sde", "id": "/subscriptions/1/resourcegroups/rg/providers/microsoft.recoveryservices/vaults/rsv-sde", "vault_type": "recovery-services",
             "locked": true, "lock_mode": "compliance", "immutability_state": "Locked", "soft_delete": true, "geo_redundant": true, "cross_region_restore": true,
             "storage_redundancy": "GeoRedundant", "encryption_key_type": "CUSTOMER_MANAGED_KEY"}]}}}},
    {"id": "/subscriptions/1/resourcegroups/rg/providers/microsoft.compute/disks/disk-data", "type": "azure.compute.disk", "source": "azure",
     "scope": {"account": "1", "region": "uksouth"}, "tags": {"data-classification": "pseudonymised"},
     "attributes": {"name": "disk-data", "resource_group": "rg", "managed_by": null, "sku": null, "disk_size_gb": null, "disk_state": null, "os_type": null, "encryption_type": null,
       "backup": {"resource_id": "/subscriptions/1/resourcegroups/rg/providers/microsoft.compute/disks/disk-data", "native": []}}},
    {"id": "/subscriptions/1/resourcegroups/rg/providers/microsoft.recoveryservices/vaults/rsv-sde", "type": "azure.recoveryservices.vault", "source": "azure",
     "scope": {"account": "1", "region": "uksouth"},
     "attributes": {"name": "rsv-sde", "resource_group": "rg", "soft_delete_state": "AlwaysON", "soft_delete_days": 14, "immutability_state": "Locked",
       "storage_redundancy": "GeoRedundant", "cross_region_restore": "Enabled", "cmk_key_uri": "https://kv.vault.azure.net/keys/k", "protected_items": [
         {"name": "VM;vm-research", "source_resource_id": "/subscriptions/1/resourcegroups/rg/providers/microsoft.compute/virtualmachines/vm-research",
          "protected_item_type": "Microsoft.Compute/virtualMachines", "workload_type": "VM", "backup_management_type": "AzureIaasVM", "policy_id": "p",
          "policy_name": "DefaultPolicy", "protection_state": "Protected", "last_backup_status": "Completed", "soft_deleted": false,
          "last_recovery_point": "2026-12-01T04:00:00Z"}]}}
  ]
}`

// TestBackupReviewAzure: Azure stores are rows of the review (a protected
// machine met, with its vault policy as its plan; a disk whose vaults could
// not be read not assessed, with the Azure access to grant), and Azure vaults
// are listed with their lock, soft delete, redundancy and key.
func TestBackupReviewAzure(t *testing.T) {
	f, err := checks.DecodeFactsBytes([]byte(azureBackupFacts), "azure facts")
	if err != nil {
		t.Fatal(err)
	}
	e, err := engine.New(collectors.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	p := engine.Params{AsOf: f.AsOf()}
	findings, err := e.Evaluate(context.Background(), f, p)
	if err != nil {
		t.Fatal(err)
	}
	rv := NewBackupReview(f, findings, p, "valid")
	if len(rv.Stores) != 2 {
		t.Fatalf("stores %+v", rv.Stores)
	}
	vm, disk := rv.Stores[0], rv.Stores[1]
	if vm.Name != "vm-research" || vm.Status != "met" || strings.Join(vm.Mechanisms, ",") != "azure-backup" || strings.Join(vm.Plans, ",") != "DefaultPolicy (rsv-sde)" ||
		vm.Locked != "1 of 1 vaults" || vm.Copied != "yes" || vm.Retention != "35 days" || vm.NewestAgeHours == nil || *vm.NewestAgeHours != 6 {
		t.Errorf("machine %+v", vm)
	}
	if disk.Name != "disk-data" || disk.Status != "not_assessed" || len(disk.Problems) != 0 {
		t.Errorf("disk %+v", disk)
	}
	if len(rv.Vaults) != 1 {
		t.Fatalf("vaults %+v", rv.Vaults)
	}
	if v := rv.Vaults[0]; v.Name != "rsv-sde" || v.Lock != "compliance" || v.SoftDelete != "on" || v.Redundancy != "GeoRedundant, cross-region restore" ||
		v.Key != "customer-managed" || v.Protects == nil || *v.Protects != 1 {
		t.Errorf("vault %+v", v)
	}
	if got := strings.Join(rv.Plan, "\n"); !strings.Contains(got, "disk-data: could not be fully assessed; grant the reader role read access to the Recovery Services and Backup vaults") {
		t.Errorf("plan %q", rv.Plan)
	}
	var tbl, m bytes.Buffer
	if err := WriteBackupTable(&tbl, rv, 100); err != nil || !strings.Contains(tbl.String(), "Vaults:") || !strings.Contains(tbl.String(), "rsv-sde") {
		t.Errorf("table (%v):\n%s", err, tbl.String())
	}
	if err := WriteBackupMarkdown(&m, rv); err != nil || !strings.Contains(m.String(), "| rsv-sde | azure.recoveryservices.vault | uksouth | compliance | on |") {
		t.Errorf("markdown (%v):\n%s", err, m.String())
	}
}
