package aws

import (
	"context"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/workspaces"
	wstypes "github.com/aws/aws-sdk-go-v2/service/workspaces/types"

	"github.com/sdescan/sdescan/checks"
)

var wsWorkspaceTypes = []string{"aws.workspaces.workspace"}

func init() {
	register(service{
		name:    "workspaces",
		covers:  wsWorkspaceTypes,
		collect: (*collector).collectWorkSpaces,
		ops: []Operation{
			{"WorkSpaces", "DescribeWorkspaces", "workspaces:DescribeWorkspaces"},
			{"WorkSpaces", "DescribeTags", "workspaces:DescribeTags"},
		},
	})
}

// collectWorkSpaces reads the WorkSpaces of the configured region: everything the
// checks read comes with the listing; DescribeTags is called per WorkSpace.
func (c *collector) collectWorkSpaces(ctx context.Context) {
	region := c.cfg.Region
	client := workspaces.NewFromConfig(c.cfg)
	list, err := listAll(ctx, workspaces.NewDescribeWorkspacesPaginator(client, &workspaces.DescribeWorkspacesInput{}),
		func(o *workspaces.DescribeWorkspacesOutput) []wstypes.Workspace { return o.Workspaces })
	if c.notOffered(err, "workspaces") {
		return
	}
	if err != nil {
		c.fail(checks.CollectError{Region: region, Service: "workspaces", API: "DescribeWorkspaces", ResourceTypes: wsWorkspaceTypes, Message: errorMessage(err)})
		return
	}
	c.readConcurrently(ctx, len(list), func(ctx context.Context, i int) resourceRead {
		return c.readWorkspace(ctx, client, region, list[i])
	})
}

// readWorkspace turns one listed WorkSpace into a resource and reads its tags. A
// tag read that fails is recorded and leaves the tags out; a WorkSpace deleted
// since it was listed is dropped.
func (c *collector) readWorkspace(ctx context.Context, client *workspaces.Client, region string, w wstypes.Workspace) resourceRead {
	wsID := sdkaws.ToString(w.WorkspaceId)
	id := resourceID(c.account, region, "workspaces/workspace", wsID)
	attrs := map[string]any{"workspace_id": wsID}
	setAttrString(attrs, "directory_id", w.DirectoryId)
	setAttrString(attrs, "user_name", w.UserName)
	if w.State != "" {
		attrs["state"] = string(w.State)
	}
	// Encryption is chosen when a WorkSpace is created and cannot change. AWS
	// leaves the flag out for a volume created unencrypted (the request field is
	// optional and defaults to no encryption), so, on a WorkSpace the listing
	// returned, an absent flag is the fact "not encrypted", not an unknown.
	attrs["root_volume_encryption_enabled"] = sdkaws.ToBool(w.RootVolumeEncryptionEnabled)
	attrs["user_volume_encryption_enabled"] = sdkaws.ToBool(w.UserVolumeEncryptionEnabled)
	setAttrString(attrs, "volume_encryption_key", w.VolumeEncryptionKey)
	r := checks.Resource{ID: id, Type: "aws.workspaces.workspace", Source: "aws", Scope: checks.Scope{Account: c.account, Region: region}, Attributes: attrs}

	var out resourceRead
	tags, err := client.DescribeTags(ctx, &workspaces.DescribeTagsInput{ResourceId: w.WorkspaceId})
	switch {
	case err == nil:
		for _, t := range tags.TagList {
			if r.Tags == nil {
				r.Tags = map[string]string{}
			}
			r.Tags[sdkaws.ToString(t.Key)] = sdkaws.ToString(t.Value)
		}
	case errorCode(err) == "ResourceNotFoundException":
		return resourceRead{} // deleted since it was listed
	default:
		out.errors = append(out.errors, checks.CollectError{Region: region, Service: "workspaces", API: "DescribeTags", Resource: id, ResourceTypes: wsWorkspaceTypes, Message: errorMessage(err)})
	}
	out.resource = &r
	return out
}
