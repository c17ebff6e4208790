package aws

import (
	"context"
	"sort"
	"strings"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup"
	bktypes "github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/sdescan/sdescan/checks"
)

// JobWindowDays is how far back backup, copy and restore jobs are read.
const JobWindowDays = 35

var (
	backupPlanTypes  = []string{"aws.backup.plan"}
	backupVaultTypes = []string{"aws.backup.vault"}
	backupJobTypes   = []string{"aws.backup.jobs"}
	backupTypes      = []string{"aws.backup.plan", "aws.backup.vault", "aws.backup.jobs"}
)

func init() {
	register(service{
		name:    "backup",
		covers:  backupTypes,
		collect: (*collector).collectBackup,
		ops: []Operation{
			{"Backup", "ListBackupPlans", "backup:ListBackupPlans"},
			{"Backup", "GetBackupPlan", "backup:GetBackupPlan"},
			{"Backup", "ListBackupSelections", "backup:ListBackupSelections"},
			{"Backup", "GetBackupSelection", "backup:GetBackupSelection"},
			{"Backup", "ListBackupVaults", "backup:ListBackupVaults"},
			{"Backup", "ListRecoveryPointsByBackupVault", "backup:ListRecoveryPointsByBackupVault"},
			{"Backup", "ListBackupJobs", "backup:ListBackupJobs"},
			{"Backup", "ListCopyJobs", "backup:ListCopyJobs"},
			{"Backup", "ListRestoreJobs", "backup:ListRestoreJobs"},
			{"Backup", "ListRestoreTestingPlans", "backup:ListRestoreTestingPlans"},
		},
	})
}

// collectBackup reads AWS Backup in the region: plans with their rules and
// selections, vaults with their lock and a summary of their recovery points per
// protected resource, and the backup, copy and restore jobs of the last 35 days
// with the restore testing plans. Anything that could not be read is left out of
// the resource it belongs to (and recorded), so the backup review says "not
// assessed" rather than "no backup".
func (c *collector) collectBackup(ctx context.Context) {
	client := backup.NewFromConfig(c.cfg)
	c.collectBackupPlans(cite(ctx), client)
	c.collectBackupVaults(cite(ctx), client)
	c.collectBackupJobs(cite(ctx), client)
}

func (c *collector) backupFail(api, resource string, types []string, err error) checks.CollectError {
	return checks.CollectError{Region: c.cfg.Region, Service: "backup", API: api, Resource: resource, ResourceTypes: types, Message: errorMessage(err)}
}

func (c *collector) collectBackupPlans(ctx context.Context, client *backup.Client) {
	region := c.cfg.Region
	plans, err := listAll(ctx, backup.NewListBackupPlansPaginator(client, &backup.ListBackupPlansInput{}),
		func(o *backup.ListBackupPlansOutput) []bktypes.BackupPlansListMember { return o.BackupPlansList })
	if err != nil {
		c.fail(c.backupFail("ListBackupPlans", "", backupPlanTypes, err))
		return
	}
	c.readConcurrently(ctx, len(plans), func(ctx context.Context, i int) resourceRead {
		p := plans[i]
		id := sdkaws.ToString(p.BackupPlanId)
		rid := resourceID(c.account, region, "backup/plan", id)
		attrs := map[string]any{
			"backup_plan_id": id,
			"arn":            sdkaws.ToString(p.BackupPlanArn),
			"name":           sdkaws.ToString(p.BackupPlanName),
		}
		attrSetString(attrs, "version_id", p.VersionId)
		attrSetTime(attrs, "last_execution_date", p.LastExecutionDate)
		var errs []checks.CollectError
		out, err := client.GetBackupPlan(ctx, &backup.GetBackupPlanInput{BackupPlanId: p.BackupPlanId})
		switch {
		case err == nil && out.BackupPlan != nil:
			attrs["rules"] = backupRules(out.BackupPlan.Rules)
		case errorCode(err) == "ResourceNotFoundException":
			return resourceRead{}
		default:
			errs = append(errs, c.backupFail("GetBackupPlan", rid, backupPlanTypes, errOrEmpty(err, "GetBackupPlan returned no plan")))
		}
		if sel, err := c.backupSelections(ctx, client, p.BackupPlanId); err != nil {
			errs = append(errs, c.backupFail(err.api, rid, backupPlanTypes, err.err))
		} else {
			attrs["selections"] = sel
		}
		return resourceRead{resource: &checks.Resource{ID: rid, Type: "aws.backup.plan", Source: "aws", Scope: checks.Scope{Account: c.account, Region: region}, Attributes: attrs}, errors: errs}
	})
}

// apiErr is an error with the API that failed.
type apiErr struct {
	api string
	err error
}

// backupSelections reads every selection of a plan, whole or not at all.
func (c *collector) backupSelections(ctx context.Context, client *backup.Client, planID *string) ([]any, *apiErr) {
	list, err := listAll(ctx, backup.NewListBackupSelectionsPaginator(client, &backup.ListBackupSelectionsInput{BackupPlanId: planID}),
		func(o *backup.ListBackupSelectionsOutput) []bktypes.BackupSelectionsListMember {
			return o.BackupSelectionsList
		})
	if err != nil {
		return nil, &apiErr{"ListBackupSelections", err}
	}
	sort.Slice(list, func(i, j int) bool {
		return sdkaws.ToString(list[i].SelectionId) < sdkaws.ToString(list[j].SelectionId)
	})
	out := []any{}
	for _, s := range list {
		got, err := client.GetBackupSelection(ctx, &backup.GetBackupSelectionInput{BackupPlanId: planID, SelectionId: s.SelectionId})
		if err != nil || got.BackupSelection == nil {
			return nil, &apiErr{"GetBackupSelection", errOrEmpty(err, "GetBackupSelection returned no selection")}
		}
		bs := got.BackupSelection
		sel := map[string]any{
			"selection_id":      sdkaws.ToString(s.SelectionId),
			"name":              sdkaws.ToString(bs.SelectionName),
			"resources":         sortedStrings(bs.Resources),
			"not_resources":     sortedStrings(bs.NotResources),
			"list_of_tags":      backupTagConditions(bs.ListOfTags),
			"string_equals":     []any{},
			"string_like":       []any{},
			"string_not_equals": []any{},
			"string_not_like":   []any{},
		}
		attrSetString(sel, "iam_role_arn", bs.IamRoleArn)
		if cnd := bs.Conditions; cnd != nil {
			sel["string_equals"] = conditionParams(cnd.StringEquals)
			sel["string_like"] = conditionParams(cnd.StringLike)
			sel["string_not_equals"] = conditionParams(cnd.StringNotEquals)
			sel["string_not_like"] = conditionParams(cnd.StringNotLike)
		}
		out = append(out, sel)
	}
	return out, nil
}

func backupRules(rules []bktypes.BackupRule) []any {
	out := []any{}
	for _, r := range rules {
		rule := map[string]any{
			"rule_name":                sdkaws.ToString(r.RuleName),
			"target_backup_vault_name": sdkaws.ToString(r.TargetBackupVaultName),
			"enable_continuous_backup": sdkaws.ToBool(r.EnableContinuousBackup),
			"lifecycle":                backupLifecycle(r.Lifecycle),
		}
		attrSetString(rule, "schedule_expression", r.ScheduleExpression)
		attrSetString(rule, "schedule_expression_timezone", r.ScheduleExpressionTimezone)
		if r.StartWindowMinutes != nil {
			rule["start_window_minutes"] = *r.StartWindowMinutes
		}
		if r.CompletionWindowMinutes != nil {
			rule["completion_window_minutes"] = *r.CompletionWindowMinutes
		}
		copies := []any{}
		for _, cp := range r.CopyActions {
			copies = append(copies, map[string]any{
				"destination_backup_vault_arn": sdkaws.ToString(cp.DestinationBackupVaultArn),
				"lifecycle":                    backupLifecycle(cp.Lifecycle),
			})
		}
		rule["copy_actions"] = copies
		out = append(out, rule)
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].(map[string]any)["rule_name"].(string) < out[j].(map[string]any)["rule_name"].(string)
	})
	return out
}

// backupLifecycle gives delete_after_days and move_to_cold_storage_after_days; an
// absent value means "kept until deleted by hand" (delete) or "never" (cold).
func backupLifecycle(l *bktypes.Lifecycle) map[string]any {
	out := map[string]any{}
	if l == nil {
		return out
	}
	if l.DeleteAfterDays != nil {
		out["delete_after_days"] = *l.DeleteAfterDays
	}
	if l.MoveToColdStorageAfterDays != nil {
		out["move_to_cold_storage_after_days"] = *l.MoveToColdStorageAfterDays
	}
	return out
}

func backupTagConditions(list []bktypes.Condition) []any {
	out := []any{}
	for _, c := range list {
		out = append(out, map[string]any{
			"condition_type": string(c.ConditionType),
			"key":            sdkaws.ToString(c.ConditionKey),
			"value":          sdkaws.ToString(c.ConditionValue),
		})
	}
	return out
}

func conditionParams(list []bktypes.ConditionParameter) []any {
	out := []any{}
	for _, c := range list {
		out = append(out, map[string]any{"key": sdkaws.ToString(c.ConditionKey), "value": sdkaws.ToString(c.ConditionValue)})
	}
	return out
}

func (c *collector) collectBackupVaults(ctx context.Context, client *backup.Client) {
	region := c.cfg.Region
	vaults, err := listAll(ctx, backup.NewListBackupVaultsPaginator(client, &backup.ListBackupVaultsInput{}),
		func(o *backup.ListBackupVaultsOutput) []bktypes.BackupVaultListMember { return o.BackupVaultList })
	if err != nil {
		c.fail(c.backupFail("ListBackupVaults", "", backupVaultTypes, err))
		return
	}
	c.readConcurrently(ctx, len(vaults), func(ctx context.Context, i int) resourceRead {
		v := vaults[i]
		name := sdkaws.ToString(v.BackupVaultName)
		rid := resourceID(c.account, region, "backup/vault", name)
		attrs := map[string]any{
			"name":                      name,
			"arn":                       sdkaws.ToString(v.BackupVaultArn),
			"locked":                    sdkaws.ToBool(v.Locked),
			"number_of_recovery_points": v.NumberOfRecoveryPoints,
			"vault_type":                string(v.VaultType),
			"vault_state":               string(v.VaultState),
			"encryption_key_type":       string(v.EncryptionKeyType),
		}
		attrSetString(attrs, "encryption_key_arn", v.EncryptionKeyArn)
		// Lock mode: a lock date is when a compliance-mode lock becomes immutable;
		// a lock without one is governance mode.
		if v.MinRetentionDays != nil || v.MaxRetentionDays != nil || sdkaws.ToBool(v.Locked) {
			mode := "governance"
			if v.LockDate != nil {
				mode = "compliance"
			}
			lock := map[string]any{"mode": mode}
			if v.MinRetentionDays != nil {
				lock["min_retention_days"] = *v.MinRetentionDays
			}
			if v.MaxRetentionDays != nil {
				lock["max_retention_days"] = *v.MaxRetentionDays
			}
			attrSetTime(lock, "lock_date", v.LockDate)
			attrs["lock"] = lock
		}
		var errs []checks.CollectError
		points, err := listAll(ctx, backup.NewListRecoveryPointsByBackupVaultPaginator(client, &backup.ListRecoveryPointsByBackupVaultInput{BackupVaultName: v.BackupVaultName}),
			func(o *backup.ListRecoveryPointsByBackupVaultOutput) []bktypes.RecoveryPointByBackupVault {
				return o.RecoveryPoints
			})
		if err != nil {
			errs = append(errs, c.backupFail("ListRecoveryPointsByBackupVault", rid, backupVaultTypes, err))
		} else {
			attrs["recovery_points"] = summariseRecoveryPoints(points)
		}
		return resourceRead{resource: &checks.Resource{ID: rid, Type: "aws.backup.vault", Source: "aws", Scope: checks.Scope{Account: c.account, Region: region}, Attributes: attrs}, errors: errs}
	})
}

// summariseRecoveryPoints gives one entry per protected resource: how many
// recovery points, the newest completed one, whether all are encrypted and with
// which keys, their statuses and the shortest retention.
func summariseRecoveryPoints(points []bktypes.RecoveryPointByBackupVault) []any {
	type sum struct {
		arn, typ           string
		count, completed   int
		newest, oldest     time.Time
		allEncrypted       bool
		keys, statuses     map[string]int
		minDeleteAfterDays *int64
		continuous         bool
	}
	byRes := map[string]*sum{}
	for _, p := range points {
		arn := sdkaws.ToString(p.ResourceArn)
		s := byRes[arn]
		if s == nil {
			s = &sum{arn: arn, typ: sdkaws.ToString(p.ResourceType), allEncrypted: true, keys: map[string]int{}, statuses: map[string]int{}}
			byRes[arn] = s
		}
		s.count++
		s.statuses[string(p.Status)]++
		if !p.IsEncrypted {
			s.allEncrypted = false
		}
		if k := sdkaws.ToString(p.EncryptionKeyArn); k != "" {
			s.keys[k]++
		}
		if p.Lifecycle != nil && p.Lifecycle.DeleteAfterDays != nil && (s.minDeleteAfterDays == nil || *p.Lifecycle.DeleteAfterDays < *s.minDeleteAfterDays) {
			d := *p.Lifecycle.DeleteAfterDays
			s.minDeleteAfterDays = &d
		}
		if strings.Contains(sdkaws.ToString(p.RecoveryPointArn), ":continuous:") {
			s.continuous = true
		}
		if p.Status == bktypes.RecoveryPointStatusCompleted {
			s.completed++
			when := p.CompletionDate
			if when == nil {
				when = p.CreationDate
			}
			if when != nil {
				if s.newest.IsZero() || when.After(s.newest) {
					s.newest = *when
				}
				if s.oldest.IsZero() || when.Before(s.oldest) {
					s.oldest = *when
				}
			}
		}
	}
	arns := make([]string, 0, len(byRes))
	for a := range byRes {
		arns = append(arns, a)
	}
	sort.Strings(arns)
	out := []any{}
	for _, a := range arns {
		s := byRes[a]
		e := map[string]any{
			"resource_arn":  s.arn,
			"resource_type": s.typ,
			"count":         s.count,
			"completed":     s.completed,
			"all_encrypted": s.allEncrypted,
			"statuses":      countsMap(s.statuses),
			"continuous":    s.continuous,
		}
		keys := make([]string, 0, len(s.keys))
		for k := range s.keys {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		e["encryption_key_arns"] = sortedStrings(keys)
		if !s.newest.IsZero() {
			e["newest_completed"] = s.newest.UTC().Format(time.RFC3339)
			e["oldest_completed"] = s.oldest.UTC().Format(time.RFC3339)
		}
		if s.minDeleteAfterDays != nil {
			e["min_delete_after_days"] = *s.minDeleteAfterDays
		}
		out = append(out, e)
	}
	return out
}

func countsMap(m map[string]int) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// collectBackupJobs reads the last 35 days of backup, copy and restore jobs and
// the restore testing plans into one aws.backup.jobs resource for the region. A
// listing that fails is left out of it.
func (c *collector) collectBackupJobs(ctx context.Context, client *backup.Client) {
	region := c.cfg.Region
	since := c.now.AddDate(0, 0, -JobWindowDays).UTC().Truncate(time.Second)
	rid := resourceID(c.account, region, "backup", "jobs")
	attrs := map[string]any{"window_days": JobWindowDays, "since": since.Format(time.RFC3339)}

	jobs, err := listAll(ctx, backup.NewListBackupJobsPaginator(client, &backup.ListBackupJobsInput{ByCreatedAfter: &since}),
		func(o *backup.ListBackupJobsOutput) []bktypes.BackupJob { return o.BackupJobs })
	if err != nil {
		c.fail(c.backupFail("ListBackupJobs", rid, backupJobTypes, err))
	} else {
		attrs["backup_jobs"] = summariseBackupJobs(jobs)
	}

	copies, err := listAll(ctx, backup.NewListCopyJobsPaginator(client, &backup.ListCopyJobsInput{ByCreatedAfter: &since}),
		func(o *backup.ListCopyJobsOutput) []bktypes.CopyJob { return o.CopyJobs })
	if err != nil {
		c.fail(c.backupFail("ListCopyJobs", rid, backupJobTypes, err))
	} else {
		attrs["copy_jobs"] = summariseCopyJobs(copies)
	}

	restores, err := listAll(ctx, backup.NewListRestoreJobsPaginator(client, &backup.ListRestoreJobsInput{ByCreatedAfter: &since}),
		func(o *backup.ListRestoreJobsOutput) []bktypes.RestoreJobsListMember { return o.RestoreJobs })
	if err != nil {
		c.fail(c.backupFail("ListRestoreJobs", rid, backupJobTypes, err))
	} else {
		attrs["restore_jobs"] = restoreJobs(restores)
	}

	plans, err := listAll(ctx, backup.NewListRestoreTestingPlansPaginator(client, &backup.ListRestoreTestingPlansInput{}),
		func(o *backup.ListRestoreTestingPlansOutput) []bktypes.RestoreTestingPlanForList {
			return o.RestoreTestingPlans
		})
	if err != nil {
		c.fail(c.backupFail("ListRestoreTestingPlans", rid, backupJobTypes, err))
	} else {
		list := []any{}
		for _, p := range plans {
			e := map[string]any{"name": sdkaws.ToString(p.RestoreTestingPlanName), "arn": sdkaws.ToString(p.RestoreTestingPlanArn)}
			attrSetString(e, "schedule_expression", p.ScheduleExpression)
			attrSetTime(e, "last_execution_time", p.LastExecutionTime)
			list = append(list, e)
		}
		sort.Slice(list, func(i, j int) bool {
			return list[i].(map[string]any)["name"].(string) < list[j].(map[string]any)["name"].(string)
		})
		attrs["restore_testing_plans"] = list
	}
	if len(attrs) == 2 {
		return // nothing could be read: no resource, only the errors
	}
	c.add(ctx, checks.Resource{ID: rid, Type: "aws.backup.jobs", Source: "aws", Scope: checks.Scope{Account: c.account, Region: region}, Attributes: attrs})
}

// jobSummary is one protected resource's jobs in the window.
type jobSummary struct {
	typ                       string
	completed, failed, other  int
	lastCompleted, lastFailed time.Time
	lastFailureMessage        string
	destinations              map[string]bool
}

func (s *jobSummary) record(state string, completedAt, createdAt *time.Time, message string) {
	when := createdAt
	if completedAt != nil {
		when = completedAt
	}
	switch state {
	case "COMPLETED":
		s.completed++
		if when != nil && when.After(s.lastCompleted) {
			s.lastCompleted = *when
		}
	case "FAILED", "ABORTED", "EXPIRED", "PARTIAL":
		s.failed++
		if when != nil && !when.Before(s.lastFailed) {
			s.lastFailed = *when
			s.lastFailureMessage = checks.ErrorLine(message)
		}
	default:
		s.other++
	}
}

func jobSummaries(m map[string]*jobSummary) []any {
	arns := make([]string, 0, len(m))
	for a := range m {
		arns = append(arns, a)
	}
	sort.Strings(arns)
	out := []any{}
	for _, a := range arns {
		s := m[a]
		e := map[string]any{"resource_arn": a, "resource_type": s.typ, "completed": s.completed, "failed": s.failed, "in_progress_or_other": s.other}
		if !s.lastCompleted.IsZero() {
			e["last_completed"] = s.lastCompleted.UTC().Format(time.RFC3339)
		}
		if !s.lastFailed.IsZero() {
			e["last_failed"] = s.lastFailed.UTC().Format(time.RFC3339)
			if s.lastFailureMessage != "" {
				e["last_failure_message"] = s.lastFailureMessage
			}
		}
		if s.destinations != nil {
			var d []string
			for k := range s.destinations {
				d = append(d, k)
			}
			e["destination_vault_arns"] = sortedStrings(d)
		}
		out = append(out, e)
	}
	return out
}

func summariseBackupJobs(jobs []bktypes.BackupJob) []any {
	m := map[string]*jobSummary{}
	for _, j := range jobs {
		arn := sdkaws.ToString(j.ResourceArn)
		if m[arn] == nil {
			m[arn] = &jobSummary{typ: sdkaws.ToString(j.ResourceType)}
		}
		m[arn].record(string(j.State), j.CompletionDate, j.CreationDate, sdkaws.ToString(j.StatusMessage))
	}
	return jobSummaries(m)
}

func summariseCopyJobs(jobs []bktypes.CopyJob) []any {
	m := map[string]*jobSummary{}
	for _, j := range jobs {
		arn := sdkaws.ToString(j.ResourceArn)
		if m[arn] == nil {
			m[arn] = &jobSummary{typ: sdkaws.ToString(j.ResourceType), destinations: map[string]bool{}}
		}
		m[arn].record(string(j.State), j.CompletionDate, j.CreationDate, sdkaws.ToString(j.StatusMessage))
		if d := sdkaws.ToString(j.DestinationBackupVaultArn); d != "" && j.State == bktypes.CopyJobStateCompleted {
			m[arn].destinations[d] = true
		}
	}
	return jobSummaries(m)
}

func restoreJobs(jobs []bktypes.RestoreJobsListMember) []any {
	out := []any{}
	for _, j := range jobs {
		e := map[string]any{
			"restore_job_id":    sdkaws.ToString(j.RestoreJobId),
			"status":            string(j.Status),
			"resource_type":     sdkaws.ToString(j.ResourceType),
			"validation_status": string(j.ValidationStatus),
		}
		attrSetString(e, "recovery_point_arn", j.RecoveryPointArn)
		attrSetString(e, "source_resource_arn", j.SourceResourceArn)
		attrSetTime(e, "creation_date", j.CreationDate)
		attrSetTime(e, "completion_date", j.CompletionDate)
		if j.CreatedBy != nil {
			attrSetString(e, "restore_testing_plan_arn", j.CreatedBy.RestoreTestingPlanArn)
		}
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].(map[string]any)["restore_job_id"].(string) < out[j].(map[string]any)["restore_job_id"].(string)
	})
	return out
}

// errOrEmpty returns err, or an error saying what was empty.
func errOrEmpty(err error, empty string) error {
	if err != nil {
		return err
	}
	return errEmpty(empty)
}

type errEmpty string

func (e errEmpty) Error() string { return string(e) }
