# METADATA
# title: Azure network security groups admit the internet to no SSH, RDP or other port
# description: >-
#   The code twin of AZ-NET-001 and AZ-NET-002, with the same decision
#   (collectors/azure/policy/lib_nsg.rego). An inbound Allow rule whose sources include
#   "*", "Any", the Internet service tag, 0.0.0.0/0 or ::/0 fails: to SSH (22) or RDP
#   (3389) on TCP, UDP or any protocol, or to any other port and protocol but ICMP.
#   Port ranges ("20-30"), lists and "*" are read as ranges; singular and plural
#   prefixes and ports are merged as the live collector merges them. Rules are read
#   from azurerm_network_security_group's security_rule blocks, from each
#   azurerm_network_security_rule, and from ARM's Microsoft.Network/networkSecurityGroups
#   securityRules and Microsoft.Network/networkSecurityGroups/securityRules. A rule
#   field not known offline leaves the rule not assessed.
# custom:
#   id: IAC-AZ-003
#   severity: critical
#   resource_types: [iac.terraform.resource, iac.arm.resource]
#   remediation: >-
#     Restrict the rule's source_address_prefix(es) (ARM: sourceAddressPrefix(es)) to
#     the address ranges, service tags or application security groups that need it,
#     rather than "*", "Internet", "Any", 0.0.0.0/0 or ::/0; reach hosts through Azure
#     Bastion rather than opening 22 or 3389. Terraform: azurerm_network_security_rule
#     or a security_rule block with direction = "Inbound" and access = "Allow".
package sdescan.checks.iac.azure_nsg

import data.sdescan.lib.azure_nsg as lib
import data.sdescan.lib.iac_azure as iac
import rego.v1

# The decision is lib_nsg's, shared with AZ-NET-001 and AZ-NET-002: each rule
# is normalised to the live facts' shape first.

default applicable := false

applicable if iac.tf(input.resource, "azurerm_network_security_group")

applicable if iac.tf(input.resource, "azurerm_network_security_rule")

applicable if iac.arm(input.resource, "Microsoft.Network/networkSecurityGroups")

applicable if iac.arm(input.resource, "Microsoft.Network/networkSecurityGroups/securityRules")

attrs := input.resource.attributes

# The rule fields: live name → Terraform argument and ARM property.
fields := {
	"direction": {"tf": "direction", "arm": "direction"},
	"access": {"tf": "access", "arm": "access"},
	"protocol": {"tf": "protocol", "arm": "protocol"},
	"priority": {"tf": "priority", "arm": "priority"},
}

# merged lists: live name → the singular and plural Terraform arguments and
# ARM properties.
lists := {
	"source_prefixes": {"tf": ["source_address_prefix", "source_address_prefixes"], "arm": ["sourceAddressPrefix", "sourceAddressPrefixes"]},
	"destination_ports": {"tf": ["destination_port_range", "destination_port_ranges"], "arm": ["destinationPortRange", "destinationPortRanges"]},
}

# tf_rule(body, at): a Terraform rule (a security_rule block, or an
# azurerm_network_security_rule's config) at path prefix at ("" or
# "security_rule.N.") in the live shape; a field not known is left out.
tf_rule(body, at) := object.union({"name": object.get(body, "name", "?")}, object.union(
	{k: v |
		some k, f in fields
		not iac.unknown_at(attrs, concat("", [at, f.tf]))
		v := object.get(body, f.tf, null)
	},
	{k: v |
		some k, l in lists
		not iac.unknown_at(attrs, concat("", [at, l.tf[0]]))
		not iac.unknown_at(attrs, concat("", [at, l.tf[1]]))
		v := lib.normalised_prefixes(object.get(body, l.tf[0], null), object.get(body, l.tf[1], null))
	},
))

# arm_rule(name, body, at): an ARM rule's properties at path prefix at.
arm_rule(name, body, at) := object.union({"name": name}, object.union(
	{k: v |
		some k, f in fields
		not iac.unknown_at(attrs, concat("", [at, f.arm]))
		v := object.get(body, f.arm, null)
	},
	{k: v |
		some k, l in lists
		not iac.unknown_at(attrs, concat("", [at, l.arm[0]]))
		not iac.unknown_at(attrs, concat("", [at, l.arm[1]]))
		v := lib.normalised_prefixes(object.get(body, l.arm[0], null), object.get(body, l.arm[1], null))
	},
))

# rules are the resource's rules in the live shape; undefined when the rules
# themselves are not known offline (a dynamic block, an expression).
rules := [tf_rule(object_or_empty(b), sprintf("security_rule.%d.", [i])) |
	some i, b in object.get(attrs.config, "security_rule", [])
] if {
	iac.tf(input.resource, "azurerm_network_security_group")
	not rules_unknown
}

rules := [tf_rule(attrs.config, "")] if iac.tf(input.resource, "azurerm_network_security_rule")

rules := [arm_rule(object.get(object_or_empty(r), "name", "?"), object_or_empty(object.get(object_or_empty(r), "properties", {})), sprintf("properties.securityRules.%d.properties.", [i])) |
	some i, r in object.get(attrs.properties, "securityRules", [])
] if {
	iac.arm(input.resource, "Microsoft.Network/networkSecurityGroups")
	not rules_unknown
}

rules := [arm_rule(attrs.name, attrs.properties, "properties.")] if {
	iac.arm(input.resource, "Microsoft.Network/networkSecurityGroups/securityRules")
	not rules_unknown
}

# rules_unknown: the list of rules itself is not known offline (an
# expression, a dynamic block whose for_each is not known, a rule that is a
# variable), rather than a field of one.
rules_unknown if {
	some u in attrs.unknown_attributes
	regex.match(`^(security_rule|properties|properties\.securityRules)(\.[0-9]+)?$`, u)
}

# object_or_empty(x): x when an object; {} otherwise (its fields are then
# reported missing, never judged).
object_or_empty(x) := x if is_object(x)

object_or_empty(x) := {} if not is_object(x)

deny contains sprintf("%s %s rule %s (priority %v) allows %s to port %d (%s)", [attrs.resource_type, attrs.name, r.name, object.get(r, "priority", "?"), src, port, service]) if {
	some r in rules
	some port, service in lib.admin_ports
	lib.opens_admin(r, port)
	some src in lib.internet_sources(r)
}

deny contains sprintf("%s %s rule %s (priority %v) allows %s to %s ports %s", [attrs.resource_type, attrs.name, r.name, object.get(r, "priority", "?"), src, r.protocol, concat(",", r.destination_ports)]) if {
	some r in rules
	lib.opens_other(r)
	some src in lib.internet_sources(r)
}

missing contains "attributes.config.security_rule" if {
	iac.tf(input.resource, "azurerm_network_security_group")
	rules_unknown
}

missing contains "attributes.properties.securityRules" if {
	iac.arm(input.resource, "Microsoft.Network/networkSecurityGroups")
	rules_unknown
}

missing contains "attributes.properties" if {
	iac.arm(input.resource, "Microsoft.Network/networkSecurityGroups/securityRules")
	rules_unknown
}

# Where each form writes a rule's fields, for the paths of missing ones.
at(i) := sprintf("attributes.config.security_rule[%d].", [i]) if iac.tf(input.resource, "azurerm_network_security_group")

at(_) := "attributes.config." if iac.tf(input.resource, "azurerm_network_security_rule")

at(i) := sprintf("attributes.properties.securityRules[%d].properties.", [i]) if iac.arm(input.resource, "Microsoft.Network/networkSecurityGroups")

at(_) := "attributes.properties." if iac.arm(input.resource, "Microsoft.Network/networkSecurityGroups/securityRules")

tf if input.resource.type == "iac.terraform.resource"

code_name(key) := fields[key].tf if tf

code_name(key) := fields[key].arm if not tf

code_name(key) := concat("/", lists[key].tf) if tf

code_name(key) := concat("/", lists[key].arm) if not tf

missing contains concat("", [at(i), code_name(key)]) if {
	some i, r in rules
	some key in lib.incomplete(r)
}
