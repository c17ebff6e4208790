package sdescan.checks.azure.nsg_open_ports_test

import data.sdescan.checks.azure.nsg_open_ports as check
import rego.v1

nsg(rules) := {"resource": {"id": "/subscriptions/s/resourcegroups/rg/providers/microsoft.network/networksecuritygroups/nsg", "type": "azure.network.nsg", "source": "azure", "attributes": {"name": "nsg", "security_rules": rules}}}

rule(src, ports) := {"name": "r", "direction": "Inbound", "access": "Allow", "protocol": "Tcp", "priority": 100, "source_prefixes": src, "destination_ports": ports}

test_pass if {
	inp := nsg([
		rule(["10.0.0.0/8", "VirtualNetwork"], ["443"]),
		rule(["Internet"], ["22"]),
		rule(["*"], ["3389", "22"]),
		object.union(rule(["*"], ["443"]), {"access": "Deny"}),
		object.union(rule(["*"], ["443"]), {"direction": "Outbound"}),
		object.union(rule(["*"], ["*"]), {"protocol": "Icmp"}),
	])
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_fail_web_port if {
	check.deny == {"NSG nsg rule r (priority 100) allows Internet to Tcp ports 443"} with input as nsg([rule(["Internet"], ["443"])])
}

test_fail_any_protocol_and_mixed if {
	check.deny == {"NSG nsg rule r (priority 100) allows 0.0.0.0/0 to * ports *"} with input as nsg([object.union(rule(["0.0.0.0/0"], ["*"]), {"protocol": "*"})])
	check.deny == {"NSG nsg rule r (priority 100) allows * to Tcp ports 22,8080-8090"} with input as nsg([rule(["*"], ["22", "8080-8090"])])
	count(check.deny) == 1 with input as nsg([object.union(rule(["*"], ["22"]), {"protocol": "*"})])
}

test_missing if {
	inp := {"resource": {"id": "x", "type": "azure.network.nsg", "attributes": {"name": "nsg"}}}
	check.missing == {"attributes.security_rules"} with input as inp
	count(check.deny) == 0 with input as inp
}
