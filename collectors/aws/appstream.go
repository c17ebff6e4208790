package aws

import (
	"context"
	"errors"
	"slices"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/appstream"
	astypes "github.com/aws/aws-sdk-go-v2/service/appstream/types"

	"github.com/sdescan/sdescan/checks"
)

var (
	asStackTypes        = []string{"aws.appstream.stack"}
	asFleetTypes        = []string{"aws.appstream.fleet"}
	asImageBuilderTypes = []string{"aws.appstream.image_builder"}
)

func init() {
	register(service{
		name:    "appstream",
		covers:  []string{"aws.appstream.fleet", "aws.appstream.image_builder", "aws.appstream.stack"},
		collect: (*collector).collectAppStream,
		ops: []Operation{
			{"AppStream", "DescribeStacks", "appstream:DescribeStacks"},
			{"AppStream", "DescribeFleets", "appstream:DescribeFleets"},
			{"AppStream", "DescribeImageBuilders", "appstream:DescribeImageBuilders"},
			{"AppStream", "ListTagsForResource", "appstream:ListTagsForResource"},
		},
	})
}

// asUserSettings are the stack user settings the facts record: AppStream action to
// attribute name. Other actions (sign-in methods, time zone redirection) say nothing
// about data leaving or entering the environment.
var asUserSettings = map[astypes.Action]string{
	astypes.ActionClipboardCopyFromLocalDevice: "clipboard_copy_from_local_device",
	astypes.ActionClipboardCopyToLocalDevice:   "clipboard_copy_to_local_device",
	astypes.ActionFileUpload:                   "file_upload",
	astypes.ActionFileDownload:                 "file_download",
	astypes.ActionPrintingToLocalDevice:        "printing_to_local_device",
}

// asItem is one listed AppStream resource, waiting for its tags.
type asItem struct {
	resource checks.Resource
	arn      *string
}

// collectAppStream reads the AppStream 2.0 stacks, fleets and image builders of the
// configured region. Everything the checks read comes with the three listings
// (the SDK has no paginator for them, so NextToken is followed here); tags are
// read per resource with ListTagsForResource. A listing that fails hides its type
// and invents nothing; the other listings are still read.
func (c *collector) collectAppStream(ctx context.Context) {
	region := c.cfg.Region
	client := appstream.NewFromConfig(c.cfg)
	var items []asItem

	stacks, err := asPages(ctx, func(ctx context.Context, token *string) ([]astypes.Stack, *string, error) {
		out, err := client.DescribeStacks(ctx, &appstream.DescribeStacksInput{NextToken: token})
		if err != nil {
			return nil, nil, err
		}
		return out.Stacks, out.NextToken, nil
	})
	if c.notOffered(err, "appstream") {
		return
	}
	if err != nil {
		c.fail(checks.CollectError{Region: region, Service: "appstream", API: "DescribeStacks", ResourceTypes: asStackTypes, Message: errorMessage(err)})
	}
	for _, s := range stacks {
		items = append(items, asItem{c.asStack(region, s), s.Arn})
	}

	fleets, err := asPages(ctx, func(ctx context.Context, token *string) ([]astypes.Fleet, *string, error) {
		out, err := client.DescribeFleets(ctx, &appstream.DescribeFleetsInput{NextToken: token})
		if err != nil {
			return nil, nil, err
		}
		return out.Fleets, out.NextToken, nil
	})
	if err != nil {
		c.fail(checks.CollectError{Region: region, Service: "appstream", API: "DescribeFleets", ResourceTypes: asFleetTypes, Message: errorMessage(err)})
	}
	for _, f := range fleets {
		items = append(items, asItem{c.asFleet(region, f), f.Arn})
	}

	builders, err := asPages(ctx, func(ctx context.Context, token *string) ([]astypes.ImageBuilder, *string, error) {
		out, err := client.DescribeImageBuilders(ctx, &appstream.DescribeImageBuildersInput{NextToken: token})
		if err != nil {
			return nil, nil, err
		}
		return out.ImageBuilders, out.NextToken, nil
	})
	if err != nil {
		c.fail(checks.CollectError{Region: region, Service: "appstream", API: "DescribeImageBuilders", ResourceTypes: asImageBuilderTypes, Message: errorMessage(err)})
	}
	for _, b := range builders {
		items = append(items, asItem{c.asImageBuilder(region, b), b.Arn})
	}

	c.readConcurrently(ctx, len(items), func(ctx context.Context, i int) resourceRead {
		return c.readAppStreamTags(ctx, client, region, items[i])
	})
}

// asPages follows NextToken until AWS returns none; on error the items read so far
// are dropped, so a type is either listed whole or not at all. A token AWS repeats
// ends the listing with an error rather than looping.
func asPages[T any](ctx context.Context, page func(context.Context, *string) ([]T, *string, error)) ([]T, error) {
	var all []T
	var token *string
	seen := map[string]bool{}
	for {
		items, next, err := page(ctx, token)
		if err != nil {
			return nil, err
		}
		all = append(all, items...)
		t := sdkaws.ToString(next)
		if t == "" {
			return all, nil
		}
		if seen[t] {
			return nil, errRepeatedToken
		}
		seen[t] = true
		token = next
	}
}

var errRepeatedToken = errors.New("AWS returned the same pagination token twice; the listing was abandoned")

// readAppStreamTags adds the tags of one listed resource. A tag read that fails is
// recorded and leaves the tags out; a resource deleted since it was listed is
// dropped.
func (c *collector) readAppStreamTags(ctx context.Context, client *appstream.Client, region string, it asItem) resourceRead {
	r := it.resource
	if sdkaws.ToString(it.arn) == "" {
		return resourceRead{resource: &r}
	}
	out, err := client.ListTagsForResource(ctx, &appstream.ListTagsForResourceInput{ResourceArn: it.arn})
	switch {
	case err == nil:
		if len(out.Tags) > 0 {
			r.Tags = out.Tags
		}
	case errorCode(err) == "ResourceNotFoundException":
		return resourceRead{} // deleted since it was listed
	default:
		return resourceRead{resource: &r, errors: []checks.CollectError{{Region: region, Service: "appstream", API: "ListTagsForResource", Resource: r.ID, ResourceTypes: []string{r.Type}, Message: errorMessage(err)}}}
	}
	return resourceRead{resource: &r}
}

func (c *collector) asStack(region string, s astypes.Stack) checks.Resource {
	name := sdkaws.ToString(s.Name)
	attrs := map[string]any{"name": name}
	setAttrString(attrs, "arn", s.Arn)
	// AWS treats an action the stack does not list as ENABLED. Any permission but
	// DISABLED counts as enabled: a value this code does not know cannot pass.
	settings := map[string]any{}
	for _, key := range asUserSettings {
		settings[key] = true
	}
	for _, us := range s.UserSettings {
		if key, ok := asUserSettings[us.Action]; ok {
			settings[key] = us.Permission != astypes.PermissionDisabled
		}
	}
	attrs["user_settings"] = settings
	// Storage connectors: home folders stay in the account; Google Drive and
	// OneDrive connect a user's personal cloud storage to the session.
	connectors := make([]string, 0, len(s.StorageConnectors))
	for _, sc := range s.StorageConnectors {
		connectors = append(connectors, string(sc.ConnectorType))
	}
	attrs["storage_connectors"] = sortedStrings(connectors)
	return checks.Resource{
		ID:         resourceID(c.account, region, "appstream/stack", name),
		Type:       "aws.appstream.stack",
		Source:     "aws",
		Scope:      checks.Scope{Account: c.account, Region: region},
		Attributes: attrs,
	}
}

func (c *collector) asFleet(region string, f astypes.Fleet) checks.Resource {
	name := sdkaws.ToString(f.Name)
	attrs := map[string]any{"name": name}
	setAttrString(attrs, "arn", f.Arn)
	if f.FleetType != "" {
		attrs["fleet_type"] = string(f.FleetType)
	}
	if f.State != "" {
		attrs["state"] = string(f.State)
	}
	// Not returned: unknown, never a guessed false.
	setAttrBool(attrs, "default_internet_access_enabled", f.EnableDefaultInternetAccess)
	attrs["subnet_ids"] = asSubnets(f.VpcConfig)
	return checks.Resource{
		ID:         resourceID(c.account, region, "appstream/fleet", name),
		Type:       "aws.appstream.fleet",
		Source:     "aws",
		Scope:      checks.Scope{Account: c.account, Region: region},
		Attributes: attrs,
	}
}

func (c *collector) asImageBuilder(region string, b astypes.ImageBuilder) checks.Resource {
	name := sdkaws.ToString(b.Name)
	attrs := map[string]any{"name": name}
	setAttrString(attrs, "arn", b.Arn)
	if b.State != "" {
		attrs["state"] = string(b.State)
	}
	setAttrBool(attrs, "default_internet_access_enabled", b.EnableDefaultInternetAccess)
	attrs["subnet_ids"] = asSubnets(b.VpcConfig)
	return checks.Resource{
		ID:         resourceID(c.account, region, "appstream/image-builder", name),
		Type:       "aws.appstream.image_builder",
		Source:     "aws",
		Scope:      checks.Scope{Account: c.account, Region: region},
		Attributes: attrs,
	}
}

// asSubnets lists the subnets of a VPC configuration, sorted; none is [] (the
// resource runs outside the customer's VPC).
func asSubnets(v *astypes.VpcConfig) []any {
	var ids []string
	if v != nil {
		ids = slices.Clone(v.SubnetIds)
	}
	slices.Sort(ids)
	out := make([]any, 0, len(ids))
	for _, id := range ids {
		out = append(out, id)
	}
	return out
}
