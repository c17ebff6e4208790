package azure

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/postgresql/armpostgresqlflexibleservers"

	"github.com/sdescan/sdescan/checks"
)

// The backup review judges data stores one at a time, so what protects each
// Azure store is joined onto it here, after every service of the subscription
// has run, in the shape the AWS collector gives (attributes.backup, facts
// rule 6): the Recovery Services protected items and Backup vault instances
// whose source is the store (a virtual machine's also protect its disks), its
// recovery points with the vaults holding them, and the store's own
// mechanisms (SQL Database and PostgreSQL automated backups, SQL long-term
// retention). A part that could not be read is left out (not emptied), so the
// review says "not assessed" for it rather than "no backup". Blob soft delete
// and versioning are not backups and are not counted.

// azureStoreTypes are the resource types whose backups are reviewed.
var azureStoreTypes = map[string]bool{
	"azure.storage.account":            true,
	"azure.sql.database":               true,
	"azure.postgresql.flexible_server": true,
	"azure.compute.disk":               true,
	"azure.compute.virtual_machine":    true,
}

// listingAPIs are the backup listings whose failure hides which stores are
// protected: any of them failing (a vault's items included) makes every
// store's protection and recovery points unknown in the subscription.
var listingAPIs = map[string]bool{
	"Vaults.ListBySubscriptionID":    true,
	"BackupProtectedItems.List":      true,
	"BackupVaults.GetInSubscription": true,
	"BackupInstances.List":           true,
}

// inactiveStates are protection states in which no backup is scheduled any
// more (Recovery Services items and Backup vault instances).
var inactiveStates = map[string]bool{
	"protectionstopped": true, "protectionpaused": true, "backupssuspended": true, "invalid": true,
	"notprotected": true, "softdeleted": true, "backupschedulessuspended": true, "configuringprotectionfailed": true,
}

// protection is one vault item protecting a store.
type protection struct {
	entry            map[string]any // azure_backup.protected_by entry
	vault            map[string]any // recovery_points.vaults entry
	count, completed int
	newest           string
	minDays          *float64
	pointsUnknown    bool
	retentionUnknown bool
}

// joinBackups sets attributes.backup on every data store of one subscription.
func joinBackups(resources []checks.Resource, errs []checks.CollectError) {
	known := true
	for _, e := range errs {
		if e.Service == "backup" && listingAPIs[e.API] {
			known = false
		}
	}
	vmDisks := map[string][]string{} // VM ID -> its disks' IDs
	byStore := map[string][]protection{}
	var vms []*checks.Resource
	for i := range resources {
		r := &resources[i]
		switch r.Type {
		case "azure.recoveryservices.vault":
			items, ok := r.Attributes["protected_items"].([]any)
			if !ok {
				known = false
				continue
			}
			for _, it := range items {
				m, _ := it.(map[string]any)
				src, _ := m["source_resource_id"].(string)
				if src == "" {
					continue
				}
				p := rsProtection(r, m)
				byStore[src] = append(byStore[src], p)
			}
		case "azure.dataprotection.backup_vault":
			insts, ok := r.Attributes["backup_instances"].([]any)
			if !ok {
				known = false
				continue
			}
			for _, it := range insts {
				m, _ := it.(map[string]any)
				src, _ := m["data_source_id"].(string)
				if src == "" {
					continue
				}
				byStore[src] = append(byStore[src], bvProtection(r, m))
			}
		case "azure.compute.virtual_machine":
			vms = append(vms, r)
		case "azure.compute.disk":
			if vm, ok := r.Attributes["managed_by"].(string); ok && vm != "" {
				vmDisks[vm] = appendOnce(vmDisks[vm], r.ID)
			}
		}
	}
	for _, vm := range vms {
		if d, ok := vm.Attributes["os_disk"].(string); ok && d != "" {
			vmDisks[vm.ID] = appendOnce(vmDisks[vm.ID], d)
		}
		if ds, ok := vm.Attributes["data_disks"].([]any); ok {
			for _, d := range ds {
				if s, ok := d.(string); ok {
					vmDisks[vm.ID] = appendOnce(vmDisks[vm.ID], s)
				}
			}
		}
	}
	// A machine's backup (a VM workload item) protects its managed disks.
	for vm, disks := range vmDisks {
		for _, p := range byStore[vm] {
			if !strings.EqualFold(asString(p.entry["workload_type"]), "VM") {
				continue
			}
			for _, d := range disks {
				q := p
				q.entry = cloneMap(p.entry)
				q.entry["via"] = vm
				byStore[d] = append(byStore[d], q)
			}
		}
	}
	for i := range resources {
		r := &resources[i]
		if !azureStoreTypes[r.Type] {
			continue
		}
		b := map[string]any{"resource_id": r.ID, "native": azureNative(r)}
		prots := byStore[r.ID]
		ltr, ltrKnown := sqlLongTermRetention(r)
		if ltr != nil {
			prots = append(prots, *ltr)
		}
		if known && ltrKnown {
			by := []any{}
			for _, p := range prots {
				by = append(by, p.entry)
			}
			b["azure_backup"] = map[string]any{"protected_by": by}
		}
		if pts, ok := azureRecoveryPoints(prots, known); ok {
			b["recovery_points"] = pts
		}
		if r.Attributes == nil {
			r.Attributes = map[string]any{}
		}
		r.Attributes["backup"] = b
	}
}

func appendOnce(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

func cloneMap(m map[string]any) map[string]any {
	out := make(map[string]any, len(m)+1)
	for k, v := range m {
		out[k] = v
	}
	return out
}

// rsProtection is a Recovery Services protected item: the item states its
// newest recovery point only (count 1 when it has one), and its policy's
// shortest retention (unknown when the vault's policies could not be read).
func rsProtection(v *checks.Resource, m map[string]any) protection {
	state := asString(m["protection_state"])
	soft := m["soft_deleted"] == true
	e := map[string]any{
		"vault":            v.Attributes["name"],
		"vault_id":         v.ID,
		"vault_type":       "recovery-services",
		"policy":           m["policy_name"],
		"workload_type":    m["workload_type"],
		"protection_state": state,
		"active":           !soft && !inactiveStates[strings.ToLower(state)],
	}
	if s := asString(m["last_backup_status"]); s != "" {
		e["last_backup_status"] = s
	}
	p := protection{entry: e, vault: vaultSummary(v)}
	if t := asString(m["last_recovery_point"]); t != "" {
		p.count, p.completed, p.newest = 1, 1, t
	}
	if pid := asString(m["policy_id"]); pid != "" {
		pols, ok := v.Attributes["policies"].([]any)
		p.retentionUnknown = true
		if ok {
			for _, x := range pols {
				pm, _ := x.(map[string]any)
				if strings.EqualFold(asString(pm["id"]), pid) {
					if d, ok := checks.Number(pm["retention_days"]); ok {
						p.minDays, p.retentionUnknown = &d, false
						e["retention_days"] = d
					}
				}
			}
		}
	}
	return p
}

// bvProtection is a Backup vault instance with its listed recovery points
// (unknown when they could not be listed).
func bvProtection(v *checks.Resource, m map[string]any) protection {
	state := asString(m["protection_state"])
	e := map[string]any{
		"vault":            v.Attributes["name"],
		"vault_id":         v.ID,
		"vault_type":       "backup-vault",
		"policy":           m["policy_id"],
		"data_source_type": m["data_source_type"],
		"protection_state": state,
		"active":           !inactiveStates[strings.ToLower(state)],
	}
	p := protection{entry: e, vault: vaultSummary(v)}
	rp, ok := m["recovery_points"].(map[string]any)
	if !ok {
		p.pointsUnknown = true
		return p
	}
	p.count, _ = checks.Int(rp["count"])
	p.completed, _ = checks.Int(rp["completed"])
	p.newest = asString(rp["newest_completed"])
	if d, ok := checks.Number(rp["min_delete_after_days"]); ok {
		p.minDays = &d
		e["retention_days"] = d
	}
	return p
}

// vaultSummary is what the checks read of a vault holding recovery points:
// its lock (immutability: Locked is irreversible, like a compliance-mode
// lock; Unlocked can be undone, like governance mode), soft delete, whether
// its recovery points are kept in another region too (geo-redundant
// storage, cross-region restore) and its key type. Unset settings are
// Azure's defaults: soft delete on, immutability off, a Recovery Services
// vault geo-redundant, cross-region restore off, platform-managed keys.
func vaultSummary(v *checks.Resource) map[string]any {
	a := v.Attributes
	imm := strings.ToLower(asString(a["immutability_state"]))
	out := map[string]any{
		"name":                 a["name"],
		"id":                   v.ID,
		"locked":               imm == "locked" || imm == "unlocked",
		"immutability_state":   orDefault(a["immutability_state"], "Disabled"),
		"soft_delete":          !map[string]bool{"disabled": true, "off": true, "invalid": true}[strings.ToLower(asString(a["soft_delete_state"]))],
		"cross_region_restore": strings.EqualFold(asString(a["cross_region_restore"]), "Enabled"),
	}
	switch imm {
	case "locked":
		out["lock_mode"] = "compliance"
	case "unlocked":
		out["lock_mode"] = "governance"
	}
	redundancy := asString(a["storage_redundancy"])
	switch v.Type {
	case "azure.recoveryservices.vault":
		out["vault_type"] = "recovery-services"
		if redundancy == "" {
			redundancy = "GeoRedundant"
		}
		out["encryption_key_type"] = "PLATFORM_MANAGED_KEY"
		if asString(a["cmk_key_uri"]) != "" {
			out["encryption_key_type"] = "CUSTOMER_MANAGED_KEY"
		}
	default:
		out["vault_type"] = "backup-vault"
		out["encryption_key_type"] = "PLATFORM_MANAGED_KEY"
		if strings.EqualFold(asString(a["cmk_state"]), "Enabled") {
			out["encryption_key_type"] = "CUSTOMER_MANAGED_KEY"
		}
	}
	out["storage_redundancy"] = orDefault(redundancy, nil)
	out["geo_redundant"] = strings.EqualFold(redundancy, "GeoRedundant") || out["cross_region_restore"] == true
	return out
}

func orDefault(v any, def any) any {
	if s, ok := v.(string); ok && s != "" {
		return s
	}
	return def
}

// azureRecoveryPoints gathers a store's recovery points across its vault
// items; ok is false when they are unknown (the vaults' items, or a
// protecting instance's points, could not be read).
func azureRecoveryPoints(prots []protection, known bool) (map[string]any, bool) {
	if !known {
		return nil, false
	}
	count, completed := 0, 0
	newest := ""
	var minDays *float64
	retentionUnknown := false
	vaults := []any{}
	seen := map[string]bool{}
	for _, p := range prots {
		if p.pointsUnknown {
			return nil, false
		}
		if p.vault == nil {
			continue // SQL long-term retention: its backups are not listed
		}
		count += p.count
		completed += p.completed
		if p.newest > newest {
			newest = p.newest
		}
		if p.minDays != nil && (minDays == nil || *p.minDays < *minDays) {
			minDays = p.minDays
		}
		retentionUnknown = retentionUnknown || p.retentionUnknown
		if id := asString(p.vault["id"]); !seen[id] {
			seen[id] = true
			vaults = append(vaults, p.vault)
		}
	}
	out := map[string]any{"count": count, "completed": completed}
	if count > 0 {
		out["all_encrypted"] = true // Azure Backup always encrypts at rest
		out["vaults"] = vaults
	}
	if newest != "" {
		out["newest_completed"] = newest
	}
	if minDays != nil {
		out["min_delete_after_days"] = *minDays
	}
	if retentionUnknown {
		out["retention_unknown"] = true
	}
	return out, true
}

// azureNative lists the store's own mechanisms whose facts were read: SQL
// Database and PostgreSQL flexible server automated backups (point-in-time
// restore, always on), with their retention and whether the backups are
// geo-redundant. Blob soft delete and versioning are not backups.
func azureNative(r *checks.Resource) []any {
	a := r.Attributes
	out := []any{}
	switch r.Type {
	case "azure.sql.database":
		d, ok := checks.Int(a["short_term_retention_days"])
		if !ok {
			break // the short-term retention policy could not be read
		}
		redundancy := asString(a["current_backup_storage_redundancy"])
		if redundancy == "" {
			redundancy = asString(a["requested_backup_storage_redundancy"])
		}
		if redundancy == "" {
			redundancy = "Geo" // Azure's default
		}
		out = append(out, map[string]any{"mechanism": "sql-automated-backups", "enabled": d > 0, "retention_days": d,
			"storage_redundancy": redundancy, "geo_redundant": strings.HasPrefix(strings.ToLower(redundancy), "geo")})
	case "azure.postgresql.flexible_server":
		bk, ok := a["backup_settings"].(map[string]any)
		if !ok {
			break
		}
		d, ok := checks.Int(bk["retention_days"])
		if !ok {
			d = 7 // Azure's default
		}
		m := map[string]any{"mechanism": "postgres-automated-backups", "enabled": true, "retention_days": d,
			"geo_redundant": strings.EqualFold(asString(bk["geo_redundant_backup"]), "Enabled")}
		if t := asString(bk["earliest_restore_date"]); t != "" {
			m["earliest_restore"] = t
		}
		out = append(out, m)
	}
	return out
}

// sqlLongTermRetention is a SQL database's long-term retention policy as a
// protection (weekly, monthly or yearly backups kept for the stated time; its
// shortest stated retention in days); nil when none is set. known is false
// when the policy could not be read.
func sqlLongTermRetention(r *checks.Resource) (*protection, bool) {
	if r.Type != "azure.sql.database" {
		return nil, true
	}
	ltr, ok := r.Attributes["long_term_retention"].(map[string]any)
	if !ok {
		return nil, false
	}
	var shortest *float64
	for _, k := range []string{"weekly_retention", "monthly_retention", "yearly_retention"} {
		if d, ok := isoDays(asString(ltr[k])); ok && d > 0 && (shortest == nil || d < *shortest) {
			shortest = &d
		}
	}
	if shortest == nil {
		return nil, true
	}
	e := map[string]any{"vault": nil, "vault_type": "sql-long-term-retention", "policy": "default", "protection_state": "Protected",
		"active": true, "retention_days": *shortest}
	return &protection{entry: e}, true
}

var isoDuration = regexp.MustCompile(`^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T.*)?$`)

// isoDays reads an ISO 8601 duration of years, months, weeks and days (as
// SQL long-term retention states it: P4W, P12M, P5Y) in days (a month as 30
// days, a year as 365).
func isoDays(s string) (float64, bool) {
	m := isoDuration.FindStringSubmatch(strings.ToUpper(strings.TrimSpace(s)))
	if m == nil {
		return 0, false
	}
	total := 0.0
	for i, unit := range []float64{365, 30, 7, 1} {
		if m[i+1] != "" {
			n, err := strconv.Atoi(m[i+1])
			if err != nil {
				return 0, false
			}
			total += float64(n) * unit
		}
	}
	return total, true
}

// postgresBackup is a flexible server's backup settings (read with the
// server): retention in days, geo-redundant backup, earliest restore time.
// Unset values are null (Azure's defaults: 7 days, geo-redundancy disabled).
func postgresBackup(b *armpostgresqlflexibleservers.Backup) map[string]any {
	out := map[string]any{"retention_days": nil, "geo_redundant_backup": nil, "earliest_restore_date": nil}
	if b == nil {
		return out
	}
	out["retention_days"] = deref(b.BackupRetentionDays)
	out["geo_redundant_backup"] = str(b.GeoRedundantBackup)
	if b.EarliestRestoreDate != nil {
		out["earliest_restore_date"] = b.EarliestRestoreDate.UTC().Format(time.RFC3339)
	}
	return out
}
