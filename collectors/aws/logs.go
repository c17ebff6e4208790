package aws

import (
	"context"
	"strings"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logstypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"

	"github.com/sdescan/sdescan/checks"
)

var logGroupTypes = []string{"aws.logs.log_group"}

func init() {
	register(service{
		name:    "logs",
		covers:  logGroupTypes,
		collect: (*collector).collectLogGroups,
		ops:     []Operation{{"CloudWatch Logs", "DescribeLogGroups", "logs:DescribeLogGroups"}},
	})
}

// collectLogGroups reads the CloudWatch Logs log groups of the configured region;
// everything the facts need comes with the listing. Tags are not read: an account
// can have thousands of log groups, each a ListTagsForResource call.
func (c *collector) collectLogGroups(ctx context.Context) {
	region := c.cfg.Region
	client := cloudwatchlogs.NewFromConfig(c.cfg)
	groups, err := listAll(ctx, cloudwatchlogs.NewDescribeLogGroupsPaginator(client, &cloudwatchlogs.DescribeLogGroupsInput{}),
		func(o *cloudwatchlogs.DescribeLogGroupsOutput) []logstypes.LogGroup { return o.LogGroups })
	if err != nil {
		c.fail(checks.CollectError{Region: region, Service: "logs", API: "DescribeLogGroups", ResourceTypes: logGroupTypes, Message: errorMessage(err)})
		return
	}
	for _, g := range groups {
		name := sdkaws.ToString(g.LogGroupName)
		key := sdkaws.ToString(g.KmsKeyId)
		attrs := map[string]any{
			"log_group_name": name,
			// AWS leaves retentionInDays out when events never expire.
			"retention_in_days": int(sdkaws.ToInt32(g.RetentionInDays)),
			"kms_encrypted":     key != "",
		}
		if key != "" {
			attrs["kms_key_id"] = key
		}
		// logGroupArn is the log group's ARN; the older arn field ends in ":*"
		// (its log streams).
		if arn := sdkaws.ToString(g.LogGroupArn); arn != "" {
			attrs["arn"] = arn
		} else if arn := strings.TrimSuffix(sdkaws.ToString(g.Arn), ":*"); arn != "" {
			attrs["arn"] = arn
		}
		if g.StoredBytes != nil {
			attrs["stored_bytes"] = int(*g.StoredBytes)
		}
		c.add(ctx, checks.Resource{
			ID:         resourceID(c.account, region, "logs/log-group", name),
			Type:       "aws.logs.log_group",
			Source:     "aws",
			Scope:      checks.Scope{Account: c.account, Region: region},
			Attributes: attrs,
		})
	}
}
