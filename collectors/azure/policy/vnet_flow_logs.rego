# METADATA
# title: Every virtual network has flow logs
# description: >-
#   Flow logs record every connection into and out of the network: the evidence needed
#   to detect or rule out exfiltration from the SDE. A virtual network passes when an
#   enabled VNet flow log targets it, or when every one of its subnets is covered by an
#   enabled flow log on the subnet or on the subnet's network security group. Flow logs
#   on single network interfaces are not counted (they cover one interface, not the
#   subnet); a subnet without an NSG or its own flow log is not covered; a VNet with no
#   subnets and no VNet flow log fails. Whether the logs' storage account and retention
#   are adequate is not judged here.
# custom:
#   id: AZ-NET-003
#   severity: medium
#   resource_types: [azure.network.vnet]
#   remediation: >-
#     Create a VNet flow log in Network Watcher (az network watcher flow-log create
#     --vnet ...) with a storage account and retention. Terraform:
#     azurerm_network_watcher_flow_log with target_resource_id set to the VNet.
package sdescan.checks.azure.vnet_flow_logs

import data.sdescan.lib.facts
import rego.v1

flows := input.resource.attributes.flow_logs

vnet := object.get(input.resource.attributes, "name", input.resource.id)

covered(s) if s.flow_log_enabled == true

covered(s) if s.nsg_flow_log_enabled == true

deny contains sprintf("virtual network %s has no flow log (no VNet flow log and no subnets)", [vnet]) if {
	flows.vnet_enabled == false
	count(flows.subnets) == 0
}

deny contains msg if {
	flows.vnet_enabled == false
	some s in flows.subnets
	is_boolean(s.flow_log_enabled)
	is_boolean(s.nsg_flow_log_enabled)
	not covered(s)
	msg := sprintf("virtual network %s: subnet %s has no flow log (none on the VNet, the subnet or its NSG %v)", [vnet, object.get(s, "name", "?"), object.get(s, "nsg", null)])
}

missing contains "attributes.flow_logs" if {
	not facts.present("flow_logs")
}

missing contains "attributes.flow_logs.vnet_enabled" if {
	facts.present("flow_logs")
	not is_boolean(object.get(flows, "vnet_enabled", null))
}

missing contains sprintf("attributes.flow_logs.subnets[%d].%s", [i, key]) if {
	flows.vnet_enabled == false
	some i, s in flows.subnets
	some key in ["flow_log_enabled", "nsg_flow_log_enabled"]
	not is_boolean(object.get(s, key, null))
}
