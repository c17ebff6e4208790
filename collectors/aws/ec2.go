package aws

import (
	"context"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/sdescan/sdescan/checks"
)

var securityGroupTypes = []string{"aws.ec2.security_group"}

func init() {
	register(service{
		name:    "ec2-security-groups",
		covers:  securityGroupTypes,
		collect: (*collector).collectSecurityGroups,
		ops:     []Operation{{"EC2", "DescribeSecurityGroups", "ec2:DescribeSecurityGroups"}},
	})
}

// collectSecurityGroups reads every security group of the configured region.
func (c *collector) collectSecurityGroups(ctx context.Context) {
	region := c.cfg.Region
	client := ec2.NewFromConfig(c.cfg)
	groups, err := listAll(ctx, ec2.NewDescribeSecurityGroupsPaginator(client, &ec2.DescribeSecurityGroupsInput{}),
		func(o *ec2.DescribeSecurityGroupsOutput) []ec2types.SecurityGroup { return o.SecurityGroups })
	if err != nil {
		c.fail(checks.CollectError{Region: region, Service: "ec2", API: "DescribeSecurityGroups", ResourceTypes: securityGroupTypes, Message: errorMessage(err)})
		return
	}
	for _, g := range groups {
		id := sdkaws.ToString(g.GroupId)
		attrs := map[string]any{
			"group_id":      id,
			"group_name":    sdkaws.ToString(g.GroupName),
			"ingress_rules": flattenRules(g.IpPermissions),
			"egress_rules":  flattenRules(g.IpPermissionsEgress),
		}
		if v := sdkaws.ToString(g.VpcId); v != "" {
			attrs["vpc_id"] = v
		}
		c.add(ctx, checks.Resource{
			ID:         resourceID(c.account, region, "ec2/security-group", id),
			Type:       "aws.ec2.security_group",
			Source:     "aws",
			Scope:      checks.Scope{Account: c.account, Region: region},
			Tags:       ec2Tags(g.Tags),
			Attributes: attrs,
		})
	}
}

// flattenRules gives one rule per source or destination, as the facts schema says.
func flattenRules(perms []ec2types.IpPermission) []any {
	out := []any{}
	for _, p := range perms {
		proto := sdkaws.ToString(p.IpProtocol)
		from, to := int(sdkaws.ToInt32(p.FromPort)), int(sdkaws.ToInt32(p.ToPort))
		if proto == "-1" {
			from, to = 0, 65535
		}
		base := func(key, value, desc string) map[string]any {
			r := map[string]any{"ip_protocol": proto, "from_port": from, "to_port": to, key: value}
			if desc != "" {
				r["description"] = desc
			}
			return r
		}
		for _, x := range p.IpRanges {
			out = append(out, base("cidr_ipv4", sdkaws.ToString(x.CidrIp), sdkaws.ToString(x.Description)))
		}
		for _, x := range p.Ipv6Ranges {
			out = append(out, base("cidr_ipv6", sdkaws.ToString(x.CidrIpv6), sdkaws.ToString(x.Description)))
		}
		for _, x := range p.PrefixListIds {
			out = append(out, base("prefix_list_id", sdkaws.ToString(x.PrefixListId), sdkaws.ToString(x.Description)))
		}
		for _, x := range p.UserIdGroupPairs {
			out = append(out, base("referenced_group_id", sdkaws.ToString(x.GroupId), sdkaws.ToString(x.Description)))
		}
	}
	return out
}

func ec2Tags(tags []ec2types.Tag) map[string]string {
	if len(tags) == 0 {
		return nil
	}
	out := make(map[string]string, len(tags))
	for _, t := range tags {
		out[sdkaws.ToString(t.Key)] = sdkaws.ToString(t.Value)
	}
	return out
}
