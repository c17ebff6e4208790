package mototest

import (
	"context"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup"
	bktypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
	"github.com/aws/aws-sdk-go-v2/service/efs"
	efstypes "github.com/aws/aws-sdk-go-v2/service/efs/types"
)

// moto 5.2.1 implements AWS Backup's plans and vaults (with vault lock) but not
// selections, recovery points, jobs or restore testing: it answers them 404 "not
// yet implemented". Those calls are answered by a handler in front of moto
// (BackupOp says which they are), everything else reaches moto.

// backupRoutes are the REST paths of the AWS Backup operations moto lacks.
var backupRoutes = []struct {
	op string
	re *regexp.Regexp
}{
	{"GetBackupSelection", regexp.MustCompile(`^/backup/plans/([^/]+)/selections/([^/]+)/?$`)},
	{"ListBackupSelections", regexp.MustCompile(`^/backup/plans/([^/]+)/selections/?$`)},
	{"ListRecoveryPointsByBackupVault", regexp.MustCompile(`^/backup-vaults/([^/]+)/recovery-points/?$`)},
	{"ListBackupJobs", regexp.MustCompile(`^/backup-jobs/?$`)},
	{"ListCopyJobs", regexp.MustCompile(`^/copy-jobs/?$`)},
	{"ListRestoreJobs", regexp.MustCompile(`^/restore-jobs/?$`)},
	{"ListRestoreTestingPlans", regexp.MustCompile(`^/restore-testing/plans/?$`)},
}

// BackupOp names the unimplemented AWS Backup operation a request is, with its
// path parameters (plan ID and selection ID, or vault name); "" for anything else.
func BackupOp(r *http.Request) (op string, params []string) {
	if r.Method != http.MethodGet {
		return "", nil
	}
	for _, rt := range backupRoutes {
		if m := rt.re.FindStringSubmatch(r.URL.Path); m != nil {
			for _, p := range m[1:] {
				if u, err := url.PathUnescape(p); err == nil {
					p = u
				}
				params = append(params, p)
			}
			return rt.op, params
		}
	}
	return "", nil
}

// WithBackup returns a proxy in front of the emulator that hands the AWS Backup
// requests moto lacks (BackupOp) to answer and forwards everything else.
func (s *Server) WithBackup(t testing.TB, answer http.Handler) *Server {
	t.Helper()
	return s.front(t, func(r *http.Request) bool { op, _ := BackupOp(r); return op != "" }, answer)
}

// front returns a proxy in front of s that hands the requests match selects to
// answer and forwards everything else.
func (s *Server) front(t testing.TB, match func(*http.Request) bool, answer http.Handler) *Server {
	t.Helper()
	target, err := url.Parse(s.URL)
	if err != nil {
		t.Fatal(err)
	}
	rp := httputil.NewSingleHostReverseProxy(target)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if match(r) {
			answer.ServeHTTP(w, r)
			return
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return &Server{URL: srv.URL}
}

// emptyBackupAnswers are what an account with no selections, recovery points,
// jobs or restore testing plans answers.
var emptyBackupAnswers = map[string]string{
	"ListBackupSelections":            `{"BackupSelectionsList":[]}`,
	"ListRecoveryPointsByBackupVault": `{"RecoveryPoints":[]}`,
	"ListBackupJobs":                  `{"BackupJobs":[]}`,
	"ListCopyJobs":                    `{"CopyJobs":[]}`,
	"ListRestoreJobs":                 `{"RestoreJobs":[]}`,
	"ListRestoreTestingPlans":         `{"RestoreTestingPlans":[]}`,
}

// EmptyBackup answers the AWS Backup calls moto lacks as an account without
// selections, recovery points, jobs or restore testing plans does.
var EmptyBackup = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	op, _ := BackupOp(r)
	body, ok := emptyBackupAnswers[op]
	if !ok {
		writeRESTJSONError(w, http.StatusNotFound, "ResourceNotFoundException", "no such "+op)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = io.WriteString(w, body)
})

// RecordedBackup answers the AWS Backup calls moto lacks from recorded AWS
// responses in dir, one file per operation (and per vault or selection):
//
//	ListBackupSelections.json                  every plan's selections ({{plan}} is the plan's ID)
//	GetBackupSelection-<selection-id>.json
//	ListRecoveryPointsByBackupVault-<vault>.json
//	ListBackupJobs.json, ListCopyJobs.json, ListRestoreJobs.json, ListRestoreTestingPlans.json
//
// A missing file answers as EmptyBackup does.
func RecordedBackup(dir fs.FS) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		op, params := BackupOp(r)
		name := op + ".json"
		switch op {
		case "GetBackupSelection":
			name = op + "-" + params[1] + ".json"
		case "ListRecoveryPointsByBackupVault":
			name = op + "-" + params[0] + ".json"
		}
		data, err := fs.ReadFile(dir, name)
		if err != nil {
			EmptyBackup.ServeHTTP(w, r)
			return
		}
		body := string(data)
		if op == "ListBackupSelections" || op == "GetBackupSelection" {
			body = strings.ReplaceAll(body, "{{plan}}", params[0])
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, body)
	})
}

// writeRESTJSONError writes an error as AWS REST-JSON services do.
func writeRESTJSONError(w http.ResponseWriter, status int, code, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Amzn-ErrorType", code)
	w.WriteHeader(status)
	_, _ = io.WriteString(w, `{"__type":"`+code+`","Message":"`+message+`"}`)
}

// Backup is what SeedBackup creates.
type Backup struct {
	// LockedVault has a compliance-mode vault lock (35 to 3650 days);
	// GovernanceVault a governance-mode lock; OpenVault none.
	LockedVault, GovernanceVault, OpenVault string
	// DailyPlan (ID) backs up daily to LockedVault, keeps 35 days and copies to
	// another region; WeeklyPlan backs up weekly, keeps 7 days, no copy.
	DailyPlan, WeeklyPlan string
	// BackedUpFS has automatic backups and encryption; BareFS neither.
	BackedUpFS, BareFS string
}

// BackupVaultID is the resource ID of a vault the collector reports.
func BackupVaultID(name string) string {
	return "aws://123456789012/" + Region + "/backup/vault/" + name
}

// BackupPlanID is the resource ID of a plan.
func BackupPlanID(id string) string { return "aws://123456789012/" + Region + "/backup/plan/" + id }

// EFSID is the resource ID of a file system.
func EFSID(id string) string { return "aws://123456789012/" + Region + "/efs/file-system/" + id }

// SeedBackup creates, with the SDK itself, backup vaults (locked in compliance
// and governance mode, and not locked), two backup plans and two EFS file systems
// (one encrypted with automatic backups, one with neither).
func (s *Server) SeedBackup(t testing.TB) Backup {
	t.Helper()
	ctx := context.Background()
	cfg := s.Config()
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("seed %s: %v", what, err)
		}
	}
	b := Backup{LockedVault: "sde-vault-locked", GovernanceVault: "sde-vault-governance", OpenVault: "sde-vault-open"}
	bc := backup.NewFromConfig(cfg)
	for _, v := range []string{b.LockedVault, b.GovernanceVault, b.OpenVault} {
		_, err := bc.CreateBackupVault(ctx, &backup.CreateBackupVaultInput{BackupVaultName: aws.String(v)})
		must("vault "+v, err)
	}
	_, err := bc.PutBackupVaultLockConfiguration(ctx, &backup.PutBackupVaultLockConfigurationInput{
		BackupVaultName: aws.String(b.LockedVault), MinRetentionDays: aws.Int64(35), MaxRetentionDays: aws.Int64(3650), ChangeableForDays: aws.Int64(3)})
	must("compliance lock", err)
	_, err = bc.PutBackupVaultLockConfiguration(ctx, &backup.PutBackupVaultLockConfigurationInput{
		BackupVaultName: aws.String(b.GovernanceVault), MinRetentionDays: aws.Int64(7)})
	must("governance lock", err)

	daily, err := bc.CreateBackupPlan(ctx, &backup.CreateBackupPlanInput{BackupPlan: &bktypes.BackupPlanInput{
		BackupPlanName: aws.String("sde-daily"),
		Rules: []bktypes.BackupRuleInput{{
			RuleName:              aws.String("daily-35d"),
			TargetBackupVaultName: aws.String(b.LockedVault),
			ScheduleExpression:    aws.String("cron(0 3 * * ? *)"),
			Lifecycle:             &bktypes.Lifecycle{DeleteAfterDays: aws.Int64(35)},
			CopyActions: []bktypes.CopyAction{{
				DestinationBackupVaultArn: aws.String("arn:aws:backup:eu-west-1:123456789012:backup-vault:sde-dr"),
				Lifecycle:                 &bktypes.Lifecycle{DeleteAfterDays: aws.Int64(35)},
			}},
		}},
	}})
	must("daily plan", err)
	b.DailyPlan = aws.ToString(daily.BackupPlanId)
	weekly, err := bc.CreateBackupPlan(ctx, &backup.CreateBackupPlanInput{BackupPlan: &bktypes.BackupPlanInput{
		BackupPlanName: aws.String("sde-weekly"),
		Rules: []bktypes.BackupRuleInput{{
			RuleName:              aws.String("weekly-7d"),
			TargetBackupVaultName: aws.String(b.OpenVault),
			ScheduleExpression:    aws.String("cron(0 5 ? * SUN *)"),
			Lifecycle:             &bktypes.Lifecycle{DeleteAfterDays: aws.Int64(7)},
		}},
	}})
	must("weekly plan", err)
	b.WeeklyPlan = aws.ToString(weekly.BackupPlanId)

	ec := efs.NewFromConfig(cfg)
	good, err := ec.CreateFileSystem(ctx, &efs.CreateFileSystemInput{CreationToken: aws.String("sde-home"), Encrypted: aws.Bool(true), Backup: aws.Bool(true),
		Tags: []efstypes.Tag{{Key: aws.String("Name"), Value: aws.String("sde-home")}, {Key: aws.String("data-classification"), Value: aws.String("pseudonymised")}}})
	must("file system sde-home", err)
	b.BackedUpFS = aws.ToString(good.FileSystemId)
	bare, err := ec.CreateFileSystem(ctx, &efs.CreateFileSystemInput{CreationToken: aws.String("sde-scratch"),
		Tags: []efstypes.Tag{{Key: aws.String("data-classification"), Value: aws.String("identifiable")}}})
	must("file system sde-scratch", err)
	b.BareFS = aws.ToString(bare.FileSystemId)
	return b
}
