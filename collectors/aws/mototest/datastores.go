package mototest

import (
	"context"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	rdstypes "github.com/aws/aws-sdk-go-v2/service/rds/types"
)

// Datastores are the resource IDs SeedDatastores creates: a compliant (Good) and a
// misconfigured (Bad) resource of each kind, and a few that checks skip.
type Datastores struct {
	GoodDBInstance, BadDBInstance string
	// ClusterMember is an instance of GoodDBCluster: judged on the cluster for backups.
	ClusterMember               string
	GoodDBCluster, BadDBCluster string
	// PrivateDBSnapshot is a manual snapshot of the good instance shared with one
	// account; PublicDBSnapshot (of the bad instance) and PublicClusterSnapshot
	// (of the bad cluster) are restorable by all.
	PrivateDBSnapshot, PublicDBSnapshot, PublicClusterSnapshot string
	GoodTable, BadTable                                        string
	// GoodKey rotates, BadKey does not; AsymmetricKey and DisabledKey are out of
	// scope of AWS-KMS-001. KeyIDs are the key IDs by the same names.
	GoodKey, BadKey, AsymmetricKey, DisabledKey string
	GoodKeyID, BadKeyID                         string
	// GoodLogGroup keeps events 400 days, KMS-encrypted; NeverExpireLogGroup keeps
	// them forever, KMS-encrypted; BadLogGroup keeps them 14 days, unencrypted.
	GoodLogGroup, NeverExpireLogGroup, BadLogGroup string
}

func datastoreID(kind, name string) string {
	return fmt.Sprintf("aws://123456789012/%s/%s/%s", Region, kind, name)
}

// SeedDatastores creates, with the SDK itself (outside sdescan's read-only guard),
// RDS instances and clusters, DynamoDB tables, KMS keys and log groups, compliant
// and not, in Region.
func (s *Server) SeedDatastores(t testing.TB) Datastores {
	t.Helper()
	ctx := context.Background()
	cfg := s.Config()
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("seed %s: %v", what, err)
		}
	}
	classified := func(v string) []rdstypes.Tag {
		return []rdstypes.Tag{{Key: aws.String("data-classification"), Value: aws.String(v)}}
	}
	var ids Datastores

	// KMS first: the compliant resources use the compliant key.
	kc := kms.NewFromConfig(cfg)
	key := func(alias string, in *kms.CreateKeyInput) (id, arn string) {
		t.Helper()
		out, err := kc.CreateKey(ctx, in)
		must("key "+alias, err)
		_, err = kc.CreateAlias(ctx, &kms.CreateAliasInput{AliasName: aws.String(alias), TargetKeyId: out.KeyMetadata.KeyId})
		must("alias "+alias, err)
		return aws.ToString(out.KeyMetadata.KeyId), aws.ToString(out.KeyMetadata.Arn)
	}
	goodKey, goodKeyARN := key("alias/sde-research-data", &kms.CreateKeyInput{Tags: []kmstypes.Tag{{TagKey: aws.String("data-classification"), TagValue: aws.String("identifiable")}}})
	_, err := kc.EnableKeyRotation(ctx, &kms.EnableKeyRotationInput{KeyId: aws.String(goodKey)})
	must("key rotation", err)
	badKey, _ := key("alias/sde-scratch", &kms.CreateKeyInput{})
	asym, _ := key("alias/sde-signing", &kms.CreateKeyInput{KeySpec: kmstypes.KeySpecRsa2048, KeyUsage: kmstypes.KeyUsageTypeSignVerify})
	disabled, _ := key("alias/sde-retired", &kms.CreateKeyInput{})
	_, err = kc.DisableKey(ctx, &kms.DisableKeyInput{KeyId: aws.String(disabled)})
	must("disable key", err)
	ids.GoodKeyID, ids.BadKeyID = goodKey, badKey
	ids.GoodKey, ids.BadKey = datastoreID("kms/key", goodKey), datastoreID("kms/key", badKey)
	ids.AsymmetricKey, ids.DisabledKey = datastoreID("kms/key", asym), datastoreID("kms/key", disabled)

	// RDS.
	rc := rds.NewFromConfig(cfg)
	_, err = rc.CreateDBInstance(ctx, &rds.CreateDBInstanceInput{
		DBInstanceIdentifier: aws.String("sde-good-db"), DBInstanceClass: aws.String("db.t4g.medium"), Engine: aws.String("postgres"),
		AllocatedStorage: aws.Int32(20), MasterUsername: aws.String("sde"), MasterUserPassword: aws.String("not-a-real-password"),
		StorageEncrypted: aws.Bool(true), KmsKeyId: aws.String(goodKeyARN), PubliclyAccessible: aws.Bool(false),
		BackupRetentionPeriod: aws.Int32(7), DeletionProtection: aws.Bool(true), Tags: classified("identifiable"),
	})
	must("good DB instance", err)
	_, err = rc.CreateDBInstance(ctx, &rds.CreateDBInstanceInput{
		DBInstanceIdentifier: aws.String("sde-bad-db"), DBInstanceClass: aws.String("db.t4g.medium"), Engine: aws.String("postgres"),
		AllocatedStorage: aws.Int32(20), MasterUsername: aws.String("sde"), MasterUserPassword: aws.String("not-a-real-password"),
		StorageEncrypted: aws.Bool(false), PubliclyAccessible: aws.Bool(true), BackupRetentionPeriod: aws.Int32(1),
		Tags: classified("pseudonymised"),
	})
	must("bad DB instance", err)
	_, err = rc.CreateDBCluster(ctx, &rds.CreateDBClusterInput{
		DBClusterIdentifier: aws.String("sde-good-cluster"), Engine: aws.String("aurora-postgresql"),
		MasterUsername: aws.String("sde"), MasterUserPassword: aws.String("not-a-real-password"),
		StorageEncrypted: aws.Bool(true), KmsKeyId: aws.String(goodKeyARN), BackupRetentionPeriod: aws.Int32(14),
		DeletionProtection: aws.Bool(true), Tags: classified("identifiable"),
	})
	must("good DB cluster", err)
	_, err = rc.CreateDBInstance(ctx, &rds.CreateDBInstanceInput{
		DBInstanceIdentifier: aws.String("sde-good-cluster-1"), DBClusterIdentifier: aws.String("sde-good-cluster"),
		DBInstanceClass: aws.String("db.r6g.large"), Engine: aws.String("aurora-postgresql"), PubliclyAccessible: aws.Bool(false),
	})
	must("cluster member", err)
	_, err = rc.CreateDBCluster(ctx, &rds.CreateDBClusterInput{
		DBClusterIdentifier: aws.String("sde-bad-cluster"), Engine: aws.String("aurora-postgresql"),
		MasterUsername: aws.String("sde"), MasterUserPassword: aws.String("not-a-real-password"),
		StorageEncrypted: aws.Bool(false), BackupRetentionPeriod: aws.Int32(1),
	})
	must("bad DB cluster", err)
	ids.GoodDBInstance, ids.BadDBInstance = datastoreID("rds/db-instance", "sde-good-db"), datastoreID("rds/db-instance", "sde-bad-db")
	ids.ClusterMember = datastoreID("rds/db-instance", "sde-good-cluster-1")
	ids.GoodDBCluster, ids.BadDBCluster = datastoreID("rds/db-cluster", "sde-good-cluster"), datastoreID("rds/db-cluster", "sde-bad-cluster")
	_, err = rc.CreateDBSnapshot(ctx, &rds.CreateDBSnapshotInput{DBInstanceIdentifier: aws.String("sde-good-db"), DBSnapshotIdentifier: aws.String("sde-good-db-manual")})
	must("private DB snapshot", err)
	_, err = rc.ModifyDBSnapshotAttribute(ctx, &rds.ModifyDBSnapshotAttributeInput{DBSnapshotIdentifier: aws.String("sde-good-db-manual"), AttributeName: aws.String("restore"), ValuesToAdd: []string{"210987654321"}})
	must("share DB snapshot", err)
	_, err = rc.CreateDBSnapshot(ctx, &rds.CreateDBSnapshotInput{DBInstanceIdentifier: aws.String("sde-bad-db"), DBSnapshotIdentifier: aws.String("sde-bad-db-manual")})
	must("public DB snapshot", err)
	_, err = rc.ModifyDBSnapshotAttribute(ctx, &rds.ModifyDBSnapshotAttributeInput{DBSnapshotIdentifier: aws.String("sde-bad-db-manual"), AttributeName: aws.String("restore"), ValuesToAdd: []string{"all"}})
	must("make DB snapshot public", err)
	_, err = rc.CreateDBClusterSnapshot(ctx, &rds.CreateDBClusterSnapshotInput{DBClusterIdentifier: aws.String("sde-bad-cluster"), DBClusterSnapshotIdentifier: aws.String("sde-bad-cluster-manual")})
	must("public DB cluster snapshot", err)
	_, err = rc.ModifyDBClusterSnapshotAttribute(ctx, &rds.ModifyDBClusterSnapshotAttributeInput{DBClusterSnapshotIdentifier: aws.String("sde-bad-cluster-manual"), AttributeName: aws.String("restore"), ValuesToAdd: []string{"all"}})
	must("make DB cluster snapshot public", err)
	ids.PrivateDBSnapshot, ids.PublicDBSnapshot = datastoreID("rds/db-snapshot", "sde-good-db-manual"), datastoreID("rds/db-snapshot", "sde-bad-db-manual")
	ids.PublicClusterSnapshot = datastoreID("rds/db-cluster-snapshot", "sde-bad-cluster-manual")

	// DynamoDB.
	dc := dynamodb.NewFromConfig(cfg)
	table := func(name string, in *dynamodb.CreateTableInput) {
		t.Helper()
		in.TableName = aws.String(name)
		in.AttributeDefinitions = []ddbtypes.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: ddbtypes.ScalarAttributeTypeS}}
		in.KeySchema = []ddbtypes.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: ddbtypes.KeyTypeHash}}
		in.BillingMode = ddbtypes.BillingModePayPerRequest
		_, err := dc.CreateTable(ctx, in)
		must("table "+name, err)
	}
	table("sde-airlock-requests", &dynamodb.CreateTableInput{
		SSESpecification:          &ddbtypes.SSESpecification{Enabled: aws.Bool(true), SSEType: ddbtypes.SSETypeKms, KMSMasterKeyId: aws.String(goodKeyARN)},
		DeletionProtectionEnabled: aws.Bool(true),
		Tags:                      []ddbtypes.Tag{{Key: aws.String("data-classification"), Value: aws.String("pseudonymised")}},
	})
	_, err = dc.UpdateContinuousBackups(ctx, &dynamodb.UpdateContinuousBackupsInput{TableName: aws.String("sde-airlock-requests"),
		PointInTimeRecoverySpecification: &ddbtypes.PointInTimeRecoverySpecification{PointInTimeRecoveryEnabled: aws.Bool(true)}})
	must("point-in-time recovery", err)
	table("sde-session-cache", &dynamodb.CreateTableInput{})
	ids.GoodTable, ids.BadTable = datastoreID("dynamodb/table", "sde-airlock-requests"), datastoreID("dynamodb/table", "sde-session-cache")

	// CloudWatch Logs.
	lc := cloudwatchlogs.NewFromConfig(cfg)
	group := func(name string, retention int32, kmsKey string) string {
		t.Helper()
		in := &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(name)}
		if kmsKey != "" {
			in.KmsKeyId = aws.String(kmsKey)
		}
		_, err := lc.CreateLogGroup(ctx, in)
		must("log group "+name, err)
		if retention > 0 {
			_, err = lc.PutRetentionPolicy(ctx, &cloudwatchlogs.PutRetentionPolicyInput{LogGroupName: aws.String(name), RetentionInDays: aws.Int32(retention)})
			must("retention of "+name, err)
		}
		return datastoreID("logs/log-group", name)
	}
	ids.GoodLogGroup = group("/sde/vpc-flow-logs", 400, goodKeyARN)
	ids.NeverExpireLogGroup = group("/sde/cloudtrail", 0, goodKeyARN)
	ids.BadLogGroup = group("/aws/lambda/sde-airlock-notify", 14, "")
	return ids
}
