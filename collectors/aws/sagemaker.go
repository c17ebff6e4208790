package aws

import (
	"context"
	"slices"
	"strings"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sagemaker"
	smtypes "github.com/aws/aws-sdk-go-v2/service/sagemaker/types"

	"github.com/sdescan/sdescan/checks"
)

var smNotebookTypes = []string{"aws.sagemaker.notebook_instance"}

func init() {
	register(service{
		name:    "sagemaker",
		covers:  smNotebookTypes,
		collect: (*collector).collectSageMaker,
		ops: []Operation{
			{"SageMaker", "ListNotebookInstances", "sagemaker:ListNotebookInstances"},
			{"SageMaker", "DescribeNotebookInstance", "sagemaker:DescribeNotebookInstance"},
			{"SageMaker", "ListTags", "sagemaker:ListTags"},
		},
	})
}

// collectSageMaker lists the notebook instances of the configured region and reads
// each: DescribeNotebookInstance (the listing has neither the internet nor the root
// access setting) and ListTags.
func (c *collector) collectSageMaker(ctx context.Context) {
	region := c.cfg.Region
	client := sagemaker.NewFromConfig(c.cfg)
	notebooks, err := listAll(ctx, sagemaker.NewListNotebookInstancesPaginator(client, &sagemaker.ListNotebookInstancesInput{}),
		func(o *sagemaker.ListNotebookInstancesOutput) []smtypes.NotebookInstanceSummary {
			return o.NotebookInstances
		})
	if err != nil {
		c.fail(checks.CollectError{Region: region, Service: "sagemaker", API: "ListNotebookInstances", ResourceTypes: smNotebookTypes, Message: errorMessage(err)})
		return
	}
	c.readConcurrently(ctx, len(notebooks), func(ctx context.Context, i int) resourceRead {
		return c.readNotebook(ctx, client, region, notebooks[i])
	})
}

// readNotebook reads one notebook instance. A read that fails leaves its
// attributes out and is recorded; a notebook deleted since it was listed is
// dropped.
func (c *collector) readNotebook(ctx context.Context, client *sagemaker.Client, region string, nb smtypes.NotebookInstanceSummary) resourceRead {
	name := sdkaws.ToString(nb.NotebookInstanceName)
	id := resourceID(c.account, region, "sagemaker/notebook-instance", name)
	var out resourceRead
	failed := func(api string, err error) {
		out.errors = append(out.errors, checks.CollectError{Region: region, Service: "sagemaker", API: api, Resource: id, ResourceTypes: smNotebookTypes, Message: errorMessage(err)})
	}
	attrs := map[string]any{"notebook_instance_name": name}
	setAttrString(attrs, "arn", nb.NotebookInstanceArn)
	if nb.NotebookInstanceStatus != "" {
		attrs["status"] = string(nb.NotebookInstanceStatus)
	}
	r := checks.Resource{ID: id, Type: "aws.sagemaker.notebook_instance", Source: "aws", Scope: checks.Scope{Account: c.account, Region: region}, Attributes: attrs}

	desc, err := client.DescribeNotebookInstance(ctx, &sagemaker.DescribeNotebookInstanceInput{NotebookInstanceName: sdkaws.String(name)})
	switch {
	case err == nil:
		setAttrString(attrs, "arn", desc.NotebookInstanceArn)
		if desc.NotebookInstanceStatus != "" {
			attrs["status"] = string(desc.NotebookInstanceStatus)
		}
		// Both default to Enabled when a notebook is created; a value AWS did not
		// return stays unknown (absent), never a guessed Disabled.
		if v, ok := smEnabled(string(desc.DirectInternetAccess)); ok {
			attrs["direct_internet_access_enabled"] = v
		}
		if v, ok := smEnabled(string(desc.RootAccess)); ok {
			attrs["root_access_enabled"] = v
		}
		setAttrString(attrs, "subnet_id", desc.SubnetId)
		groups := slices.Clone(desc.SecurityGroups)
		slices.Sort(groups)
		list := make([]any, 0, len(groups))
		for _, g := range groups {
			list = append(list, g)
		}
		attrs["security_group_ids"] = list
		setAttrString(attrs, "kms_key_id", desc.KmsKeyId)
	case smNotFound(err):
		return resourceRead{} // deleted since it was listed
	default:
		failed("DescribeNotebookInstance", err)
	}

	if arn := sdkaws.ToString(nb.NotebookInstanceArn); arn != "" {
		tags, err := smTags(ctx, client, arn)
		if err != nil {
			failed("ListTags", err)
		} else {
			r.Tags = tags
		}
	}
	out.resource = &r
	return out
}

// smEnabled reads a SageMaker Enabled/Disabled setting; ok is false when AWS
// returned neither.
func smEnabled(v string) (enabled, ok bool) {
	switch v {
	case "Enabled":
		return true, true
	case "Disabled":
		return false, true
	}
	return false, false
}

// smNotFound says whether err is SageMaker's answer for a notebook that does not
// exist: a ValidationException whose message is RecordNotFound.
func smNotFound(err error) bool {
	return errorCode(err) == "ValidationException" && strings.Contains(errorMessage(err), "RecordNotFound")
}

func smTags(ctx context.Context, client *sagemaker.Client, arn string) (map[string]string, error) {
	var tags map[string]string
	p := sagemaker.NewListTagsPaginator(client, &sagemaker.ListTagsInput{ResourceArn: sdkaws.String(arn)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, t := range page.Tags {
			if tags == nil {
				tags = map[string]string{}
			}
			tags[sdkaws.ToString(t.Key)] = sdkaws.ToString(t.Value)
		}
	}
	return tags, nil
}
