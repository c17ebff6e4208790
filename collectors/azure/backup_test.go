package azure

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/checks/engine"
	"github.com/sdescan/sdescan/checks/schema"
	"github.com/sdescan/sdescan/collectors"
)

// backupEstateEmpty answers the backup, compute and SQL database listings of
// the common stand-in estate with none (the SQL servers have no databases).
func backupEstateEmpty(a *armStandIn) {
	s := "/subscriptions/" + sub1
	for _, p := range []string{"Microsoft.RecoveryServices/vaults", "Microsoft.DataProtection/backupVaults", "Microsoft.Compute/virtualMachines", "Microsoft.Compute/disks"} {
		a.set(s+"/providers/"+p, `{"value": []}`)
	}
	sql := s + "/resourceGroups/rg-sde/providers/Microsoft.Sql/servers"
	a.set(sql+"/sql-sde/databases", `{"value": []}`)
	a.set(sql+"/sql-legacy/databases", `{"value": []}`)
}

const (
	bkRG      = "/subscriptions/" + sub1 + "/resourceGroups/rg-sde"
	bkVMFresh = bkRG + "/providers/Microsoft.Compute/virtualMachines/vm-fresh"
	bkVMStale = bkRG + "/providers/Microsoft.Compute/virtualMachines/vm-stale"
	bkRSV     = bkRG + "/providers/Microsoft.RecoveryServices/vaults/rsv-sde"
	bkBV      = bkRG + "/providers/Microsoft.DataProtection/backupVaults/bv-sde"
	bkPG      = bkRG + "/providers/Microsoft.DBforPostgreSQL/flexibleServers/pg-sde"
	bkSQL     = bkRG + "/providers/Microsoft.Sql/servers/sql-sde"
	bkSA      = bkRG + "/providers/Microsoft.Storage/storageAccounts/SaData"
)

func disk(name string) string { return bkRG + "/providers/Microsoft.Compute/disks/" + name }

// backupEstate serves, over the common estate: two machines, one backed up
// six hours before the collection and one six days before, in a Recovery
// Services vault (locked, geo-redundant, customer-managed key; items over two
// pages) that also protects SaData's file shares; their disks and an
// unattached, unprotected disk; a Backup vault (locally redundant, no
// immutability) protecting the PostgreSQL server with two recovery points; and
// a SQL database with 7 days of point-in-time restore and 4 weeks of
// long-term retention.
func backupEstate(a *armStandIn) {
	s := "/subscriptions/" + sub1
	vm := func(id, name, osDisk, dataDisk string) string {
		data := ""
		if dataDisk != "" {
			data = `{"lun": 0, "name": "d", "managedDisk": {"id": "` + dataDisk + `"}}`
		}
		return `{"id": "` + id + `", "name": "` + name + `", "location": "uksouth", "tags": {"data-classification": "identifiable"}, "properties": {"hardwareProfile": {"vmSize": "Standard_D4s_v5"},
		  "storageProfile": {"osDisk": {"osType": "Linux", "managedDisk": {"id": "` + osDisk + `"}}, "dataDisks": [` + data + `]}}}`
	}
	// Machines refer to their disks in another case than the disks' own IDs.
	a.set(s+"/providers/Microsoft.Compute/virtualMachines", `{"value": [`+
		vm(bkVMFresh, "vm-fresh", strings.ToUpper(disk("osdisk-fresh")), disk("data-fresh"))+`, `+
		vm(bkVMStale, "vm-stale", disk("osdisk-stale"), "")+`]}`)
	d := func(name, managedBy string) string {
		mb := ""
		if managedBy != "" {
			mb = `"managedBy": "` + managedBy + `", `
		}
		return `{"id": "` + disk(name) + `", "name": "` + name + `", "location": "uksouth", ` + mb + `"sku": {"name": "Premium_LRS"},
		  "properties": {"diskSizeGB": 128, "diskState": "Attached", "encryption": {"type": "EncryptionAtRestWithPlatformKey"}}}`
	}
	loose := strings.Replace(d("disk-loose", ""), `"sku"`, `"tags": {"data-classification": "pseudonymised"}, "sku"`, 1)
	a.set(s+"/providers/Microsoft.Compute/disks", `{"value": [`+d("osdisk-fresh", bkVMFresh)+`, `+d("data-fresh", bkVMFresh)+`, `+d("osdisk-stale", bkVMStale)+`, `+loose+`]}`)

	a.set(s+"/providers/Microsoft.RecoveryServices/vaults", `{"value": [{"id": "`+bkRSV+`", "name": "rsv-sde", "location": "uksouth", "sku": {"name": "RS0", "tier": "Standard"},
	  "properties": {"securitySettings": {"softDeleteSettings": {"softDeleteState": "AlwaysON", "softDeleteRetentionPeriodInDays": 14}, "immutabilitySettings": {"state": "Locked"}},
	    "redundancySettings": {"standardTierStorageRedundancy": "GeoRedundant", "crossRegionRestore": "Enabled"},
	    "encryption": {"keyVaultProperties": {"keyUri": "https://kv-sde.vault.azure.net/keys/backup"}, "kekIdentity": {"useSystemAssignedIdentity": true}}}}]}`)
	item := func(name, typ, workload, mgmt, src, last string) string {
		return `{"id": "` + bkRSV + `/backupFabrics/Azure/protectionContainers/c/protectedItems/` + name + `", "name": "` + name + `",
		  "type": "Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers/protectedItems",
		  "properties": {"protectedItemType": "` + typ + `", "backupManagementType": "` + mgmt + `", "workloadType": "` + workload + `",
		    "sourceResourceId": "` + src + `", "policyId": "` + bkRSV + `/backupPolicies/DefaultPolicy", "policyName": "DefaultPolicy",
		    "protectionState": "Protected", "lastBackupStatus": "Completed", "lastRecoveryPoint": "` + last + `"}}`
	}
	a.set(bkRSV+"/backupProtectedItems",
		`{"value": [`+item("VM;iaasvmcontainerv2;rg-sde;vm-fresh", "Microsoft.Compute/virtualMachines", "VM", "AzureIaasVM", strings.ToUpper(bkVMFresh), "2026-12-01T04:00:00.1234567Z")+`]}`,
		`{"value": [`+item("VM;iaasvmcontainerv2;rg-sde;vm-stale", "Microsoft.Compute/virtualMachines", "VM", "AzureIaasVM", bkVMStale, "2026-11-25T04:00:00Z")+`, `+
			item("AzureFileShare;share1", "AzureFileShareProtectedItem", "AzureFileShare", "AzureStorage", bkSA, "2026-12-01T01:00:00Z")+`]}`)
	a.set(bkRSV+"/backupPolicies", `{"value": [{"id": "`+bkRSV+`/backupPolicies/DefaultPolicy", "name": "DefaultPolicy",
	  "properties": {"backupManagementType": "AzureIaasVM", "instantRpRetentionRangeInDays": 2,
	    "schedulePolicy": {"schedulePolicyType": "SimpleSchedulePolicy", "scheduleRunFrequency": "Daily", "scheduleRunTimes": ["2026-01-01T02:00:00Z"]},
	    "retentionPolicy": {"retentionPolicyType": "LongTermRetentionPolicy",
	      "dailySchedule": {"retentionTimes": ["2026-01-01T02:00:00Z"], "retentionDuration": {"count": 30, "durationType": "Days"}},
	      "weeklySchedule": {"daysOfTheWeek": ["Sunday"], "retentionTimes": ["2026-01-01T02:00:00Z"], "retentionDuration": {"count": 12, "durationType": "Weeks"}}}}}]}`)

	a.set(s+"/providers/Microsoft.DataProtection/backupVaults", `{"value": [{"id": "`+bkBV+`", "name": "bv-sde", "location": "uksouth",
	  "properties": {"storageSettings": [{"datastoreType": "VaultStore", "type": "LocallyRedundant"}],
	    "securitySettings": {"softDeleteSettings": {"state": "On", "retentionDurationInDays": 14}, "immutabilitySettings": {"state": "Disabled"}}}}]}`)
	a.set(bkBV+"/backupInstances", `{"value": [{"id": "`+bkBV+`/backupInstances/pg-sde-1", "name": "pg-sde-1", "properties": {"objectType": "BackupInstance",
	  "dataSourceInfo": {"objectType": "Datasource", "resourceID": "`+bkPG+`", "datasourceType": "Microsoft.DBforPostgreSQL/flexibleServers/databases", "resourceName": "pg-sde"},
	  "policyInfo": {"policyId": "`+bkBV+`/backupPolicies/pg-weekly"}, "protectionStatus": {"status": "ProtectionConfigured"}, "currentProtectionState": "ProtectionConfigured"}}]}`)
	rp := func(id, at, expiry string) string {
		return `{"id": "` + bkBV + `/backupInstances/pg-sde-1/recoveryPoints/` + id + `", "name": "` + id + `", "properties": {"objectType": "AzureBackupDiscreteRecoveryPoint",
		  "recoveryPointId": "` + id + `", "recoveryPointTime": "` + at + `", "recoveryPointType": "Full", "expiryTime": "` + expiry + `", "recoveryPointState": "Completed"}}`
	}
	a.set(bkBV+"/backupInstances/pg-sde-1/recoveryPoints", `{"value": [`+rp("rp1", "2026-11-24T01:00:00Z", "2027-02-23T01:00:00Z")+`, `+rp("rp2", "2026-12-01T01:00:00Z", "2027-03-02T01:00:00Z")+`]}`)

	a.set(bkSQL+"/databases", `{"value": [
	  {"id": "`+bkSQL+`/databases/master", "name": "master", "location": "uksouth", "kind": "v12.0,system", "properties": {"status": "Online"}},
	  {"id": "`+bkSQL+`/databases/research", "name": "research", "location": "uksouth", "kind": "v12.0,user,vcore", "sku": {"name": "GP_Gen5_2"},
	   "properties": {"status": "Online", "currentBackupStorageRedundancy": "Geo", "requestedBackupStorageRedundancy": "Geo", "earliestRestoreDate": "2026-11-24T10:00:00Z"}}]}`)
	a.set(bkSQL+"/databases/research/backupShortTermRetentionPolicies/default", `{"id": "x", "name": "default", "properties": {"retentionDays": 7, "diffBackupIntervalInHours": 12}}`)
	a.set(bkSQL+"/databases/research/backupLongTermRetentionPolicies/default", `{"id": "y", "name": "default", "properties": {"weeklyRetention": "P4W", "monthlyRetention": "PT0S", "yearlyRetention": "PT0S", "weekOfYear": 0}}`)
}

func collectBackupEstate(t *testing.T, prepare func(a *armStandIn)) (*checks.Facts, map[string]checks.Resource) {
	t.Helper()
	a := newStandIn(t)
	estate(a)
	backupEstate(a)
	if prepare != nil {
		prepare(a)
	}
	opts := a.options()
	opts.Subscriptions = []string{sub1}
	f := Collect(context.Background(), staticCredential{}, opts)
	if err := f.Validate(); err != nil {
		t.Fatal(err)
	}
	return f, byID(f)
}

func backupOf(t *testing.T, res map[string]checks.Resource, id string) map[string]any {
	t.Helper()
	r, ok := res[strings.ToLower(id)]
	if !ok {
		t.Fatalf("%s not collected", id)
	}
	b, ok := r.Attributes["backup"].(map[string]any)
	if !ok {
		t.Fatalf("%s has no backup: %v", id, r.Attributes)
	}
	return b
}

// TestBackupJoin: each Azure store gets attributes.backup in the AWS shape:
// a machine backed up six hours ago (and its disks, through it), one backed
// up six days ago, an unprotected disk (protected by nothing: count 0), the
// PostgreSQL server's Backup vault points, the SQL database's automated
// backups and long-term retention, the file shares of a storage account.
func TestBackupJoin(t *testing.T) {
	f, res := collectBackupEstate(t, nil)
	if len(f.Runs) != 1 || f.Runs[0].Status != checks.RunOK {
		t.Fatalf("runs %+v", f.Runs)
	}
	matchesSchema(t, f)
	for _, tc := range []struct {
		id, key, want string
	}{
		{bkVMFresh, "recovery_points", `{"all_encrypted":true,"completed":1,"count":1,"min_delete_after_days":30,"newest_completed":"2026-12-01T04:00:00Z","vaults":[` +
			`{"cross_region_restore":true,"encryption_key_type":"CUSTOMER_MANAGED_KEY","geo_redundant":true,"id":"` + strings.ToLower(bkRSV) + `","immutability_state":"Locked","lock_mode":"compliance","locked":true,"name":"rsv-sde","soft_delete":true,"storage_redundancy":"GeoRedundant","vault_type":"recovery-services"}]}`},
		{bkVMFresh, "azure_backup", `{"protected_by":[{"active":true,"last_backup_status":"Completed","policy":"DefaultPolicy","protection_state":"Protected","retention_days":30,"vault":"rsv-sde","vault_id":"` + strings.ToLower(bkRSV) + `","vault_type":"recovery-services","workload_type":"VM"}]}`},
		{bkVMStale, "recovery_points", `"newest_completed":"2026-11-25T04:00:00Z"`},
		{disk("osdisk-fresh"), "azure_backup", `"via":"` + strings.ToLower(bkVMFresh) + `"`},
		{disk("data-fresh"), "recovery_points", `"newest_completed":"2026-12-01T04:00:00Z"`},
		{disk("osdisk-stale"), "recovery_points", `"newest_completed":"2026-11-25T04:00:00Z"`},
		{disk("disk-loose"), "azure_backup", `{"protected_by":[]}`},
		{disk("disk-loose"), "recovery_points", `{"completed":0,"count":0}`},
		{disk("disk-loose"), "native", `[]`},
		{bkPG, "recovery_points", `{"all_encrypted":true,"completed":2,"count":2,"min_delete_after_days":91,"newest_completed":"2026-12-01T01:00:00Z","vaults":[` +
			`{"cross_region_restore":false,"encryption_key_type":"PLATFORM_MANAGED_KEY","geo_redundant":false,"id":"` + strings.ToLower(bkBV) + `","immutability_state":"Disabled","locked":false,"name":"bv-sde","soft_delete":true,"storage_redundancy":"LocallyRedundant","vault_type":"backup-vault"}]}`},
		{bkPG, "native", `[{"enabled":true,"geo_redundant":false,"mechanism":"postgres-automated-backups","retention_days":7}]`},
		{bkSQL + "/databases/research", "native", `[{"enabled":true,"geo_redundant":true,"mechanism":"sql-automated-backups","retention_days":7,"storage_redundancy":"Geo"}]`},
		{bkSQL + "/databases/research", "azure_backup", `{"protected_by":[{"active":true,"policy":"default","protection_state":"Protected","retention_days":28,"vault":null,"vault_type":"sql-long-term-retention"}]}`},
		{bkSQL + "/databases/research", "recovery_points", `{"completed":0,"count":0}`},
		{bkSA, "recovery_points", `"newest_completed":"2026-12-01T01:00:00Z"`},
		{bkSA, "native", `[]`},
	} {
		got := jsonOf(t, backupOf(t, res, tc.id)[tc.key])
		if got != tc.want && !(strings.HasPrefix(tc.want, `"`) && strings.Contains(got, tc.want)) {
			t.Errorf("%s: %s = %s, want %s", tc.id, tc.key, got, tc.want)
		}
	}
	if _, ok := res[strings.ToLower(bkSQL+"/databases/master")]; ok {
		t.Error("master database collected")
	}
	if b := backupOf(t, res, bkSQL+"/databases/research"); b["resource_id"] != strings.ToLower(bkSQL+"/databases/research") {
		t.Errorf("resource_id %v", b["resource_id"])
	}
	vault := res[strings.ToLower(bkRSV)]
	if items, _ := vault.Attributes["protected_items"].([]any); vault.Type != "azure.recoveryservices.vault" || len(items) != 3 {
		t.Errorf("vault %+v", vault)
	}
	if got := jsonOf(t, vault.Attributes["policies"]); got != `[{"id":"`+strings.ToLower(bkRSV)+`/backuppolicies/defaultpolicy","name":"DefaultPolicy","retention_days":30}]` {
		t.Errorf("policies %s", got)
	}
}

// TestBackupJoinUnknown: what could not be read makes the stores' backup
// facts missing, never "no backup": a vault whose protected items answer 403
// (every store, as that vault could protect any), a 403 on the Recovery
// Services provider (every store), a Backup vault instance whose recovery
// points answer 403 (its store's recovery points only), policies unread
// (retention unknown). The stores' own mechanisms stay.
func TestBackupJoinUnknown(t *testing.T) {
	stores := []string{bkVMFresh, bkVMStale, disk("disk-loose"), disk("data-fresh"), bkPG, bkSA, bkSQL + "/databases/research"}
	for _, tc := range []struct {
		name, path string
		api        string
		unknown    []string // stores without azure_backup and recovery_points
		noPoints   []string // stores with azure_backup but no recovery_points
	}{
		{name: "protected items 403", path: "/vaults/rsv-sde/backupprotecteditems", api: "BackupProtectedItems.List", unknown: stores},
		{name: "Recovery Services 403", path: "/providers/microsoft.recoveryservices/", api: "Vaults.ListBySubscriptionID", unknown: stores},
		{name: "Backup vaults 403", path: "/providers/microsoft.dataprotection/", api: "BackupVaults.GetInSubscription", unknown: stores},
		{name: "recovery points 403", path: "/recoverypoints", api: "RecoveryPoints.List", noPoints: []string{bkPG}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, res := collectBackupEstate(t, func(a *armStandIn) {
				a.fail(tc.path, status(403, "AuthorizationFailed", "no access"))
			})
			if f.Runs[0].Status != checks.RunPartial {
				t.Fatalf("run %+v", f.Runs[0])
			}
			if e := f.Runs[0].Errors; len(e) != 1 || e[0].Service != "backup" || e[0].API != tc.api || !strings.Contains(e[0].Message, "HTTP 403") {
				t.Errorf("errors %+v", e)
			}
			for _, id := range tc.unknown {
				b := backupOf(t, res, id)
				if _, ok := b["azure_backup"]; ok {
					t.Errorf("%s: azure_backup %v although the vaults were not all read", id, b["azure_backup"])
				}
				if _, ok := b["recovery_points"]; ok {
					t.Errorf("%s: recovery_points %v although the vaults were not all read", id, b["recovery_points"])
				}
			}
			for _, id := range tc.noPoints {
				b := backupOf(t, res, id)
				if _, ok := b["azure_backup"]; !ok {
					t.Errorf("%s: azure_backup missing", id)
				}
				if _, ok := b["recovery_points"]; ok {
					t.Errorf("%s: recovery_points %v although they were not listed", id, b["recovery_points"])
				}
			}
			if n := backupOf(t, res, bkPG)["native"].([]any); len(n) != 1 {
				t.Errorf("PostgreSQL's own backups lost: %v", n)
			}
		})
	}
	t.Run("policies 403", func(t *testing.T) {
		_, res := collectBackupEstate(t, func(a *armStandIn) {
			a.fail("/backuppolicies", status(403, "AuthorizationFailed", "no access"))
		})
		pts := backupOf(t, res, bkVMFresh)["recovery_points"].(map[string]any)
		if pts["retention_unknown"] != true || pts["min_delete_after_days"] != nil || pts["newest_completed"] != "2026-12-01T04:00:00Z" {
			t.Errorf("recovery_points %v", pts)
		}
	})
	t.Run("long-term retention 403", func(t *testing.T) {
		_, res := collectBackupEstate(t, func(a *armStandIn) {
			a.fail("/backuplongtermretentionpolicies", status(403, "AuthorizationFailed", "no access"))
		})
		b := backupOf(t, res, bkSQL+"/databases/research")
		if _, ok := b["azure_backup"]; ok {
			t.Errorf("azure_backup %v although the long-term retention could not be read", b["azure_backup"])
		}
	})
	t.Run("compute 403", func(t *testing.T) {
		f, res := collectBackupEstate(t, func(a *armStandIn) {
			a.fail("/providers/microsoft.compute/", status(403, "AuthorizationFailed", "no access"))
		})
		if e := f.Runs[0].Errors; len(e) != 2 || e[0].API != "Disks.List" || e[0].ResourceTypes[0] != "azure.compute.disk" || e[1].API != "VirtualMachines.ListAll" {
			t.Errorf("errors %+v", e)
		}
		if _, ok := res[strings.ToLower(bkVMFresh)]; ok {
			t.Error("machine collected")
		}
	})
}

// TestISODays: SQL long-term retention durations.
func TestISODays(t *testing.T) {
	for in, want := range map[string]float64{"P4W": 28, "P12M": 360, "P5Y": 1825, "PT0S": 0, "P1Y2M3W4D": 365 + 60 + 21 + 4, "p10d": 10} {
		if got, ok := isoDays(in); !ok || got != want {
			t.Errorf("isoDays(%q) = %v %v, want %v", in, got, ok, want)
		}
	}
	if _, ok := isoDays("weekly"); ok {
		t.Error("isoDays(weekly) read")
	}
}

// matchesSchema proves the facts match facts.schema.json (attributes of every
// type, the backup join's included).
func matchesSchema(t *testing.T, f *checks.Facts) {
	t.Helper()
	var buf bytes.Buffer
	if err := checks.WriteJSON(&buf, f); err != nil {
		t.Fatal(err)
	}
	if err := schema.ValidateFacts(buf.Bytes()); err != nil {
		t.Errorf("the facts do not match facts.schema.json: %v", err)
	}
}

// bkpStatuses evaluates the built-in checks on the facts and returns each BKP
// check's status on each store, by store name and check ("BKP-002").
func bkpStatuses(t *testing.T, f *checks.Facts) map[string]map[string]checks.Status {
	t.Helper()
	e, err := engine.New(collectors.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	fs, err := e.Evaluate(context.Background(), f, engine.Params{AsOf: f.AsOf()})
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]string{}
	for _, r := range f.Resources {
		names[r.ID], _ = r.Attributes["name"].(string)
	}
	out := map[string]map[string]checks.Status{}
	for _, x := range fs {
		if !strings.HasPrefix(x.CheckID, "BKP-") {
			continue
		}
		n := names[x.ResourceID]
		if out[n] == nil {
			out[n] = map[string]checks.Status{}
		}
		out[n][x.CheckID] = x.Status
	}
	return out
}

// TestBackupChecksOnAzure: the BKP checks judge the joined Azure stores end to
// end: the machine backed up six hours ago in a locked, geo-redundant vault
// with a customer-managed key passes BKP-001 to 005 (its policy keeps 30 days:
// BKP-006 fails); the one backed up six days ago fails BKP-002; the
// unprotected disk fails BKP-001 and 002; and when the vault's protected
// items cannot be read, none of them fails for want of a backup: cannot
// assess (error).
func TestBackupChecksOnAzure(t *testing.T) {
	f, _ := collectBackupEstate(t, nil)
	got := bkpStatuses(t, f)
	for _, tc := range []struct {
		store, check string
		want         checks.Status
	}{
		{"vm-fresh", "BKP-001", checks.Pass}, {"vm-fresh", "BKP-002", checks.Pass}, {"vm-fresh", "BKP-003", checks.Pass},
		{"vm-fresh", "BKP-004", checks.Pass}, {"vm-fresh", "BKP-005", checks.Pass}, {"vm-fresh", "BKP-006", checks.Fail},
		{"vm-stale", "BKP-001", checks.Pass}, {"vm-stale", "BKP-002", checks.Fail},
		{"disk-loose", "BKP-001", checks.Fail}, {"disk-loose", "BKP-002", checks.Fail}, {"disk-loose", "BKP-003", checks.NotApplicable},
	} {
		if s := got[tc.store][tc.check]; s != tc.want {
			t.Errorf("%s %s: %s, want %s", tc.store, tc.check, s, tc.want)
		}
	}
	f, _ = collectBackupEstate(t, func(a *armStandIn) {
		a.fail("/vaults/rsv-sde/backupprotecteditems", status(403, "AuthorizationFailed", "no access"))
	})
	for store, byCheck := range bkpStatuses(t, f) {
		for check, s := range byCheck {
			if s == checks.Fail || s == checks.Pass {
				t.Errorf("%s %s: %s although the vault's protected items could not be read", store, check, s)
			}
		}
	}
}

// demoBackups is the demo subscription's backups (called from
// demoEstateMore): a Recovery Services vault (immutable but unlocked,
// geo-redundant with cross-region restore, soft delete always on, platform
// keys) backing up the genomics file shares daily and the genomics analysis
// machine, whose last recovery point is three days old; the machine's disks
// and an unattached scratch disk nobody backs up; a Backup vault (locally
// redundant, no immutability) holding the PostgreSQL server's weekly
// backups; and the metadata database, relying on its 7 days of automated
// backups (no long-term retention).
func demoBackups(a *armStandIn, s, rg, ws string) {
	vm := ws + "/providers/Microsoft.Compute/virtualMachines/vm-genomics-01"
	osDisk := ws + "/providers/Microsoft.Compute/disks/vm-genomics-01-os"
	dataDisk := ws + "/providers/Microsoft.Compute/disks/vm-genomics-01-data"
	scratch := ws + "/providers/Microsoft.Compute/disks/disk-genomics-scratch"
	a.set(s+"/providers/Microsoft.Compute/virtualMachines", `{"value": [{"id": "`+vm+`", "name": "vm-genomics-01", "location": "uksouth",
	  "tags": {"data-classification": "pseudonymised"}, "properties": {"hardwareProfile": {"vmSize": "Standard_E8s_v5"},
	  "storageProfile": {"osDisk": {"osType": "Linux", "managedDisk": {"id": "`+osDisk+`"}}, "dataDisks": [{"lun": 0, "managedDisk": {"id": "`+dataDisk+`"}}]}}}]}`)
	disk := func(id, name, managedBy, tag string) string {
		mb, tg := "", ""
		if managedBy != "" {
			mb = `"managedBy": "` + managedBy + `", `
		}
		if tag != "" {
			tg = `"tags": {"data-classification": "` + tag + `"}, `
		}
		return `{"id": "` + id + `", "name": "` + name + `", "location": "uksouth", ` + mb + tg + `"sku": {"name": "Premium_LRS"},
		  "properties": {"diskSizeGB": 512, "diskState": "Attached", "encryption": {"type": "EncryptionAtRestWithCustomerKey"}}}`
	}
	a.set(s+"/providers/Microsoft.Compute/disks", `{"value": [`+disk(osDisk, "vm-genomics-01-os", vm, "")+`, `+disk(dataDisk, "vm-genomics-01-data", vm, "pseudonymised")+`, `+
		strings.Replace(disk(scratch, "disk-genomics-scratch", "", "pseudonymised"), `"Attached"`, `"Unattached"`, 1)+`]}`)

	rsv := rg + "/providers/Microsoft.RecoveryServices/vaults/rsv-tre"
	a.set(s+"/providers/Microsoft.RecoveryServices/vaults", `{"value": [{"id": "`+rsv+`", "name": "rsv-tre", "location": "uksouth", "sku": {"name": "RS0", "tier": "Standard"},
	  "properties": {"securitySettings": {"softDeleteSettings": {"softDeleteState": "AlwaysON", "softDeleteRetentionPeriodInDays": 14}, "immutabilitySettings": {"state": "Unlocked"}},
	    "redundancySettings": {"standardTierStorageRedundancy": "GeoRedundant", "crossRegionRestore": "Enabled"},
	    "encryption": {"keyVaultProperties": {"keyUri": "https://kv-tre-core.vault.azure.net/keys/cmk-backup"}, "kekIdentity": {"useSystemAssignedIdentity": true}}}}]}`)
	item := func(name, typ, workload, mgmt, src, policy, last string) string {
		return `{"id": "` + rsv + `/backupFabrics/Azure/protectionContainers/c/protectedItems/` + name + `", "name": "` + name + `",
		  "properties": {"protectedItemType": "` + typ + `", "backupManagementType": "` + mgmt + `", "workloadType": "` + workload + `", "sourceResourceId": "` + src + `",
		    "policyId": "` + rsv + `/backupPolicies/` + policy + `", "policyName": "` + policy + `", "protectionState": "Protected", "lastBackupStatus": "Completed", "lastRecoveryPoint": "` + last + `"}}`
	}
	a.set(rsv+"/backupProtectedItems", `{"value": [`+
		item("AzureFileShare;genomics", "AzureFileShareProtectedItem", "AzureFileShare", "AzureStorage", ws+"/providers/Microsoft.Storage/storageAccounts/stgenomicsdata", "daily-35", "2026-11-20T02:00:00Z")+`, `+
		item("VM;iaasvmcontainerv2;rg-tre-ws-genomics;vm-genomics-01", "Microsoft.Compute/virtualMachines", "VM", "AzureIaasVM", vm, "daily-35", "2026-11-17T02:00:00Z")+`]}`)
	a.set(rsv+"/backupPolicies", `{"value": [{"id": "`+rsv+`/backupPolicies/daily-35", "name": "daily-35", "properties": {"backupManagementType": "AzureIaasVM",
	  "schedulePolicy": {"schedulePolicyType": "SimpleSchedulePolicy", "scheduleRunFrequency": "Daily", "scheduleRunTimes": ["2026-01-01T02:00:00Z"]},
	  "retentionPolicy": {"retentionPolicyType": "LongTermRetentionPolicy",
	    "dailySchedule": {"retentionTimes": ["2026-01-01T02:00:00Z"], "retentionDuration": {"count": 35, "durationType": "Days"}},
	    "monthlySchedule": {"retentionScheduleFormatType": "Weekly", "retentionTimes": ["2026-01-01T02:00:00Z"], "retentionDuration": {"count": 12, "durationType": "Months"}}}}}]}`)

	bv := rg + "/providers/Microsoft.DataProtection/backupVaults/bv-tre"
	pg := ws + "/providers/Microsoft.DBforPostgreSQL/flexibleServers/pg-genomics"
	a.set(s+"/providers/Microsoft.DataProtection/backupVaults", `{"value": [{"id": "`+bv+`", "name": "bv-tre", "location": "uksouth",
	  "properties": {"storageSettings": [{"datastoreType": "VaultStore", "type": "LocallyRedundant"}],
	    "securitySettings": {"softDeleteSettings": {"state": "On", "retentionDurationInDays": 14}, "immutabilitySettings": {"state": "Disabled"}}}}]}`)
	a.set(bv+"/backupInstances", `{"value": [{"id": "`+bv+`/backupInstances/pg-genomics-weekly", "name": "pg-genomics-weekly", "properties": {"objectType": "BackupInstance",
	  "dataSourceInfo": {"objectType": "Datasource", "resourceID": "`+pg+`", "datasourceType": "Microsoft.DBforPostgreSQL/flexibleServers", "resourceName": "pg-genomics"},
	  "policyInfo": {"policyId": "`+bv+`/backupPolicies/pg-weekly"}, "protectionStatus": {"status": "ProtectionConfigured"}, "currentProtectionState": "ProtectionConfigured"}}]}`)
	a.set(bv+"/backupInstances/pg-genomics-weekly/recoveryPoints", `{"value": [
	  {"id": "rp-1", "name": "rp-1", "properties": {"objectType": "AzureBackupDiscreteRecoveryPoint", "recoveryPointTime": "2026-11-09T01:00:00Z", "expiryTime": "2027-02-07T01:00:00Z", "recoveryPointState": "Completed"}},
	  {"id": "rp-2", "name": "rp-2", "properties": {"objectType": "AzureBackupDiscreteRecoveryPoint", "recoveryPointTime": "2026-11-16T01:00:00Z", "expiryTime": "2027-02-14T01:00:00Z", "recoveryPointState": "Completed"}}]}`)

	sql := rg + "/providers/Microsoft.Sql/servers/sql-tre-metadata"
	a.set(sql+"/databases", `{"value": [
	  {"id": "`+sql+`/databases/master", "name": "master", "location": "uksouth", "kind": "v12.0,system", "properties": {"status": "Online"}},
	  {"id": "`+sql+`/databases/tre-metadata", "name": "tre-metadata", "location": "uksouth", "kind": "v12.0,user,vcore", "sku": {"name": "GP_S_Gen5_2"},
	   "tags": {"data-classification": "pseudonymised"},
	   "properties": {"status": "Online", "currentBackupStorageRedundancy": "Local", "requestedBackupStorageRedundancy": "Local", "earliestRestoreDate": "2026-11-13T09:00:00Z"}}]}`)
	a.set(sql+"/databases/tre-metadata/backupShortTermRetentionPolicies/default", `{"id": "str", "name": "default", "properties": {"retentionDays": 7, "diffBackupIntervalInHours": 12}}`)
	a.set(sql+"/databases/tre-metadata/backupLongTermRetentionPolicies/default", `{"id": "ltr", "name": "default", "properties": {"weeklyRetention": "PT0S", "monthlyRetention": "PT0S", "yearlyRetention": "PT0S", "weekOfYear": 0}}`)
}
