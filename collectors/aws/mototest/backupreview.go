package mototest

import (
	"context"
	"fmt"
	"io/fs"
	"testing"
	"testing/fstest"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup"
	bktypes "github.com/aws/aws-sdk-go-v2/service/backup/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// The backup review's acceptance estate (issue 6): one table with PITR, one bucket
// selected by tag with a fresh recovery point in a locked vault, one RDS instance
// with 1 day of automated backups, one identifiable bucket with no protection, and
// one bucket whose only recovery point is stale and kept in a vault without lock.
const (
	ReviewTable      = "sde-review-pitr"
	ReviewTagged     = "sde-review-tagged"
	ReviewDB         = "sde-review-db"
	ReviewBare       = "sde-review-bare"
	ReviewStale      = "sde-review-stale"
	ReviewLocked     = "sde-review-locked"
	ReviewOpen       = "sde-review-open"
	reviewSelection1 = "5b0c1d2e-0001-4a5b-8c9d-0e1f2a3b4c5d"
	reviewSelection2 = "5b0c1d2e-0002-4a5b-8c9d-0e1f2a3b4c5d"
)

// ReviewID is the resource ID of a store of the review estate.
func ReviewID(kind, name string) string {
	return fmt.Sprintf("aws://123456789012/%s/%s/%s", Region, kind, name)
}

// SeedBackupReview creates the review estate's stores, vaults and plan in moto.
func (s *Server) SeedBackupReview(t testing.TB) {
	t.Helper()
	ctx := context.Background()
	cfg := s.Config()
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("seed %s: %v", what, err)
		}
	}
	sc := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	for name, tags := range map[string][]s3types.Tag{
		ReviewTagged: {{Key: aws.String("data-classification"), Value: aws.String("identifiable")}, {Key: aws.String("backup"), Value: aws.String("daily")}},
		ReviewBare:   {{Key: aws.String("data-classification"), Value: aws.String("identifiable")}},
		ReviewStale:  {{Key: aws.String("data-classification"), Value: aws.String("pseudonymised")}, {Key: aws.String("backup"), Value: aws.String("weekly")}},
	} {
		_, err := sc.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name), CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraint(Region)}})
		must("bucket "+name, err)
		_, err = sc.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{Bucket: aws.String(name), Tagging: &s3types.Tagging{TagSet: tags}})
		must("tags of "+name, err)
	}
	dc := dynamodb.NewFromConfig(cfg)
	_, err := dc.CreateTable(ctx, &dynamodb.CreateTableInput{TableName: aws.String(ReviewTable), BillingMode: ddbtypes.BillingModePayPerRequest,
		AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("id"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
		KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: ddbtypes.KeyTypeHash}},
		Tags:                 []ddbtypes.Tag{{Key: aws.String("data-classification"), Value: aws.String("pseudonymised")}}})
	must("table", err)
	_, err = dc.UpdateContinuousBackups(ctx, &dynamodb.UpdateContinuousBackupsInput{TableName: aws.String(ReviewTable),
		PointInTimeRecoverySpecification: &ddbtypes.PointInTimeRecoverySpecification{PointInTimeRecoveryEnabled: aws.Bool(true)}})
	must("table PITR", err)
	_, err = rds.NewFromConfig(cfg).CreateDBInstance(ctx, &rds.CreateDBInstanceInput{DBInstanceIdentifier: aws.String(ReviewDB), DBInstanceClass: aws.String("db.t3.micro"),
		Engine: aws.String("postgres"), MasterUsername: aws.String("sde"), MasterUserPassword: aws.String("not-a-real-password-1"), AllocatedStorage: aws.Int32(20),
		BackupRetentionPeriod: aws.Int32(1), StorageEncrypted: aws.Bool(true),
		Tags: []rdstypes.Tag{{Key: aws.String("data-classification"), Value: aws.String("identifiable")}}})
	must("db", err)
	_, err = rds.NewFromConfig(cfg).CreateDBSnapshot(ctx, &rds.CreateDBSnapshotInput{DBInstanceIdentifier: aws.String(ReviewDB), DBSnapshotIdentifier: aws.String(ReviewDB + "-manual")})
	must("db snapshot", err)

	bc := backup.NewFromConfig(cfg)
	for _, v := range []string{ReviewLocked, ReviewOpen} {
		_, err := bc.CreateBackupVault(ctx, &backup.CreateBackupVaultInput{BackupVaultName: aws.String(v)})
		must("vault "+v, err)
	}
	_, err = bc.PutBackupVaultLockConfiguration(ctx, &backup.PutBackupVaultLockConfigurationInput{BackupVaultName: aws.String(ReviewLocked), MinRetentionDays: aws.Int64(35)})
	must("vault lock", err)
	_, err = bc.CreateBackupPlan(ctx, &backup.CreateBackupPlanInput{BackupPlan: &bktypes.BackupPlanInput{
		BackupPlanName: aws.String("sde-review"),
		Rules: []bktypes.BackupRuleInput{{
			RuleName: aws.String("daily-35d"), TargetBackupVaultName: aws.String(ReviewLocked), ScheduleExpression: aws.String("cron(0 3 * * ? *)"),
			Lifecycle:   &bktypes.Lifecycle{DeleteAfterDays: aws.Int64(35)},
			CopyActions: []bktypes.CopyAction{{DestinationBackupVaultArn: aws.String("arn:aws:backup:eu-west-1:123456789012:backup-vault:sde-dr"), Lifecycle: &bktypes.Lifecycle{DeleteAfterDays: aws.Int64(35)}}},
		}},
	}})
	must("plan", err)
}

// BackupReviewResponses are the recorded AWS Backup answers moto cannot give for
// the review estate, with recovery points timed relative to now: the plan selects
// by tag (backup=daily or backup=weekly); the tagged bucket's newest point is 2
// hours old in the locked vault, the stale bucket's 72 hours old in the open one.
func BackupReviewResponses(now time.Time) fs.FS {
	ts := func(d time.Duration) string { return fmt.Sprintf("%d", now.Add(-d).Unix()) }
	selection := func(id, name, value string) string {
		return fmt.Sprintf(`{"BackupPlanId":"{{plan}}","SelectionId":%q,"BackupSelection":{"SelectionName":%q,"IamRoleArn":"arn:aws:iam::123456789012:role/service-role/AWSBackupDefaultServiceRole","Resources":["*"],"NotResources":[],"ListOfTags":[],"Conditions":{"StringEquals":[{"ConditionKey":"aws:ResourceTag/backup","ConditionValue":%q}],"StringLike":[],"StringNotEquals":[],"StringNotLike":[]}}}`, id, name, value)
	}
	point := func(vault, bucket string, age time.Duration, days int) string {
		return fmt.Sprintf(`{"RecoveryPoints":[{"BackupVaultName":%q,"RecoveryPointArn":"arn:aws:backup:eu-west-2:123456789012:recovery-point:%s-1","ResourceArn":"arn:aws:s3:::%s","ResourceType":"S3","Status":"COMPLETED","IsEncrypted":true,"EncryptionKeyArn":"arn:aws:kms:eu-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab","CreationDate":%s,"CompletionDate":%s,"Lifecycle":{"DeleteAfterDays":%d}}]}`,
			vault, bucket, bucket, ts(age+time.Hour), ts(age), days)
	}
	file := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }
	return fstest.MapFS{
		"ListBackupSelections.json":                                 file(fmt.Sprintf(`{"BackupSelectionsList":[{"BackupPlanId":"{{plan}}","SelectionId":%q,"SelectionName":"daily"},{"BackupPlanId":"{{plan}}","SelectionId":%q,"SelectionName":"weekly"}]}`, reviewSelection1, reviewSelection2)),
		"GetBackupSelection-" + reviewSelection1 + ".json":          file(selection(reviewSelection1, "daily", "daily")),
		"GetBackupSelection-" + reviewSelection2 + ".json":          file(selection(reviewSelection2, "weekly", "weekly")),
		"ListRecoveryPointsByBackupVault-" + ReviewLocked + ".json": file(point(ReviewLocked, ReviewTagged, 2*time.Hour, 35)),
		"ListRecoveryPointsByBackupVault-" + ReviewOpen + ".json":   file(point(ReviewOpen, ReviewStale, 72*time.Hour, 35)),
	}
}
