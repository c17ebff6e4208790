package trivy

import (
	"fmt"
	"strings"
	"testing"

	"github.com/sdescan/sdescan/checks"
)

// backupStoreCases are data stores with the verdict their live check
// (AWS-DDB-001, AWS-RDS-003) and IAC-BKP-001 must both give them
// (collectors/aws/policy/lib_backup_store.rego). tf is the Terraform resource's
// body ("%s" its name), cfnType and cfn the CloudFormation resource, live the
// same store as the AWS collector records it (nil: no live check judges this
// kind of store, so code alone is compared: Terraform with CloudFormation). A
// setting the code leaves out is AWS's default: point-in-time recovery off, 1
// day of RDS backups (which AWS then reports), no EFS backup policy. "not
// known" is a Terraform variable without a value, a CloudFormation !Ref, a
// live fact the collector could not read.
var backupStoreCases = []struct {
	name    string
	tfType  string
	tf      string
	cfnType string
	cfn     string
	live    *checks.Resource
	want    checks.Status
}{
	// DynamoDB: AWS-DDB-001.
	{name: "table with PITR", tfType: "aws_dynamodb_table", tf: ddbTF("point_in_time_recovery {\n    enabled = true\n  }"),
		cfnType: "AWS::DynamoDB::Table", cfn: ddbCFN + "PointInTimeRecoverySpecification:\n  PointInTimeRecoveryEnabled: true\n",
		live: ddbLive(map[string]any{"point_in_time_recovery_enabled": true, "pitr_recovery_period_days": 35}), want: checks.Pass},
	{name: "table with PITR off", tfType: "aws_dynamodb_table", tf: ddbTF("point_in_time_recovery {\n    enabled = false\n  }"),
		cfnType: "AWS::DynamoDB::Table", cfn: ddbCFN + "PointInTimeRecoverySpecification:\n  PointInTimeRecoveryEnabled: \"false\"\n",
		live: ddbLive(map[string]any{"point_in_time_recovery_enabled": false}), want: checks.Fail},
	{name: "table with PITR left out (AWS default off)", tfType: "aws_dynamodb_table", tf: ddbTF(""),
		cfnType: "AWS::DynamoDB::Table", cfn: ddbCFN,
		live: ddbLive(map[string]any{"point_in_time_recovery_enabled": false}), want: checks.Fail},
	{name: "table with PITR not known", tfType: "aws_dynamodb_table", tf: ddbTF("point_in_time_recovery {\n    enabled = var.unknown\n  }"),
		cfnType: "AWS::DynamoDB::Table", cfn: ddbCFN + "PointInTimeRecoverySpecification:\n  PointInTimeRecoveryEnabled: !Ref Unknown\n",
		live: ddbLive(map[string]any{}), want: checks.Error},

	// RDS instances: AWS-RDS-003.
	{name: "instance keeping 7 days", tfType: "aws_db_instance", tf: dbTF("backup_retention_period = 7"),
		cfnType: "AWS::RDS::DBInstance", cfn: dbCFN + "BackupRetentionPeriod: 7\n",
		live: dbLive(map[string]any{"backup_retention_period": 7}), want: checks.Pass},
	{name: "instance keeping 35 days (a string in CloudFormation)", tfType: "aws_db_instance", tf: dbTF("backup_retention_period = 35"),
		cfnType: "AWS::RDS::DBInstance", cfn: dbCFN + "BackupRetentionPeriod: \"35\"\n",
		live: dbLive(map[string]any{"backup_retention_period": 35}), want: checks.Pass},
	{name: "instance without automated backups", tfType: "aws_db_instance", tf: dbTF("backup_retention_period = 0"),
		cfnType: "AWS::RDS::DBInstance", cfn: dbCFN + "BackupRetentionPeriod: 0\n",
		live: dbLive(map[string]any{"backup_retention_period": 0}), want: checks.Fail},
	{name: "instance keeping 3 days", tfType: "aws_db_instance", tf: dbTF("backup_retention_period = 3"),
		cfnType: "AWS::RDS::DBInstance", cfn: dbCFN + "BackupRetentionPeriod: 3\n",
		live: dbLive(map[string]any{"backup_retention_period": 3}), want: checks.Fail},
	{name: "instance with retention left out (AWS default 1 day)", tfType: "aws_db_instance", tf: dbTF(""),
		cfnType: "AWS::RDS::DBInstance", cfn: dbCFN,
		live: dbLive(map[string]any{"backup_retention_period": 1}), want: checks.Fail},
	{name: "instance with retention not known", tfType: "aws_db_instance", tf: dbTF("backup_retention_period = var.unknown_days"),
		cfnType: "AWS::RDS::DBInstance", cfn: dbCFN + "BackupRetentionPeriod: !Ref Unknown\n",
		live: dbLive(map[string]any{}), want: checks.Error},
	{name: "read replica (backed up by its source)", tfType: "aws_db_instance", tf: dbTF("replicate_source_db = \"source\""),
		cfnType: "AWS::RDS::DBInstance", cfn: dbCFN + "SourceDBInstanceIdentifier: source\n",
		live: dbLive(map[string]any{"backup_retention_period": 0, "read_replica_source": "source"}), want: checks.NotApplicable},
	{name: "cluster member (judged on its cluster)", tfType: "aws_rds_cluster_instance", tf: "identifier = \"%s\"\n  cluster_identifier = \"c\"\n  instance_class = \"db.r6g.large\"\n  engine = \"aurora-postgresql\"",
		cfnType: "AWS::RDS::DBInstance", cfn: "DBInstanceClass: db.r6g.large\nEngine: aurora-postgresql\nDBClusterIdentifier: c\n",
		live: dbLive(map[string]any{"backup_retention_period": 1, "db_cluster_identifier": "c"}), want: checks.NotApplicable},

	// Aurora clusters: AWS-RDS-003.
	{name: "cluster keeping 14 days", tfType: "aws_rds_cluster", tf: clusterTF("backup_retention_period = 14"),
		cfnType: "AWS::RDS::DBCluster", cfn: clusterCFN + "BackupRetentionPeriod: 14\n",
		live: clusterLive(map[string]any{"backup_retention_period": 14}), want: checks.Pass},
	{name: "cluster keeping 1 day", tfType: "aws_rds_cluster", tf: clusterTF("backup_retention_period = 1"),
		cfnType: "AWS::RDS::DBCluster", cfn: clusterCFN + "BackupRetentionPeriod: 1\n",
		live: clusterLive(map[string]any{"backup_retention_period": 1}), want: checks.Fail},
	{name: "cluster with retention left out (AWS default 1 day)", tfType: "aws_rds_cluster", tf: clusterTF(""),
		cfnType: "AWS::RDS::DBCluster", cfn: clusterCFN,
		live: clusterLive(map[string]any{"backup_retention_period": 1}), want: checks.Fail},

	// EFS: no live check judges a file system's own backup policy (the BKP
	// checks judge what protects it); code alone.
	{name: "file system with its backup policy on", tfType: "aws_efs_file_system", tf: "creation_token = \"%s\"\n}\n\nresource \"aws_efs_backup_policy\" \"%s\" {\n  file_system_id = aws_efs_file_system.%s.id\n  backup_policy {\n    status = \"ENABLED\"\n  }",
		cfnType: "AWS::EFS::FileSystem", cfn: "BackupPolicy:\n  Status: ENABLED\n", want: checks.Pass},
	{name: "file system with its backup policy off", tfType: "aws_efs_file_system", tf: "creation_token = \"%s\"\n}\n\nresource \"aws_efs_backup_policy\" \"%s\" {\n  file_system_id = aws_efs_file_system.%s.id\n  backup_policy {\n    status = \"DISABLED\"\n  }",
		cfnType: "AWS::EFS::FileSystem", cfn: "BackupPolicy:\n  Status: DISABLED\n", want: checks.Fail},
	{name: "file system without a backup policy", tfType: "aws_efs_file_system", tf: "creation_token = \"%s\"",
		cfnType: "AWS::EFS::FileSystem", cfn: "Encrypted: true\n", want: checks.Fail},
}

const (
	ddbCFN     = "BillingMode: PAY_PER_REQUEST\nKeySchema:\n  - AttributeName: id\n    KeyType: HASH\nAttributeDefinitions:\n  - AttributeName: id\n    AttributeType: S\n"
	dbCFN      = "DBInstanceClass: db.t3.micro\nEngine: postgres\nAllocatedStorage: \"20\"\n"
	clusterCFN = "Engine: aurora-postgresql\n"
)

// ddbTF, dbTF and clusterTF are the body of a table, an instance and a
// cluster with one more argument or block ("%s" the resource's name).
func ddbTF(extra string) string {
	return "name = \"%s\"\n  billing_mode = \"PAY_PER_REQUEST\"\n  hash_key = \"id\"\n  attribute {\n    name = \"id\"\n    type = \"S\"\n  }\n  " + extra
}

func dbTF(extra string) string {
	return "identifier = \"%s\"\n  instance_class = \"db.t3.micro\"\n  engine = \"postgres\"\n  allocated_storage = 20\n  " + extra
}

func clusterTF(extra string) string {
	return "cluster_identifier = \"%s\"\n  engine = \"aurora-postgresql\"\n  " + extra
}

func ddbLive(attrs map[string]any) *checks.Resource {
	attrs["status"] = "ACTIVE"
	r := pairLive("aws.dynamodb.table", "dynamodb/table", "", attrs)
	return &r
}

func dbLive(attrs map[string]any) *checks.Resource {
	attrs["engine"] = "postgres"
	r := pairLive("aws.rds.db_instance", "rds/db-instance", "", attrs)
	return &r
}

func clusterLive(attrs map[string]any) *checks.Resource {
	attrs["engine"] = "aurora-postgresql"
	r := pairLive("aws.rds.db_cluster", "rds/db-cluster", "", attrs)
	return &r
}

// TestBackupStorePairVerdicts feeds each data store through Terraform,
// CloudFormation and live facts and wants the same verdict from its live check
// and IAC-BKP-001 on all three.
func TestBackupStorePairVerdicts(t *testing.T) {
	var tf strings.Builder
	tf.WriteString("variable \"unknown\" {\n  type = bool\n}\n\nvariable \"unknown_days\" {\n  type = number\n}\n\n")
	var cfn [][3]string
	var live []checks.Resource
	liveIDs := map[int]pairForm{}
	for i, tc := range backupStoreCases {
		name := fmt.Sprintf("d%02d", i)
		fmt.Fprintf(&tf, "resource %q %q {\n  %s\n}\n\n", tc.tfType, name, strings.ReplaceAll(tc.tf, "%s", name))
		cfn = append(cfn, [3]string{fmt.Sprintf("D%02d", i), tc.cfnType, tc.cfn})
		if tc.live == nil {
			continue
		}
		r := *tc.live
		r.ID += name
		attrs := map[string]any{}
		for k, v := range r.Attributes {
			attrs[k] = v
		}
		check := "AWS-RDS-003"
		switch r.Type {
		case "aws.dynamodb.table":
			attrs["table_name"] = name
			check = "AWS-DDB-001"
		case "aws.rds.db_instance":
			attrs["db_instance_identifier"] = name
		case "aws.rds.db_cluster":
			attrs["db_cluster_identifier"] = name
		}
		r.Attributes = attrs
		live = append(live, r)
		liveIDs[i] = pairForm{check, r.ID}
	}
	got := pairRun(t, map[string]string{"main.tf": tf.String(), "stores.yaml": cfnTemplate(cfn)}, live, "AWS-DDB-001", "AWS-RDS-003", "IAC-BKP-001")
	for i, tc := range backupStoreCases {
		forms := []pairForm{
			{"IAC-BKP-001", fmt.Sprintf("iac:main.tf#%s.d%02d", tc.tfType, i)},
			{"IAC-BKP-001", fmt.Sprintf("iac:stores.yaml#D%02d", i)},
		}
		if f, ok := liveIDs[i]; ok {
			forms = append(forms, f)
		}
		pairWant(t, got, tc.name, tc.want, forms...)
	}
}
