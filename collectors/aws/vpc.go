package aws

import (
	"context"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/sdescan/sdescan/checks"
)

var (
	vpcTypes    = []string{"aws.ec2.vpc"}
	subnetTypes = []string{"aws.ec2.subnet"}
)

func init() {
	register(service{
		name:    "vpc",
		covers:  []string{"aws.ec2.vpc", "aws.ec2.subnet"},
		collect: (*collector).collectNetwork,
		ops: []Operation{
			{"EC2", "DescribeVpcs", "ec2:DescribeVpcs"},
			{"EC2", "DescribeFlowLogs", "ec2:DescribeFlowLogs"},
			{"EC2", "DescribeSubnets", "ec2:DescribeSubnets"},
		},
	})
}

// collectNetwork reads the VPCs of the configured region with their flow logs, and
// the subnets.
func (c *collector) collectNetwork(ctx context.Context) {
	client := ec2.NewFromConfig(c.cfg)
	c.collectVPCs(ctx, client)
	c.collectSubnets(ctx, client)
}

// collectVPCs lists the VPCs, then every flow log of the region in one listing
// (not one call per VPC), and gives each VPC the flow logs whose resource it is.
// When the flow logs cannot be read, the VPCs are still recorded without
// flow_logs, so AWS-VPC-001 reports an error on each, never a pass or a fail.
func (c *collector) collectVPCs(ctx context.Context, client *ec2.Client) {
	ctx = cite(ctx) // resources cite this listing only
	region := c.cfg.Region
	vpcs, err := listAll(ctx, ec2.NewDescribeVpcsPaginator(client, &ec2.DescribeVpcsInput{}),
		func(o *ec2.DescribeVpcsOutput) []ec2types.Vpc { return o.Vpcs })
	if err != nil {
		c.fail(checks.CollectError{Region: region, Service: "ec2", API: "DescribeVpcs", ResourceTypes: vpcTypes, Message: errorMessage(err)})
		return
	}
	if len(vpcs) == 0 {
		return
	}
	logs, ok := c.flowLogsByResource(ctx, client)
	for _, v := range vpcs {
		id := sdkaws.ToString(v.VpcId)
		attrs := map[string]any{
			"vpc_id":     id,
			"is_default": sdkaws.ToBool(v.IsDefault),
		}
		attrSetString(attrs, "cidr_block", v.CidrBlock)
		if ok {
			list := logs[id]
			if list == nil {
				list = []any{}
			}
			attrs["flow_logs"] = list
		}
		c.add(ctx, c.ec2Resource("aws.ec2.vpc", "ec2/vpc", id, v.Tags, attrs))
	}
}

// flowLogsByResource reads every flow log of the region, keyed by the resource
// (VPC, subnet, network interface) it captures. ok is false when they could not be
// read; the failure is recorded.
func (c *collector) flowLogsByResource(ctx context.Context, client *ec2.Client) (map[string][]any, bool) {
	out := map[string][]any{}
	p := ec2.NewDescribeFlowLogsPaginator(client, &ec2.DescribeFlowLogsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			c.fail(checks.CollectError{Region: c.cfg.Region, Service: "ec2", API: "DescribeFlowLogs", ResourceTypes: vpcTypes, Message: errorMessage(err)})
			return nil, false
		}
		for _, f := range page.FlowLogs {
			res := sdkaws.ToString(f.ResourceId)
			out[res] = append(out[res], flowLogAttributes(f))
		}
	}
	return out, true
}

func flowLogAttributes(f ec2types.FlowLog) map[string]any {
	fl := map[string]any{}
	attrSetString(fl, "flow_log_id", f.FlowLogId)
	if f.TrafficType != "" {
		fl["traffic_type"] = string(f.TrafficType)
	}
	attrSetString(fl, "status", f.FlowLogStatus)
	attrSetString(fl, "deliver_logs_status", f.DeliverLogsStatus)
	if f.LogDestinationType != "" {
		fl["log_destination_type"] = string(f.LogDestinationType)
	}
	// CloudWatch Logs destinations are named by their log group; others by ARN.
	dest := sdkaws.ToString(f.LogDestination)
	if g := sdkaws.ToString(f.LogGroupName); g != "" && (f.LogDestinationType == ec2types.LogDestinationTypeCloudWatchLogs || dest == "") {
		dest = g
	}
	if dest != "" {
		fl["log_destination"] = dest
	}
	return fl
}

func (c *collector) collectSubnets(ctx context.Context, client *ec2.Client) {
	ctx = cite(ctx) // resources cite this listing only
	subnets, err := listAll(ctx, ec2.NewDescribeSubnetsPaginator(client, &ec2.DescribeSubnetsInput{}),
		func(o *ec2.DescribeSubnetsOutput) []ec2types.Subnet { return o.Subnets })
	if err != nil {
		c.fail(checks.CollectError{Region: c.cfg.Region, Service: "ec2", API: "DescribeSubnets", ResourceTypes: subnetTypes, Message: errorMessage(err)})
		return
	}
	for _, s := range subnets {
		id := sdkaws.ToString(s.SubnetId)
		attrs := map[string]any{
			"subnet_id":                       id,
			"map_public_ip_on_launch":         sdkaws.ToBool(s.MapPublicIpOnLaunch),
			"assign_ipv6_address_on_creation": sdkaws.ToBool(s.AssignIpv6AddressOnCreation),
		}
		attrSetString(attrs, "vpc_id", s.VpcId)
		attrSetString(attrs, "availability_zone", s.AvailabilityZone)
		attrSetString(attrs, "cidr_block", s.CidrBlock)
		c.add(ctx, c.ec2Resource("aws.ec2.subnet", "ec2/subnet", id, s.Tags, attrs))
	}
}
