package aws

import (
	"context"
	"sync"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/sdescan/sdescan/checks"
)

// perResourceWorkers bounds the concurrent per-resource reads of the DynamoDB and
// KMS collection.
const perResourceWorkers = 8

var ddbTableTypes = []string{"aws.dynamodb.table"}

func init() {
	register(service{
		name:    "dynamodb",
		covers:  ddbTableTypes,
		collect: (*collector).collectDynamoDB,
		ops: []Operation{
			{"DynamoDB", "ListTables", "dynamodb:ListTables"},
			{"DynamoDB", "DescribeTable", "dynamodb:DescribeTable"},
			{"DynamoDB", "DescribeContinuousBackups", "dynamodb:DescribeContinuousBackups"},
			{"DynamoDB", "ListTagsOfResource", "dynamodb:ListTagsOfResource"},
		},
	})
}

// resourceRead is what reading one resource produced: the resource (nil when it
// no longer exists) and the reads that failed.
type resourceRead struct {
	resource *checks.Resource
	errors   []checks.CollectError
}

// readConcurrently runs read for 0..n-1 on at most perResourceWorkers goroutines,
// then records the errors and adds the resources in index order, so that the
// output does not depend on scheduling.
//
// Each read runs in its own citation scope (nested in ctx's): the resource it
// returns cites the responses it read and those of ctx's scopes (the listing).
func (c *collector) readConcurrently(ctx context.Context, n int, read func(ctx context.Context, i int) resourceRead) {
	results := make([]resourceRead, n)
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(perResourceWorkers, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				rctx := cite(ctx)
				results[i] = read(rctx, i)
				if results[i].resource != nil {
					results[i].resource.Evidence = citations(rctx)
				}
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	for _, r := range results {
		for _, e := range r.errors {
			c.fail(e)
		}
		if r.resource != nil {
			c.addCited(*r.resource)
		}
	}
}

// collectDynamoDB lists the tables of the configured region and reads each:
// DescribeTable, DescribeContinuousBackups and ListTagsOfResource.
func (c *collector) collectDynamoDB(ctx context.Context) {
	region := c.cfg.Region
	client := dynamodb.NewFromConfig(c.cfg)
	names, err := listAll(ctx, dynamodb.NewListTablesPaginator(client, &dynamodb.ListTablesInput{}),
		func(o *dynamodb.ListTablesOutput) []string { return o.TableNames })
	if err != nil {
		c.fail(checks.CollectError{Region: region, Service: "dynamodb", API: "ListTables", ResourceTypes: ddbTableTypes, Message: errorMessage(err)})
		return
	}
	c.readConcurrently(ctx, len(names), func(ctx context.Context, i int) resourceRead {
		return c.readTable(ctx, client, region, names[i])
	})
}

// readTable reads one table. A read that fails leaves its attributes out and is
// recorded; a table deleted since it was listed is dropped.
func (c *collector) readTable(ctx context.Context, client *dynamodb.Client, region, name string) resourceRead {
	id := resourceID(c.account, region, "dynamodb/table", name)
	var out resourceRead
	failed := func(api string, err error) {
		out.errors = append(out.errors, checks.CollectError{Region: region, Service: "dynamodb", API: api, Resource: id, ResourceTypes: ddbTableTypes, Message: errorMessage(err)})
	}
	attrs := map[string]any{"table_name": name}
	r := checks.Resource{ID: id, Type: "aws.dynamodb.table", Source: "aws", Scope: checks.Scope{Account: c.account, Region: region}, Attributes: attrs}

	var arn string
	desc, err := client.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: sdkaws.String(name)})
	switch {
	case err == nil && desc.Table != nil:
		t := desc.Table
		arn = sdkaws.ToString(t.TableArn)
		setAttrString(attrs, "arn", t.TableArn)
		if t.TableStatus != "" {
			attrs["status"] = string(t.TableStatus)
		}
		setAttrBool(attrs, "deletion_protection_enabled", t.DeletionProtectionEnabled)
		if sse, ok := ddbSSEType(t.SSEDescription); ok {
			attrs["sse_type"] = sse
			if sse != "AWS_OWNED" {
				setAttrString(attrs, "kms_key_arn", t.SSEDescription.KMSMasterKeyArn)
			}
		}
		// A global table holds its data in every replica's region too (data
		// residency, AWS-S3-007); [] when it has no replica.
		replicas := []string{}
		for _, rep := range t.Replicas {
			if n := sdkaws.ToString(rep.RegionName); n != "" && n != region {
				replicas = append(replicas, n)
			}
		}
		attrs["replica_regions"] = sortedStrings(replicas)
	case errorCode(err) == "ResourceNotFoundException":
		return resourceRead{} // deleted since it was listed
	case err != nil:
		failed("DescribeTable", err)
	}

	cb, err := client.DescribeContinuousBackups(ctx, &dynamodb.DescribeContinuousBackupsInput{TableName: sdkaws.String(name)})
	switch {
	case err == nil:
		enabled := false
		if d := cb.ContinuousBackupsDescription; d != nil && d.PointInTimeRecoveryDescription != nil {
			p := d.PointInTimeRecoveryDescription
			enabled = p.PointInTimeRecoveryStatus == ddbtypes.PointInTimeRecoveryStatusEnabled
			if enabled {
				// How far back a restore can go: 35 days unless set lower (1-35).
				days := 35
				if p.RecoveryPeriodInDays != nil {
					days = int(*p.RecoveryPeriodInDays)
				}
				attrs["pitr_recovery_period_days"] = days
			}
		}
		attrs["point_in_time_recovery_enabled"] = enabled
	case errorCode(err) == "TableNotFoundException":
		return resourceRead{} // deleted since it was listed
	default:
		failed("DescribeContinuousBackups", err)
	}

	// Tags are read by ARN, which only DescribeTable gives (whose failure is
	// already recorded).
	if arn != "" {
		tags, err := ddbTags(ctx, client, arn)
		if err != nil {
			failed("ListTagsOfResource", err)
		} else {
			r.Tags = tags
		}
	}
	out.resource = &r
	return out
}

// ddbSSEType is the table's encryption at rest as the facts name it: no
// SSEDescription (or a disabled one) means the AWS owned key. ok is false when
// AWS named no type for an active setting.
func ddbSSEType(d *ddbtypes.SSEDescription) (string, bool) {
	if d == nil || d.Status == ddbtypes.SSEStatusDisabled {
		return "AWS_OWNED", true
	}
	if d.SSEType == "" {
		return "", false
	}
	return string(d.SSEType), true
}

func ddbTags(ctx context.Context, client *dynamodb.Client, arn string) (map[string]string, error) {
	var tags map[string]string
	in := &dynamodb.ListTagsOfResourceInput{ResourceArn: sdkaws.String(arn)}
	for {
		page, err := client.ListTagsOfResource(ctx, in)
		if err != nil {
			return nil, err
		}
		for _, t := range page.Tags {
			if tags == nil {
				tags = map[string]string{}
			}
			tags[sdkaws.ToString(t.Key)] = sdkaws.ToString(t.Value)
		}
		if sdkaws.ToString(page.NextToken) == "" {
			return tags, nil
		}
		in.NextToken = page.NextToken
	}
}
