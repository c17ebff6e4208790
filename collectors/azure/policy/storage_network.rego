# METADATA
# title: Storage accounts are not reachable from public networks
# description: >-
#   An SDE's storage should be reached through private endpoints or selected virtual
#   networks only. The account passes when publicNetworkAccess is Disabled, or when its
#   network rules' default action is Deny (only the listed networks, addresses and
#   trusted services get through). Unset public network access with default action
#   Allow is reachable from anywhere.
# custom:
#   id: AZ-ST-003
#   severity: high
#   resource_types: [azure.storage.account]
#   remediation: >-
#     Disable public network access and use a private endpoint (az storage account update
#     --public-network-access Disabled), or set the default action to Deny
#     (--default-action Deny). Terraform: public_network_access_enabled = false, or
#     network_rules { default_action = "Deny" }.
package sdescan.checks.azure.storage_network

import data.sdescan.lib.facts
import rego.v1

attrs := input.resource.attributes

account := object.get(attrs, "name", input.resource.id)

closed if attrs.public_network_access == "Disabled"

closed if attrs.network_default_action == "Deny"

deny contains msg if {
	facts.present("public_network_access")
	facts.present("network_default_action")
	not closed
	msg := sprintf("storage account %s is reachable from public networks (publicNetworkAccess %v, network rules default action %v)", [account, attrs.public_network_access, attrs.network_default_action])
}

missing contains sprintf("attributes.%s", [key]) if {
	not closed
	some key in ["public_network_access", "network_default_action"]
	not facts.present(key)
}
