package sdescan.checks.azure.nsg_admin_ports_test

import data.sdescan.checks.azure.nsg_admin_ports as check
import rego.v1

nsg(rules) := {"resource": {"id": "/subscriptions/s/resourcegroups/rg/providers/microsoft.network/networksecuritygroups/nsg", "type": "azure.network.nsg", "source": "azure", "attributes": {"name": "nsg", "security_rules": rules}}}

rule(src, ports) := {"name": "r", "direction": "Inbound", "access": "Allow", "protocol": "Tcp", "priority": 100, "source_prefixes": src, "destination_ports": ports}

test_pass_restricted if {
	inp := nsg([
		rule(["10.0.0.0/8"], ["22"]),
		rule(["Internet"], ["443"]),
		object.union(rule(["*"], ["22"]), {"access": "Deny"}),
		object.union(rule(["*"], ["3389"]), {"direction": "Outbound"}),
		object.union(rule(["*"], ["*"]), {"protocol": "Icmp"}),
		rule(["Internet"], ["23-3388", "3390-65535"]),
	])
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_pass_no_rules if {
	count(check.deny) == 0 with input as nsg([])
	count(check.missing) == 0 with input as nsg([])
}

test_fail_each_internet_source if {
	every src in ["*", "Internet", "Any", "0.0.0.0/0", "::/0", "internet"] {
		check.deny == {sprintf("NSG nsg rule r (priority 100) allows %s to port 22 (SSH)", [src])} with input as nsg([rule(["10.1.0.0/16", src], ["22"])])
	}
}

test_fail_range_list_and_star if {
	check.deny == {"NSG nsg rule r (priority 100) allows Internet to port 3389 (RDP)"} with input as nsg([rule(["Internet"], ["80", "3000-4000"])])
	count(check.deny) == 2 with input as nsg([rule(["*"], ["*"])])
	count(check.deny) == 2 with input as nsg([rule(["*"], ["20-30", "3389"])])
	count(check.deny) == 2 with input as nsg([object.union(rule(["*"], ["0-65535"]), {"protocol": "*"})])
	count(check.deny) == 1 with input as nsg([object.union(rule(["*"], ["3389"]), {"protocol": "Udp"})])
}

test_missing if {
	inp := {"resource": {"id": "x", "type": "azure.network.nsg", "attributes": {"name": "nsg"}}}
	check.missing == {"attributes.security_rules"} with input as inp
	count(check.deny) == 0 with input as inp
}

test_missing_rule_field if {
	inp := nsg([object.union(rule(["*"], ["22"]), {"direction": null})])
	count(check.deny) == 0 with input as inp
	check.missing == {"attributes.security_rules[0].direction"} with input as inp
}
