package aws

import (
	"context"
	"errors"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/efs"
	efstypes "github.com/aws/aws-sdk-go-v2/service/efs/types"

	"github.com/sdescan/sdescan/checks"
)

var efsTypes = []string{"aws.efs.file_system"}

func init() {
	register(service{
		name:    "efs",
		covers:  efsTypes,
		collect: (*collector).collectEFS,
		ops: []Operation{
			{"EFS", "DescribeFileSystems", "elasticfilesystem:DescribeFileSystems"},
			{"EFS", "DescribeBackupPolicy", "elasticfilesystem:DescribeBackupPolicy"},
		},
	})
}

// collectEFS lists the file systems of the region (tags come with the listing) and
// reads each one's automatic backup policy.
func (c *collector) collectEFS(ctx context.Context) {
	region := c.cfg.Region
	client := efs.NewFromConfig(c.cfg)
	list, err := listAll(ctx, efs.NewDescribeFileSystemsPaginator(client, &efs.DescribeFileSystemsInput{}),
		func(o *efs.DescribeFileSystemsOutput) []efstypes.FileSystemDescription { return o.FileSystems })
	if err != nil {
		c.fail(checks.CollectError{Region: region, Service: "efs", API: "DescribeFileSystems", ResourceTypes: efsTypes, Message: errorMessage(err)})
		return
	}
	c.readConcurrently(ctx, len(list), func(ctx context.Context, i int) resourceRead {
		return c.readFileSystem(ctx, client, region, list[i])
	})
}

func (c *collector) readFileSystem(ctx context.Context, client *efs.Client, region string, fs efstypes.FileSystemDescription) resourceRead {
	id := sdkaws.ToString(fs.FileSystemId)
	rid := resourceID(c.account, region, "efs/file-system", id)
	attrs := map[string]any{
		"file_system_id":     id,
		"arn":                sdkaws.ToString(fs.FileSystemArn),
		"encrypted":          sdkaws.ToBool(fs.Encrypted),
		"life_cycle_state":   string(fs.LifeCycleState),
		"performance_mode":   string(fs.PerformanceMode),
		"throughput_mode":    string(fs.ThroughputMode),
		"mount_target_count": int(fs.NumberOfMountTargets),
	}
	attrSetString(attrs, "name", fs.Name)
	attrSetString(attrs, "kms_key_id", fs.KmsKeyId)
	attrSetTime(attrs, "creation_time", fs.CreationTime)
	if fs.FileSystemProtection != nil {
		attrs["replication_overwrite_protection"] = string(fs.FileSystemProtection.ReplicationOverwriteProtection)
	}
	var tags map[string]string
	if len(fs.Tags) > 0 {
		tags = map[string]string{}
		for _, t := range fs.Tags {
			tags[sdkaws.ToString(t.Key)] = sdkaws.ToString(t.Value)
		}
	}
	r := &checks.Resource{ID: rid, Type: "aws.efs.file_system", Source: "aws", Scope: checks.Scope{Account: c.account, Region: region}, Tags: tags, Attributes: attrs}
	var errs []checks.CollectError
	bp, err := client.DescribeBackupPolicy(ctx, &efs.DescribeBackupPolicyInput{FileSystemId: fs.FileSystemId})
	switch {
	case err == nil && bp.BackupPolicy != nil:
		st := string(bp.BackupPolicy.Status)
		attrs["backup_policy_status"] = st
		attrs["automatic_backups"] = st == string(efstypes.StatusEnabled) || st == string(efstypes.StatusEnabling)
	case errorCode(err) == "PolicyNotFound":
		attrs["backup_policy_status"] = "NONE"
		attrs["automatic_backups"] = false
	case errorCode(err) == "FileSystemNotFound":
		return resourceRead{} // deleted since it was listed
	default:
		if err == nil {
			err = errors.New("DescribeBackupPolicy returned no policy")
		}
		// Left out: whether AWS backs it up automatically is not known.
		errs = append(errs, checks.CollectError{Region: region, Service: "efs", API: "DescribeBackupPolicy", Resource: rid, ResourceTypes: efsTypes, Message: errorMessage(err)})
	}
	return resourceRead{resource: r, errors: errs}
}
