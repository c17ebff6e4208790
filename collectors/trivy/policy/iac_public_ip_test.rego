package sdescan.checks.iac.public_ip_test

import data.sdescan.checks.iac.public_ip as check
import rego.v1

tf(t, cfg, unknown) := {"resource": {"id": "x", "type": "iac.terraform.resource", "source": "iac", "attributes": {"resource_type": t, "name": "n", "config": cfg, "unknown_attributes": unknown}}}

test_pass if {
	inp := tf("aws_instance", {"associate_public_ip_address": false}, [])
	check.applicable with input as inp
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_fail_instance if {
	count(check.deny) == 1 with input as tf("aws_instance", {"associate_public_ip_address": true}, [])
}

test_fail_launch_template if {
	count(check.deny) == 1 with input as tf("aws_launch_template", {"network_interfaces": [{"associate_public_ip_address": "true"}]}, [])
}

test_fail_subnet_cloudformation if {
	count(check.deny) == 1 with input as {"resource": {"id": "x", "type": "iac.cloudformation.resource", "source": "iac", "attributes": {"resource_type": "AWS::EC2::Subnet", "name": "S", "properties": {"MapPublicIpOnLaunch": true}}}}
}

test_missing if {
	inp := tf("aws_instance", {}, ["associate_public_ip_address"])
	check.missing == {"attributes.config.associate_public_ip_address"} with input as inp
	count(check.deny) == 0 with input as inp
}

test_not_applicable if {
	not check.applicable with input as tf("aws_s3_bucket", {}, [])
}

cfn(t, props) := {"resource": {"id": "x", "type": "iac.cloudformation.resource", "source": "iac", "attributes": {"resource_type": t, "name": "N", "properties": props}}}

# Left out, AWS's defaults: the subnet decides for a machine (and is judged on
# its own), a subnet maps no public addresses.
test_defaults_pass if {
	count(check.deny) == 0 with input as tf("aws_instance", {}, [])
	count(check.missing) == 0 with input as tf("aws_instance", {}, [])
	count(check.deny) == 0 with input as tf("aws_subnet", {}, [])
	count(check.deny) == 0 with input as cfn("AWS::EC2::Subnet", {})
	count(check.deny) == 0 with input as cfn("AWS::EC2::Instance", {"SubnetId": {"Ref": "S"}})
	count(check.missing) == 0 with input as cfn("AWS::EC2::Instance", {"SubnetId": {"Ref": "S"}})
}

test_fail_cloudformation_machines if {
	check.deny == {"AWS::EC2::Instance N: a network interface associates a public IP address"} with input as cfn("AWS::EC2::Instance", {"NetworkInterfaces": [{"DeviceIndex": "0", "AssociatePublicIpAddress": "true"}]})
	check.deny == {"AWS::EC2::LaunchTemplate N: a network interface associates a public IP address"} with input as cfn("AWS::EC2::LaunchTemplate", {"LaunchTemplateData": {"NetworkInterfaces": [{"AssociatePublicIpAddress": true}]}})
}

test_fail_ipv6 if {
	check.deny == {"aws_instance n asks for globally routable IPv6 addresses"} with input as tf("aws_instance", {"ipv6_address_count": 1}, [])
	check.deny == {"aws_launch_template n asks for globally routable IPv6 addresses"} with input as tf("aws_launch_template", {"network_interfaces": [{"ipv6_addresses": ["2001:db8::1"]}]}, [])
	check.deny == {"AWS::EC2::Instance N asks for globally routable IPv6 addresses"} with input as cfn("AWS::EC2::Instance", {"Ipv6Addresses": [{"Ipv6Address": "2001:db8::1"}]})
	count(check.deny) == 0 with input as tf("aws_instance", {"ipv6_address_count": 0}, [])
}

# Values not known offline (or not booleans) are not assessed, never passed.
test_unknown if {
	sub := cfn("AWS::EC2::Subnet", {"MapPublicIpOnLaunch": {"Ref": "Public"}})
	check.missing == {"attributes.properties.MapPublicIpOnLaunch"} with input as sub
	count(check.deny) == 0 with input as sub
	ni := cfn("AWS::EC2::Instance", {"NetworkInterfaces": [{"AssociatePublicIpAddress": {"Ref": "Public"}}]})
	check.missing == {"attributes.properties.NetworkInterfaces"} with input as ni
	v6 := cfn("AWS::EC2::Instance", {"Ipv6AddressCount": {"Ref": "N"}})
	check.missing == {"attributes.properties.Ipv6AddressCount"} with input as v6
	tfsub := tf("aws_subnet", {}, ["map_public_ip_on_launch"])
	check.missing == {"attributes.config.map_public_ip_on_launch"} with input as tfsub
}
