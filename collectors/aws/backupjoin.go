package aws

import (
	"fmt"
	"sort"
	"time"

	"github.com/sdescan/sdescan/checks"
)

// The backup review judges data stores one at a time, so what protects each store
// is joined onto it here (facts rule 6): the AWS Backup plans whose selections
// assign it, its recovery points across the region's vaults, copies and restores,
// and the store's own mechanisms. A part that could not be read is left out (not
// emptied), so the review says "not assessed" for it rather than "no backup".

// dataStoreTypes are the resource types whose backups are reviewed.
var dataStoreTypes = map[string]bool{
	"aws.s3.bucket":       true,
	"aws.rds.db_instance": true,
	"aws.rds.db_cluster":  true,
	"aws.dynamodb.table":  true,
	"aws.ec2.volume":      true,
	"aws.efs.file_system": true,
}

// backupAPIs say which failures make which part unknown.
var (
	planAPIs  = map[string]bool{"ListBackupPlans": true, "GetBackupPlan": true, "ListBackupSelections": true, "GetBackupSelection": true}
	pointAPIs = map[string]bool{"ListBackupVaults": true, "ListRecoveryPointsByBackupVault": true}
	jobAPIs   = map[string]bool{"ListRestoreJobs": true, "ListCopyJobs": true}
)

// storeARN is the ARN AWS Backup knows a data store by.
func storeARN(r *checks.Resource) string {
	if a, ok := r.Attributes["arn"].(string); ok && a != "" {
		return a
	}
	if r.Type == "aws.ec2.volume" {
		if id, ok := r.Attributes["volume_id"].(string); ok {
			return fmt.Sprintf("arn:aws:ec2:%s:%s:volume/%s", r.Scope.Region, r.Scope.Account, id)
		}
	}
	return ""
}

// joinBackups sets attributes.backup on every data store of one account.
func joinBackups(resources []checks.Resource, errs []checks.CollectError) {
	type regional struct {
		plans, vaults                                  []*checks.Resource
		jobs                                           *checks.Resource
		planErr, pointErr, jobErr, snapErr, rdsSnapErr bool
	}
	byRegion := map[string]*regional{}
	// read is whether AWS Backup was read in a region: its jobs resource, a
	// plan or vault, or a recorded failure of one of its reads.
	read := func(g *regional) bool {
		return g.jobs != nil || len(g.plans) > 0 || len(g.vaults) > 0 || g.planErr || g.pointErr || g.jobErr
	}
	get := func(region string) *regional {
		if byRegion[region] == nil {
			byRegion[region] = &regional{}
		}
		return byRegion[region]
	}
	for _, e := range errs {
		if e.Service == "ec2" && e.API == "DescribeSnapshots" {
			get(e.Region).snapErr = true
		}
		if e.Service == "rds" && (e.API == "DescribeDBSnapshots" || e.API == "DescribeDBClusterSnapshots") {
			get(e.Region).rdsSnapErr = true
		}
		if e.Service != "backup" {
			continue
		}
		g := get(e.Region)
		g.planErr = g.planErr || planAPIs[e.API]
		g.pointErr = g.pointErr || pointAPIs[e.API]
		g.jobErr = g.jobErr || jobAPIs[e.API]
	}
	snapshots := map[string][]*checks.Resource{}    // volume ID -> its snapshots
	rdsSnapshots := map[string][]*checks.Resource{} // region/kind/DB identifier -> its snapshots
	for i := range resources {
		r := &resources[i]
		switch r.Type {
		case "aws.backup.plan":
			get(r.Scope.Region).plans = append(get(r.Scope.Region).plans, r)
		case "aws.backup.vault":
			get(r.Scope.Region).vaults = append(get(r.Scope.Region).vaults, r)
		case "aws.backup.jobs":
			get(r.Scope.Region).jobs = r
		case "aws.ec2.snapshot":
			if v, ok := r.Attributes["volume_id"].(string); ok {
				snapshots[v] = append(snapshots[v], r)
			}
		case "aws.rds.db_snapshot":
			k := rdsSnapshotKey(r.Scope.Region, r.Attributes["kind"], r.Attributes["db_identifier"])
			rdsSnapshots[k] = append(rdsSnapshots[k], r)
		}
	}
	// Where each store's recovery points are, across every region read: the
	// regions of the vaults holding them (by the store's ARN, which a copy in
	// another region's vault keeps), for data residency (AWS-S3-007). Unknown
	// when some region's vaults or recovery points could not all be read.
	pointRegions, pointsKnown := map[string]map[string]bool{}, true
	for region, g := range byRegion {
		pointsKnown = pointsKnown && !g.pointErr
		for _, v := range g.vaults {
			list, ok := v.Attributes["recovery_points"].([]any)
			pointsKnown = pointsKnown && ok
			for _, e := range list {
				m, _ := e.(map[string]any)
				if arn, _ := m["resource_arn"].(string); arn != "" {
					if pointRegions[arn] == nil {
						pointRegions[arn] = map[string]bool{}
					}
					pointRegions[arn][region] = true
				}
			}
		}
	}
	for i := range resources {
		r := &resources[i]
		if !dataStoreTypes[r.Type] {
			continue
		}
		if member, _ := r.Attributes["db_cluster_identifier"].(string); r.Type == "aws.rds.db_instance" && member != "" {
			continue // an Aurora member is backed up through its cluster
		}
		arn := storeARN(r)
		if arn == "" || r.Scope.Region == "" {
			// A store whose region is unknown (a bucket whose location could not be
			// read) cannot be matched to its region's plans and vaults: its backups
			// are left unknown, not judged against no plans.
			continue
		}
		g := get(r.Scope.Region)
		b := map[string]any{"resource_arn": arn, "native": nativeProtection(r, snapshots, g.snapErr)}
		if db := rdsSnapshotsOf(r, rdsSnapshots); db != nil && !g.rdsSnapErr {
			b["native"] = append(b["native"].([]any), db)
		}
		// The store now rests on the region's backup facts too: cite them.
		var cited []*checks.Resource
		cited = append(append(cited, g.plans...), g.vaults...)
		if g.jobs != nil {
			cited = append(cited, g.jobs)
		}
		if id, ok := r.Attributes["volume_id"].(string); ok && r.Type == "aws.ec2.volume" {
			cited = append(cited, snapshots[id]...)
		}
		if k := rdsKeyOf(r); k != "" {
			cited = append(cited, rdsSnapshots[k]...)
		}
		r.Evidence = mergeEvidence(r.Evidence, cited)
		if !read(g) {
			// AWS Backup was not read in the store's region (a bucket outside
			// --region: S3 lists every region's): its plans, recovery points
			// and jobs are unknown, never "no plan".
			if r.Attributes == nil {
				r.Attributes = map[string]any{}
			}
			r.Attributes["backup"] = b
			continue
		}
		if sel, ok := selectedBy(g.plans, g.planErr, arn, r.Tags); ok {
			b["aws_backup"] = sel
		}
		if pts, ok := recoveryPoints(g.vaults, g.pointErr, arn); ok {
			b["recovery_points"] = pts
		}
		if pointsKnown {
			regions := make([]string, 0, len(pointRegions[arn]))
			for region := range pointRegions[arn] {
				regions = append(regions, region)
			}
			b["recovery_point_regions"] = sortedStrings(regions)
		}
		if g.jobs != nil && !g.jobErr {
			b["restore_jobs"] = restoresOf(g.jobs, arn)
			b["copy_destinations"] = copiesOf(g.jobs, arn)
		}
		if r.Attributes == nil {
			r.Attributes = map[string]any{}
		}
		r.Attributes["backup"] = b
	}
}

// selectedBy resolves every plan's selections for one store; ok is false when the
// region's plans or selections could not all be read.
func selectedBy(plans []*checks.Resource, failed bool, arn string, tags map[string]string) (map[string]any, bool) {
	if failed {
		return nil, false
	}
	selected, unresolved := []any{}, []any{}
	for _, p := range plans {
		sels, ok := p.Attributes["selections"].([]any)
		if !ok {
			return nil, false // a plan whose selections are unknown
		}
		rules, _ := p.Attributes["rules"].([]any)
		for _, s := range sels {
			m, _ := s.(map[string]any)
			sel := SelectionFromFacts(m)
			v, why := sel.Selects(arn, tags)
			entry := map[string]any{"plan_id": p.Attributes["backup_plan_id"], "plan_name": p.Attributes["name"], "selection": sel.Name, "reason": why}
			switch v {
			case Selected:
				entry["rules"] = rules
				selected = append(selected, entry)
			case Unresolved:
				// Its rules too: where the plan would copy the store, if it selects
				// it, is itself a fact (data residency, AWS-S3-007).
				entry["rules"] = rules
				unresolved = append(unresolved, entry)
			}
		}
	}
	return map[string]any{"selected_by": selected, "unresolved": unresolved}, true
}

// recoveryPoints gathers a store's recovery points across the region's vaults.
func recoveryPoints(vaults []*checks.Resource, failed bool, arn string) (map[string]any, bool) {
	if failed {
		return nil, false
	}
	out := map[string]any{"count": 0, "completed": 0}
	var newest time.Time
	count, completed := 0, 0
	allEncrypted := true
	keys := map[string]bool{}
	var minDelete *float64
	var inVaults []any
	for _, v := range vaults {
		list, ok := v.Attributes["recovery_points"].([]any)
		if !ok {
			return nil, false // this vault's points are unknown
		}
		for _, e := range list {
			m, _ := e.(map[string]any)
			if m["resource_arn"] != arn {
				continue
			}
			n, _ := checks.Int(m["count"])
			c, _ := checks.Int(m["completed"])
			count += n
			completed += c
			if enc, _ := m["all_encrypted"].(bool); !enc {
				allEncrypted = false
			}
			if ks, ok := m["encryption_key_arns"].([]any); ok {
				for _, k := range ks {
					if s, ok := k.(string); ok {
						keys[s] = true
					}
				}
			}
			if s, ok := m["newest_completed"].(string); ok {
				if t, err := time.Parse(time.RFC3339, s); err == nil && t.After(newest) {
					newest = t
				}
			}
			if d, ok := checks.Number(m["min_delete_after_days"]); ok && (minDelete == nil || d < *minDelete) {
				minDelete = &d
			}
			vault := map[string]any{"name": v.Attributes["name"], "locked": v.Attributes["locked"] == true}
			if kt, ok := v.Attributes["encryption_key_type"].(string); ok && kt != "" {
				vault["encryption_key_type"] = kt
			}
			if lock, ok := v.Attributes["lock"].(map[string]any); ok {
				vault["lock_mode"] = lock["mode"]
			}
			inVaults = append(inVaults, vault)
		}
	}
	out["count"], out["completed"] = count, completed
	if count > 0 {
		out["all_encrypted"] = allEncrypted
		list := make([]string, 0, len(keys))
		for k := range keys {
			list = append(list, k)
		}
		sort.Strings(list)
		out["encryption_key_arns"] = sortedStrings(list)
		out["vaults"] = inVaults
	}
	if !newest.IsZero() {
		out["newest_completed"] = newest.UTC().Format(time.RFC3339)
	}
	if minDelete != nil {
		out["min_delete_after_days"] = *minDelete
	}
	return out, true
}

func restoresOf(jobs *checks.Resource, arn string) []any {
	out := []any{}
	list, _ := jobs.Attributes["restore_jobs"].([]any)
	for _, e := range list {
		if m, _ := e.(map[string]any); m["source_resource_arn"] == arn {
			out = append(out, m)
		}
	}
	return out
}

func copiesOf(jobs *checks.Resource, arn string) []any {
	list, _ := jobs.Attributes["copy_jobs"].([]any)
	for _, e := range list {
		if m, _ := e.(map[string]any); m["resource_arn"] == arn {
			if d, ok := m["destination_vault_arns"].([]any); ok {
				return d
			}
		}
	}
	return []any{}
}

// nativeProtection lists the store's own mechanisms, with what the facts say of
// each; an entry is present only when its fact was read.
func nativeProtection(r *checks.Resource, snapshots map[string][]*checks.Resource, snapshotsFailed bool) []any {
	a := r.Attributes
	out := []any{}
	add := func(mechanism string, on bool, extra map[string]any) {
		m := map[string]any{"mechanism": mechanism, "enabled": on}
		for k, v := range extra {
			m[k] = v
		}
		out = append(out, m)
	}
	switch r.Type {
	case "aws.dynamodb.table":
		if v, ok := a["point_in_time_recovery_enabled"].(bool); ok {
			var extra map[string]any
			if d, ok := checks.Int(a["pitr_recovery_period_days"]); ok {
				extra = map[string]any{"retention_days": d}
			}
			add("dynamodb-pitr", v, extra)
		}
	case "aws.rds.db_instance", "aws.rds.db_cluster":
		if d, ok := checks.Int(a["backup_retention_period"]); ok {
			add("rds-automated-backups", d > 0, map[string]any{"retention_days": d})
		}
	case "aws.s3.bucket":
		if v, ok := a["versioning_enabled"].(bool); ok {
			add("s3-versioning", v, nil)
		}
		if l, ok := a["object_lock"].(map[string]any); ok {
			extra := map[string]any{}
			if d, ok := l["default_retention_days"]; ok {
				extra["retention_days"] = d
			}
			add("s3-object-lock", l["enabled"] == true, extra)
		}
		if d, ok := a["replication_destinations"].([]any); ok {
			add("s3-replication", len(d) > 0, map[string]any{"destinations": d})
		}
	case "aws.efs.file_system":
		if v, ok := a["automatic_backups"].(bool); ok {
			add("efs-automatic-backups", v, nil)
		}
	case "aws.ec2.volume":
		if snapshotsFailed {
			break // the region's snapshots could not be listed
		}
		id, _ := a["volume_id"].(string)
		var newest string
		n := 0
		for _, s := range snapshots[id] {
			if st, _ := s.Attributes["state"].(string); st != "completed" {
				continue
			}
			n++
			if t, _ := s.Attributes["start_time"].(string); t > newest {
				newest = t
			}
		}
		extra := map[string]any{"count": n}
		if newest != "" {
			extra["newest"] = newest
		}
		add("ebs-snapshots", n > 0, extra)
	}
	return out
}

// mergeEvidence adds the evidence of other resources to refs, sorted by path, once each.
func mergeEvidence(refs []checks.EvidenceRef, from []*checks.Resource) []checks.EvidenceRef {
	seen := map[string]bool{}
	out := make([]checks.EvidenceRef, 0, len(refs))
	for _, e := range refs {
		if !seen[e.Path] {
			seen[e.Path] = true
			out = append(out, e)
		}
	}
	for _, r := range from {
		for _, e := range r.Evidence {
			if !seen[e.Path] {
				seen[e.Path] = true
				out = append(out, e)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	if len(out) == 0 {
		return nil
	}
	return out
}

func rdsSnapshotKey(region string, kind, id any) string {
	return fmt.Sprintf("%s/%v/%v", region, kind, id)
}

// rdsKeyOf is the snapshot key of an RDS instance or cluster ("" for other stores).
func rdsKeyOf(r *checks.Resource) string {
	switch r.Type {
	case "aws.rds.db_instance":
		return rdsSnapshotKey(r.Scope.Region, "db", r.Attributes["db_instance_identifier"])
	case "aws.rds.db_cluster":
		return rdsSnapshotKey(r.Scope.Region, "cluster", r.Attributes["db_cluster_identifier"])
	}
	return ""
}

// rdsSnapshotsOf summarises a database's available snapshots (manual and
// automated) as a mechanism: count and newest; nil for other stores.
func rdsSnapshotsOf(r *checks.Resource, all map[string][]*checks.Resource) map[string]any {
	k := rdsKeyOf(r)
	if k == "" {
		return nil
	}
	n, newest := 0, ""
	for _, s := range all[k] {
		if st, _ := s.Attributes["status"].(string); st != "available" {
			continue
		}
		n++
		if t, _ := s.Attributes["create_time"].(string); t > newest {
			newest = t
		}
	}
	m := map[string]any{"mechanism": "rds-snapshots", "enabled": n > 0, "count": n}
	if newest != "" {
		m["newest"] = newest
	}
	return m
}
