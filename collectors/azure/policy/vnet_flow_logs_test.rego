package sdescan.checks.azure.vnet_flow_logs_test

import data.sdescan.checks.azure.vnet_flow_logs as check
import rego.v1

vnet(flows) := {"resource": {"id": "vnet-id", "type": "azure.network.vnet", "source": "azure", "attributes": {"name": "vnet", "flow_logs": flows}}}

subnet(name, nsg, own, on_nsg) := {"id": name, "name": name, "nsg": nsg, "flow_log_enabled": own, "nsg_flow_log_enabled": on_nsg}

test_pass_vnet_flow_log if {
	inp := vnet({"vnet_enabled": true, "subnets": [subnet("a", null, false, false)]})
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_pass_every_subnet_covered if {
	inp := vnet({"vnet_enabled": false, "subnets": [subnet("a", "nsg-a", false, true), subnet("b", null, true, false)]})
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_fail_subnet_uncovered if {
	check.deny == {"virtual network vnet: subnet b has no flow log (none on the VNet, the subnet or its NSG null)"} with input as vnet({"vnet_enabled": false, "subnets": [subnet("a", "nsg-a", false, true), subnet("b", null, false, false)]})
	check.deny == {"virtual network vnet: subnet a has no flow log (none on the VNet, the subnet or its NSG nsg-a)"} with input as vnet({"vnet_enabled": false, "subnets": [subnet("a", "nsg-a", false, false)]})
}

test_fail_no_subnets if {
	check.deny == {"virtual network vnet has no flow log (no VNet flow log and no subnets)"} with input as vnet({"vnet_enabled": false, "subnets": []})
}

test_missing if {
	inp := {"resource": {"id": "vnet-id", "type": "azure.network.vnet", "attributes": {"name": "vnet"}}}
	count(check.deny) == 0 with input as inp
	check.missing == {"attributes.flow_logs"} with input as inp
	check.missing == {"attributes.flow_logs.subnets[0].nsg_flow_log_enabled"} with input as vnet({"vnet_enabled": false, "subnets": [{"name": "a", "flow_log_enabled": false}]})
	count(check.deny) == 0 with input as vnet({"vnet_enabled": false, "subnets": [{"name": "a", "flow_log_enabled": false}]})
}
