package sdescan.checks.iac.azure_nsg_test

import data.sdescan.checks.iac.azure_nsg as check
import data.sdescan.lib.azure_nsg as lib
import rego.v1

nsg(rules, unknown) := {"resource": {"id": "x", "type": "iac.terraform.resource", "source": "iac", "attributes": {"mode": "resource", "resource_type": "azurerm_network_security_group", "name": "nsg", "config": {"security_rule": rules}, "unknown_attributes": unknown}}}

rule_res(cfg, unknown) := {"resource": {"id": "x", "type": "iac.terraform.resource", "source": "iac", "attributes": {"mode": "resource", "resource_type": "azurerm_network_security_rule", "name": "r", "config": cfg, "unknown_attributes": unknown}}}

arm_nsg(rules, unknown) := {"resource": {"id": "x", "type": "iac.arm.resource", "source": "iac", "attributes": {"resource_type": "Microsoft.Network/networkSecurityGroups", "name": "nsg", "properties": {"securityRules": rules}, "unknown_attributes": unknown}}}

arm_rule(props, unknown) := {"resource": {"id": "x", "type": "iac.arm.resource", "source": "iac", "attributes": {"resource_type": "Microsoft.Network/networkSecurityGroups/securityRules", "name": "nsg/r", "properties": props, "unknown_attributes": unknown}}}

r(src, port) := {"name": "r", "priority": 100, "direction": "Inbound", "access": "Allow", "protocol": "Tcp", "source_address_prefix": src, "destination_port_range": port}

a(src, port) := {"priority": 100, "direction": "Inbound", "access": "Allow", "protocol": "Tcp", "sourceAddressPrefix": src, "destinationPortRange": port}

test_pass if {
	count(check.deny) == 0 with input as nsg([r("10.0.0.0/8", "22"), r("VirtualNetwork", "*")], [])
	count(check.missing) == 0 with input as nsg([r("10.0.0.0/8", "22")], [])
	count(check.deny) == 0 with input as nsg([], [])
	count(check.deny) == 0 with input as nsg([object.union(r("*", "22"), {"access": "Deny"})], [])
	count(check.deny) == 0 with input as nsg([object.union(r("*", "22"), {"direction": "Outbound"})], [])
	count(check.deny) == 0 with input as nsg([object.union(r("*", "*"), {"protocol": "Icmp"})], [])
	count(check.deny) == 0 with input as arm_nsg([{"name": "ok", "properties": a("10.0.0.0/8", "3389")}], [])
	count(check.deny) == 0 with input as arm_rule(a("10.0.0.0/8", "*"), [])
}

test_fail_ssh_sources if {
	every src in ["*", "Internet", "Any", "any", "0.0.0.0/0", "::/0"] {
		check.deny == {sprintf("azurerm_network_security_group nsg rule r (priority 100) allows %s to port 22 (SSH)", [src])} with input as nsg([r(src, "22")], [])
	}
}

test_fail_rdp_range_and_list if {
	check.deny == {
		"azurerm_network_security_rule r rule r (priority 100) allows Internet to port 3389 (RDP)",
		"azurerm_network_security_rule r rule r (priority 100) allows Internet to Tcp ports 3000-4000",
	} with input as rule_res(object.union(r("Internet", "3000-4000"), {}), [])
	deny := check.deny with input as rule_res({"name": "r", "priority": 100, "direction": "Inbound", "access": "Allow", "protocol": "*", "source_address_prefixes": ["10.0.0.0/8", "0.0.0.0/0"], "destination_port_ranges": ["443", "3389"]}, [])
	"azurerm_network_security_rule r rule r (priority 100) allows 0.0.0.0/0 to port 3389 (RDP)" in deny
	"azurerm_network_security_rule r rule r (priority 100) allows 0.0.0.0/0 to * ports 3389,443" in deny
}

test_fail_other_port if {
	check.deny == {"azurerm_network_security_group nsg rule r (priority 100) allows * to Tcp ports 5432"} with input as nsg([r("*", "5432")], [])
}

test_fail_arm if {
	check.deny == {"Microsoft.Network/networkSecurityGroups nsg rule ssh (priority 100) allows Internet to port 22 (SSH)"} with input as arm_nsg([{"name": "ssh", "properties": a("Internet", "22")}], [])
	check.deny == {"Microsoft.Network/networkSecurityGroups/securityRules nsg/r rule nsg/r (priority 100) allows * to Tcp ports 8080"} with input as arm_rule(a("*", "8080"), [])
}

# A rule field not known offline leaves the rule not assessed.
test_missing_field if {
	inp := nsg([object.remove(r("*", "22"), ["source_address_prefix"])], ["security_rule.0.source_address_prefix"])
	check.missing == {"attributes.config.security_rule[0].source_address_prefix/source_address_prefixes"} with input as inp
	count(check.deny) == 0 with input as inp
	arm_inp := arm_nsg([{"name": "x", "properties": object.remove(a("*", "22"), ["destinationPortRange"])}], ["properties.securityRules.0.properties.destinationPortRange"])
	check.missing == {"attributes.properties.securityRules[0].properties.destinationPortRange/destinationPortRanges"} with input as arm_inp
	count(check.deny) == 0 with input as arm_inp
	rule_inp := rule_res(object.remove(r("*", "22"), ["protocol"]), ["protocol"])
	check.missing == {"attributes.config.protocol"} with input as rule_inp
}

# The rules themselves not known: a dynamic block whose for_each is unknown,
# an ARM expression, a rule that is a variable.
test_missing_rules if {
	check.missing == {"attributes.config.security_rule"} with input as nsg([], ["security_rule"])
	check.missing == {"attributes.config.security_rule"} with input as nsg([r("10.0.0.0/8", "22")], ["security_rule.1"])
	check.missing == {"attributes.properties.securityRules"} with input as arm_nsg([], ["properties.securityRules"])
	check.missing == {"attributes.properties"} with input as arm_rule({}, ["properties"])
}

# An ARM rule that is an expression stays in place as null: reported, never
# dropped.
test_arm_rule_null if {
	inp := arm_nsg([null, {"name": "ok", "properties": a("10.0.0.0/8", "22")}], ["properties.securityRules.0"])
	check.missing == {"attributes.properties.securityRules"} with input as inp
}

test_other_unknowns_do_not_matter if {
	count(check.missing) == 0 with input as nsg([r("10.0.0.0/8", "22")], ["location", "security_rule.0.description"])
	count(check.missing) == 0 with input as arm_rule(a("10.0.0.0/8", "22"), ["properties.description"])
}

# Equivalence with AZ-NET-001/002: every form gives the live collector's rule
# (prefixes and ports merged, trimmed, sorted, without repeats).
test_equivalence if {
	live := {"name": "r", "priority": 100, "direction": "Inbound", "access": "Allow", "protocol": "Tcp", "source_prefixes": ["10.0.0.0/8", "Internet"], "destination_ports": ["22", "443"]}
	tf_rule := {"name": "r", "priority": 100, "direction": "Inbound", "access": "Allow", "protocol": "Tcp", "source_address_prefix": " Internet ", "source_address_prefixes": ["10.0.0.0/8", "Internet"], "destination_port_ranges": ["443", "22"]}
	check.rules == [live] with input as nsg([tf_rule], [])
	check.rules == [live] with input as rule_res(tf_rule, [])
	arm_props := {"priority": 100, "direction": "Inbound", "access": "Allow", "protocol": "Tcp", "sourceAddressPrefixes": ["Internet", "10.0.0.0/8"], "destinationPortRange": "22", "destinationPortRanges": ["443"]}
	check.rules == [object.union(live, {"name": "nsg/r"})] with input as arm_rule(arm_props, [])
	lib.opens_admin(live, 22)
}
