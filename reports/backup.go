package reports

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/sdescan/sdescan/checks"
	"github.com/sdescan/sdescan/checks/engine"
	"github.com/sdescan/sdescan/reports/texttable"
)

// The backup review on its own (`sdescan backup`): one row per classified data
// store with what protects it and how it stands against the BKP checks, then a
// short plan of the missing protections, most important first.

// BackupChecks are the checks of the backup review, in catalogue order.
var BackupChecks = []string{"BKP-001", "BKP-002", "BKP-003", "BKP-004", "BKP-005", "BKP-006"}

// BackupReview is the review of one estate.
type BackupReview struct {
	AsOf             string      `json:"as_of"`
	DefaultRPOHours  float64     `json:"default_rpo_hours"`
	MinRetentionDays int         `json:"min_retention_days"`
	Stores           []BackupRow `json:"stores"`
	// Vaults are the backup vaults of the estate (AWS Backup vaults, Azure
	// Recovery Services and Backup vaults), by ID.
	Vaults []BackupVaultRow `json:"vaults"`
	Plan   []string         `json:"plan"`
	// RestoreTest is the restore-test attestation's state (as the assessment
	// judged it): "valid", "expired", "missing"; BKP-007.
	RestoreTest string `json:"restore_test"`
}

// BackupRow is one data store.
type BackupRow struct {
	ID             string   `json:"id"`
	Name           string   `json:"name"`
	Type           string   `json:"type"`
	Classification string   `json:"classification,omitempty"`
	RPOHours       float64  `json:"rpo_hours"`
	Mechanisms     []string `json:"mechanisms"`
	NewestAgeHours *float64 `json:"newest_age_hours,omitempty"`
	Plans          []string `json:"plans"`
	Retention      string   `json:"retention"`
	Copied         string   `json:"copied"`
	Locked         string   `json:"locked"`
	LastRestore    string   `json:"last_restore,omitempty"`
	// Status is met, not_met or not_assessed: the worst of its BKP findings.
	Status string `json:"status"`
	// Checks maps each BKP check to its result on the store.
	Checks   map[string]string `json:"checks"`
	Problems []string          `json:"problems"`
	Unknown  []string          `json:"not_assessed"`
}

// BackupVaultRow is one backup vault: how it protects the recovery points it
// holds. A dash (in the table) is a setting the cloud does not have or that
// was not read.
type BackupVaultRow struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Type string `json:"type"`
	// Region (AWS) or location (Azure).
	Region string `json:"region"`
	// Lock is compliance, governance or none (AWS vault lock; Azure
	// immutability Locked, Unlocked or Disabled).
	Lock string `json:"lock"`
	// SoftDelete is on or off (Azure only).
	SoftDelete string `json:"soft_delete,omitempty"`
	// Redundancy is the storage redundancy (Azure), with cross-region restore.
	Redundancy string `json:"redundancy,omitempty"`
	// Key is customer-managed or the cloud's own key type.
	Key string `json:"key,omitempty"`
	// Protects is how many resources have recovery points in it (AWS) or how
	// many items or instances it protects (Azure); nil when they could not be
	// read.
	Protects *int `json:"protects,omitempty"`
}

// NewBackupReview builds the review from the facts and the findings of the BKP
// checks. restoreTest is the restore-test attestation's state.
func NewBackupReview(f *checks.Facts, findings []checks.Finding, p engine.Params, restoreTest string) *BackupReview {
	rv := &BackupReview{AsOf: p.AsOf.UTC().Format(time.RFC3339), DefaultRPOHours: p.RPOHoursOrDefault(),
		MinRetentionDays: p.MinRetentionDaysOrDefault(), Stores: []BackupRow{}, Vaults: []BackupVaultRow{}, Plan: []string{}, RestoreTest: restoreTest}
	byRes := map[string][]checks.Finding{}
	isBackup := map[string]bool{}
	for _, c := range BackupChecks {
		isBackup[c] = true
	}
	for _, x := range findings {
		if isBackup[x.CheckID] && x.Status != checks.NotApplicable {
			byRes[x.ResourceID] = append(byRes[x.ResourceID], x)
		}
	}
	for i := range f.Resources {
		if v, ok := backupVault(&f.Resources[i]); ok {
			rv.Vaults = append(rv.Vaults, v)
		}
	}
	sort.SliceStable(rv.Vaults, func(i, j int) bool { return rv.Vaults[i].ID < rv.Vaults[j].ID })
	for i := range f.Resources {
		r := &f.Resources[i]
		fs := byRes[r.ID]
		if len(fs) == 0 {
			continue
		}
		rv.Stores = append(rv.Stores, backupRow(r, fs, p))
	}
	sort.SliceStable(rv.Stores, func(i, j int) bool {
		a, b := rv.Stores[i], rv.Stores[j]
		if ra, rb := classRank(a.Classification), classRank(b.Classification); ra != rb {
			return ra < rb
		}
		return a.ID < b.ID
	})
	rv.Plan = backupPlan(rv.Stores, restoreTest)
	return rv
}

// SetRestoreTest records the restore-test attestation's state (known once the
// attestations are judged) and rebuilds the plan.
func (rv *BackupReview) SetRestoreTest(state string) {
	rv.RestoreTest = state
	rv.Plan = backupPlan(rv.Stores, state)
}

func classRank(c string) int {
	switch c {
	case "identifiable":
		return 0
	case "pseudonymised":
		return 1
	case "anonymised":
		return 2
	case "public":
		return 3
	}
	return 4
}

func backupRow(r *checks.Resource, fs []checks.Finding, p engine.Params) BackupRow {
	row := BackupRow{ID: r.ID, Type: r.Type, Classification: checks.Classification(r, p.ClassificationTag), Checks: map[string]string{},
		Mechanisms: []string{}, Plans: []string{}, Problems: []string{}, Unknown: []string{}, Status: "met"}
	row.Name = storeName(r)
	row.RPOHours = p.RPOHoursOrDefault()
	if h, ok, valid := checks.RPOHours(r); ok && valid {
		row.RPOHours = h
	}
	b, _ := r.Attributes["backup"].(map[string]any)
	if native, ok := b["native"].([]any); ok {
		for _, n := range native {
			m, _ := n.(map[string]any)
			if m["enabled"] == true {
				row.Mechanisms = append(row.Mechanisms, fmt.Sprint(m["mechanism"]))
			}
		}
	}
	if az, ok := b["azure_backup"].(map[string]any); ok {
		by, _ := az["protected_by"].([]any)
		active := false
		for _, e := range by {
			m, _ := e.(map[string]any)
			if m["active"] != true {
				continue
			}
			active = true
			if m["vault_type"] == "sql-long-term-retention" {
				row.Plans = append(row.Plans, "long-term retention")
			} else {
				row.Plans = append(row.Plans, fmt.Sprintf("%v (%v)", m["policy"], m["vault"]))
			}
		}
		if active {
			row.Mechanisms = append(row.Mechanisms, "azure-backup")
		}
	}
	if ab, ok := b["aws_backup"].(map[string]any); ok {
		sel, _ := ab["selected_by"].([]any)
		for _, s := range sel {
			m, _ := s.(map[string]any)
			row.Plans = append(row.Plans, fmt.Sprint(m["plan_name"]))
		}
		if len(sel) > 0 {
			row.Mechanisms = append(row.Mechanisms, "aws-backup")
		}
	}
	sort.Strings(row.Mechanisms)
	sort.Strings(row.Plans)
	if pts, ok := b["recovery_points"].(map[string]any); ok {
		if s, ok := pts["newest_completed"].(string); ok {
			if t, err := time.Parse(time.RFC3339, s); err == nil {
				age := p.AsOf.Sub(t).Hours()
				row.NewestAgeHours = &age
			}
		}
		if d, ok := pts["min_delete_after_days"]; ok {
			row.Retention = fmt.Sprintf("%v days", d)
		}
		locked, total := 0, 0
		if vs, ok := pts["vaults"].([]any); ok {
			for _, v := range vs {
				m, _ := v.(map[string]any)
				total++
				if m["locked"] == true {
					locked++
				}
			}
		}
		if total > 0 {
			row.Locked = fmt.Sprintf("%d of %d vaults", locked, total)
		}
	}
	if rj, ok := b["restore_jobs"].([]any); ok && len(rj) > 0 {
		last := ""
		for _, j := range rj {
			m, _ := j.(map[string]any)
			if s, _ := m["completion_date"].(string); s > last && m["status"] == "COMPLETED" {
				last = s
			}
		}
		row.LastRestore = last
	}
	for _, x := range fs {
		row.Checks[x.CheckID] = string(x.Status)
		switch x.Status {
		case checks.Fail:
			row.Status = "not_met"
			row.Problems = append(row.Problems, x.Messages...)
			if x.CheckID == "BKP-004" {
				row.Copied = "no"
			}
		case checks.Error:
			if row.Status == "met" {
				row.Status = "not_assessed"
			}
			row.Unknown = append(row.Unknown, x.CheckID+": "+strings.Join(x.Messages, "; "))
		case checks.Pass:
			if x.CheckID == "BKP-004" {
				row.Copied = "yes"
			}
		}
	}
	if row.Status == "not_met" && len(row.Unknown) > 0 {
		row.Status = "not_met" // a known failure stands; the unknowns are listed too
	}
	return row
}

func storeName(r *checks.Resource) string {
	for _, k := range []string{"name", "table_name", "db_cluster_identifier", "db_instance_identifier", "volume_id", "file_system_id"} {
		if s, ok := r.Attributes[k].(string); ok && s != "" {
			return s
		}
	}
	return r.ID
}

// backupPlan orders the missing protections: stores holding identifiable data
// first, then RPO breaches, then lock and copy, then the rest; finally the
// restore test.
func backupPlan(rows []BackupRow, restoreTest string) []string {
	type item struct {
		rank int
		text string
	}
	var items []item
	for _, r := range rows {
		for _, c := range BackupChecks {
			if r.Checks[c] != string(checks.Fail) {
				continue
			}
			// Tiers: anything on identifiable data; then missing plans and RPO
			// breaches; then lock and copy; then the rest. Within a tier, the more
			// sensitive the data, the sooner.
			tier := map[string]int{"BKP-001": 1, "BKP-002": 1, "BKP-003": 2, "BKP-004": 2, "BKP-005": 3, "BKP-006": 3}[c]
			if r.Classification == "identifiable" {
				tier = 0
			}
			rank := tier*10 + classRank(r.Classification) + 1
			action := backupAction[c]
			if a, ok := azureBackupAction[c]; ok && strings.HasPrefix(r.Type, "azure.") {
				action = a
			}
			items = append(items, item{rank, fmt.Sprintf("%s (%s): %s", r.Name, orDash(r.Classification), action)})
		}
		if len(r.Unknown) > 0 {
			access := "grant the read-only role AWS Backup access (see docs/aws.md)"
			if strings.HasPrefix(r.Type, "azure.") {
				access = "grant the reader role read access to the Recovery Services and Backup vaults (see docs/azure.md)"
			}
			items = append(items, item{40, fmt.Sprintf("%s: could not be fully assessed; %s and re-run", r.Name, access)})
		}
	}
	switch restoreTest {
	case "missing":
		items = append(items, item{0, "No restore test is attested: restore a classified store from backup, time it, and record it as a restore-test attestation (BKP-007)"})
	case "expired":
		items = append(items, item{0, "The restore test attestation is out of date: repeat the test and renew it (BKP-007)"})
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i].rank < items[j].rank })
	out := make([]string, 0, len(items))
	seen := map[string]bool{}
	for _, it := range items {
		if !seen[it.text] {
			seen[it.text] = true
			out = append(out, it.text)
		}
	}
	return out
}

var backupAction = map[string]string{
	"BKP-001": "assign it to an AWS Backup plan (by tag or ARN)",
	"BKP-002": "back it up at least as often as its RPO, and investigate failed backup jobs",
	"BKP-003": "keep its recovery points in a vault with vault lock",
	"BKP-004": "copy its backups to another region or a separate backup account",
	"BKP-005": "encrypt its recovery points with a customer-managed KMS key",
	"BKP-006": "keep its backups at least the minimum retention",
}

// azureBackupAction replaces backupAction's words for an Azure store.
var azureBackupAction = map[string]string{
	"BKP-001": "protect it in a Recovery Services or Backup vault (a SQL database: a long-term retention policy)",
	"BKP-003": "keep its recovery points in a vault with immutability and soft delete on",
	"BKP-004": "keep its backups in a geo-redundant vault (or geo-redundant automated backups)",
	"BKP-005": "encrypt its vault with a customer-managed key",
}

// backupVault is a vault of either cloud as a row; ok is false for other
// resources.
func backupVault(r *checks.Resource) (BackupVaultRow, bool) {
	a := r.Attributes
	v := BackupVaultRow{ID: r.ID, Type: r.Type, Region: r.Scope.Region, Lock: "none"}
	v.Name, _ = a["name"].(string)
	count := func(key string) {
		if list, ok := a[key].([]any); ok {
			n := len(list)
			v.Protects = &n
		}
	}
	switch r.Type {
	case "aws.backup.vault":
		if lock, ok := a["lock"].(map[string]any); ok && a["locked"] == true {
			v.Lock = fmt.Sprint(lock["mode"])
		} else if a["locked"] == true {
			v.Lock = "governance"
		}
		if k, ok := a["encryption_key_type"].(string); ok && k != "" {
			v.Key = strings.ToLower(strings.ReplaceAll(k, "_", "-"))
		}
		count("recovery_points")
	case "azure.recoveryservices.vault", "azure.dataprotection.backup_vault":
		switch strings.ToLower(fmt.Sprint(a["immutability_state"])) {
		case "locked":
			v.Lock = "compliance"
		case "unlocked":
			v.Lock = "governance"
		}
		v.SoftDelete = "on"
		switch strings.ToLower(fmt.Sprint(a["soft_delete_state"])) {
		case "disabled", "off", "invalid":
			v.SoftDelete = "off"
		}
		red, _ := a["storage_redundancy"].(string)
		if red == "" && r.Type == "azure.recoveryservices.vault" {
			red = "GeoRedundant" // Azure's default
		}
		if strings.EqualFold(fmt.Sprint(a["cross_region_restore"]), "Enabled") {
			red += ", cross-region restore"
		}
		v.Redundancy = red
		v.Key = "platform-managed"
		if k, _ := a["cmk_key_uri"].(string); k != "" || strings.EqualFold(fmt.Sprint(a["cmk_state"]), "Enabled") {
			v.Key = "customer-managed"
		}
		count("protected_items")
		count("backup_instances")
	default:
		return v, false
	}
	return v, true
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// WriteBackupTable writes the review for a terminal.
func WriteBackupTable(w io.Writer, rv *BackupReview, width int) error {
	var b strings.Builder
	b.WriteString(texttable.Fill(fmt.Sprintf("Backup review as of %s (default RPO %v h, minimum retention %d days; restore test: %s)", rv.AsOf, rv.DefaultRPOHours, rv.MinRetentionDays, rv.RestoreTest), width, "", "  "))
	b.WriteString("\n")
	// Borderless, as other listings: nine columns in a box would not fit 80.
	t := texttable.New(texttable.Column{Header: "DATA STORE", Wrap: true}, texttable.Column{Header: "CLASS"},
		texttable.Column{Header: "MECHANISMS", Wrap: true}, texttable.Column{Header: "NEWEST VS RPO", Wrap: true},
		texttable.Column{Header: "RETENTION", Wrap: true}, texttable.Column{Header: "COPIED"}, texttable.Column{Header: "LOCKED", Wrap: true},
		texttable.Column{Header: "LAST RESTORE", Wrap: true}, texttable.Column{Header: "STATUS", Wrap: true}).Plain()
	for _, r := range rv.Stores {
		t.Row(r.Name, orDash(r.Classification), orDash(strings.Join(r.Mechanisms, ", ")), ageVsRPO(r), orDash(r.Retention),
			orDash(r.Copied), orDash(r.Locked), orDash(r.LastRestore), strings.ReplaceAll(r.Status, "_", " "))
	}
	if err := t.Render(&b, width); err != nil {
		return err
	}
	if len(rv.Vaults) > 0 {
		b.WriteString("\nVaults:\n")
		t := texttable.New(texttable.Column{Header: "VAULT", Wrap: true}, texttable.Column{Header: "TYPE", Wrap: true},
			texttable.Column{Header: "REGION"}, texttable.Column{Header: "LOCK", Wrap: true}, texttable.Column{Header: "SOFT DELETE", Wrap: true},
			texttable.Column{Header: "REDUNDANCY", Wrap: true}, texttable.Column{Header: "KEY", Wrap: true}, texttable.Column{Header: "PROTECTS", Wrap: true}).Plain()
		for _, v := range rv.Vaults {
			t.Row(v.Name, v.Type, orDash(v.Region), v.Lock, orDash(v.SoftDelete), orDash(v.Redundancy), orDash(v.Key), protects(v))
		}
		if err := t.Render(&b, width); err != nil {
			return err
		}
	}
	if len(rv.Plan) > 0 {
		b.WriteString("\nWhat to do, most important first:\n")
		for i, p := range rv.Plan {
			n := fmt.Sprintf("%d. ", i+1)
			b.WriteString(texttable.Fill(p, width, n, strings.Repeat(" ", len(n))))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteBackupMarkdown writes the review as Markdown.
func WriteBackupMarkdown(w io.Writer, rv *BackupReview) error {
	fmt.Fprintf(w, "# Backup review\n\nAs of %s; default RPO %v h, minimum retention %d days; restore test: %s.\n\n", rv.AsOf, rv.DefaultRPOHours, rv.MinRetentionDays, md(rv.RestoreTest))
	fmt.Fprintln(w, "| Data store | Class | Mechanisms | Newest vs RPO | Retention | Copied | Locked | Last restore | Status |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|")
	for _, r := range rv.Stores {
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", md(r.Name), md(orDash(r.Classification)), md(orDash(strings.Join(r.Mechanisms, ", "))), md(ageVsRPO(r)),
			md(orDash(r.Retention)), md(orDash(r.Copied)), md(orDash(r.Locked)), md(orDash(r.LastRestore)), md(strings.ReplaceAll(r.Status, "_", " ")))
	}
	if len(rv.Vaults) > 0 {
		fmt.Fprintln(w, "\n## Vaults")
		fmt.Fprintln(w)
		fmt.Fprintln(w, "| Vault | Type | Region | Lock | Soft delete | Redundancy | Key | Protects |")
		fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|")
		for _, v := range rv.Vaults {
			fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s | %s |\n", md(v.Name), md(v.Type), md(orDash(v.Region)), md(v.Lock), md(orDash(v.SoftDelete)),
				md(orDash(v.Redundancy)), md(orDash(v.Key)), md(protects(v)))
		}
	}
	if len(rv.Plan) > 0 {
		fmt.Fprintln(w, "\n## What to do, most important first")
		fmt.Fprintln(w)
		for i, p := range rv.Plan {
			fmt.Fprintf(w, "%d. %s\n", i+1, md(p))
		}
	}
	return nil
}

// protects is a vault's count, or "not read".
func protects(v BackupVaultRow) string {
	if v.Protects == nil {
		return "not read"
	}
	return fmt.Sprint(*v.Protects)
}

func ageVsRPO(r BackupRow) string {
	if r.NewestAgeHours == nil {
		for _, m := range r.Mechanisms {
			if m == "dynamodb-pitr" || m == "rds-automated-backups" || m == "sql-automated-backups" || m == "postgres-automated-backups" {
				return fmt.Sprintf("continuous / %vh", r.RPOHours)
			}
		}
		return fmt.Sprintf("none / %vh", r.RPOHours)
	}
	return fmt.Sprintf("%.0fh / %vh", *r.NewestAgeHours, r.RPOHours)
}
