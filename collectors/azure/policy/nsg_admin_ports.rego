# METADATA
# title: No network security group admits the internet to SSH or RDP
# description: >-
#   SSH (22) and RDP (3389) open to the internet expose the SDE's hosts to password
#   guessing and exploitation from anywhere. A rule counts when it is an inbound Allow
#   whose sources include "*", "Any", the Internet service tag, 0.0.0.0/0 or ::/0, on
#   TCP, UDP or any protocol, with a destination port, range, list or "*" covering 22
#   or 3389. Deny rules of a higher priority are not credited: remove the Allow instead.
#   Administrative access belongs behind Azure Bastion or the SDE's own remote desktop.
# custom:
#   id: AZ-NET-001
#   severity: critical
#   resource_types: [azure.network.nsg]
#   remediation: >-
#     Remove the rule or restrict its source to known address ranges; use Azure Bastion
#     for administration. Terraform: no azurerm_network_security_rule (or security_rule
#     block) with direction = "Inbound", access = "Allow", source_address_prefix "*" or
#     "Internet" and destination ports covering 22 or 3389.
package sdescan.checks.azure.nsg_admin_ports

import data.sdescan.lib.azure_nsg as lib
import data.sdescan.lib.facts
import rego.v1

# The decision is lib_nsg's, shared with AZ-NET-002 and IAC-AZ-003.

nsg := object.get(input.resource.attributes, "name", input.resource.id)

deny contains msg if {
	some r in input.resource.attributes.security_rules
	some port, service in lib.admin_ports
	lib.opens_admin(r, port)
	some src in lib.internet_sources(r)
	msg := sprintf("NSG %s rule %s (priority %v) allows %s to port %d (%s)", [nsg, object.get(r, "name", "?"), object.get(r, "priority", "?"), src, port, service])
}

missing contains "attributes.security_rules" if {
	not facts.present("security_rules")
}

missing contains sprintf("attributes.security_rules[%d].%s", [i, key]) if {
	some i, r in input.resource.attributes.security_rules
	some key in lib.incomplete(r)
}
