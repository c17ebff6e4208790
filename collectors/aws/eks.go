package aws

import (
	"context"
	"slices"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eks"

	"github.com/sdescan/sdescan/checks"
)

var eksClusterTypes = []string{"aws.eks.cluster"}

func init() {
	register(service{
		name:    "eks",
		covers:  eksClusterTypes,
		collect: (*collector).collectEKS,
		ops: []Operation{
			{"EKS", "ListClusters", "eks:ListClusters"},
			{"EKS", "DescribeCluster", "eks:DescribeCluster"},
		},
	})
}

// collectEKS lists the EKS clusters of the configured region and describes each
// (the listing has names only): endpoint access, secrets encryption and
// control-plane logging, with tags.
func (c *collector) collectEKS(ctx context.Context) {
	region := c.cfg.Region
	client := eks.NewFromConfig(c.cfg)
	names, err := listAll(ctx, eks.NewListClustersPaginator(client, &eks.ListClustersInput{}),
		func(o *eks.ListClustersOutput) []string { return o.Clusters })
	if err != nil {
		c.fail(checks.CollectError{Region: region, Service: "eks", API: "ListClusters", ResourceTypes: eksClusterTypes, Message: errorMessage(err)})
		return
	}
	c.readConcurrently(ctx, len(names), func(ctx context.Context, i int) resourceRead {
		return c.readEKSCluster(ctx, client, region, names[i])
	})
}

// readEKSCluster describes one cluster. A description that fails is recorded
// and the cluster is not invented (nothing is known of it but its name); a
// cluster deleted since it was listed is dropped.
func (c *collector) readEKSCluster(ctx context.Context, client *eks.Client, region, name string) resourceRead {
	id := resourceID(c.account, region, "eks/cluster", name)
	out, err := client.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: sdkaws.String(name)})
	switch {
	case errorCode(err) == "ResourceNotFoundException":
		return resourceRead{}
	case err != nil || out.Cluster == nil:
		msg := "no cluster in the answer"
		if err != nil {
			msg = errorMessage(err)
		}
		return resourceRead{errors: []checks.CollectError{{Region: region, Service: "eks", API: "DescribeCluster", Resource: id, ResourceTypes: eksClusterTypes, Message: msg}}}
	}
	cl := out.Cluster
	attrs := map[string]any{"cluster_name": name}
	setAttrString(attrs, "arn", cl.Arn)
	setAttrString(attrs, "version", cl.Version)
	if cl.Status != "" {
		attrs["status"] = string(cl.Status)
	}
	if v := cl.ResourcesVpcConfig; v != nil {
		attrs["endpoint_public_access"] = v.EndpointPublicAccess
		attrs["endpoint_private_access"] = v.EndpointPrivateAccess
		cidrs := make([]any, 0, len(v.PublicAccessCidrs))
		for _, s := range slices.Sorted(slices.Values(v.PublicAccessCidrs)) {
			cidrs = append(cidrs, s)
		}
		attrs["public_access_cidrs"] = cidrs
	}
	// The KMS key that encrypts Kubernetes secrets; "" when none does.
	key := ""
	for _, e := range cl.EncryptionConfig {
		if slices.Contains(e.Resources, "secrets") && e.Provider != nil && sdkaws.ToString(e.Provider.KeyArn) != "" {
			key = sdkaws.ToString(e.Provider.KeyArn)
		}
	}
	attrs["secrets_kms_key"] = key
	if cl.Logging != nil {
		enabled := []any{}
		var types []string
		for _, l := range cl.Logging.ClusterLogging {
			if sdkaws.ToBool(l.Enabled) {
				for _, t := range l.Types {
					types = append(types, string(t))
				}
			}
		}
		slices.Sort(types)
		for _, t := range slices.Compact(types) {
			enabled = append(enabled, t)
		}
		attrs["log_types_enabled"] = enabled
	}
	var tags map[string]string
	if len(cl.Tags) > 0 {
		tags = cl.Tags
	}
	return resourceRead{resource: &checks.Resource{ID: id, Type: "aws.eks.cluster", Source: "aws",
		Scope: checks.Scope{Account: c.account, Region: region}, Tags: tags, Attributes: attrs}}
}
