# METADATA
# title: No network security group admits the internet to any other port
# description: >-
#   Services inside an SDE (databases, notebooks, internal web applications) should not
#   be reachable from the whole internet. Any inbound Allow rule whose sources include
#   "*", "Any", the Internet service tag, 0.0.0.0/0 or ::/0 is reported, on any port and
#   protocol, except rules that open only SSH or RDP (judged by AZ-NET-001) and ICMP.
#   Deny rules of a higher priority are not credited. Public entry points belong behind
#   Application Gateway, Front Door or Azure Firewall with their own controls.
# custom:
#   id: AZ-NET-002
#   severity: high
#   resource_types: [azure.network.nsg]
#   remediation: >-
#     Restrict the rule's source to the address ranges, service tags or application
#     security groups that need it. Terraform: azurerm_network_security_rule with a
#     specific source_address_prefix(es) instead of "*" or "Internet".
package sdescan.checks.azure.nsg_open_ports

import data.sdescan.lib.azure_nsg as lib
import data.sdescan.lib.facts
import rego.v1

# The decision is lib_nsg's, shared with AZ-NET-001 and IAC-AZ-003 (a rule
# that opens only SSH or RDP on TCP or UDP is AZ-NET-001's).

nsg := object.get(input.resource.attributes, "name", input.resource.id)

deny contains msg if {
	some r in input.resource.attributes.security_rules
	lib.opens_other(r)
	some src in lib.internet_sources(r)
	msg := sprintf("NSG %s rule %s (priority %v) allows %s to %s ports %s", [nsg, object.get(r, "name", "?"), object.get(r, "priority", "?"), src, r.protocol, concat(",", r.destination_ports)])
}

missing contains "attributes.security_rules" if {
	not facts.present("security_rules")
}

missing contains sprintf("attributes.security_rules[%d].%s", [i, key]) if {
	some i, r in input.resource.attributes.security_rules
	some key in lib.incomplete(r)
}
