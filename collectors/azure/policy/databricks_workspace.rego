# METADATA
# title: Databricks workspaces use secure cluster connectivity and disable public network access
# description: >-
#   Cluster nodes of an Azure Databricks workspace without secure cluster connectivity
#   (no public IP) get public IP addresses and open inbound management ports, putting
#   the compute that processes SDE data on the internet; and a workspace with public
#   network access enabled serves its web application and REST APIs to the whole
#   internet, outside the SDE's network boundary. The workspace must set
#   parameters.enableNoPublicIp true and publicNetworkAccess Disabled (private link for
#   the front end). publicNetworkAccess unset is Azure's default, Enabled.
#   enableNoPublicIp unset is not judged (reported not assessed): its default changed
#   across API versions, so its absence says nothing about the workspace. Azure requires
#   requiredNsgRules NoAzureDatabricksRules when public network access is Disabled; it
#   is recorded, not judged.
# custom:
#   id: AZ-DBX-001
#   severity: high
#   resource_types: [azure.databricks.workspace]
#   remediation: >-
#     Enable secure cluster connectivity (az databricks workspace update
#     --enable-no-public-ip) and disable public network access with private endpoints
#     for the front and back end (--public-network-access Disabled
#     --required-nsg-rules NoAzureDatabricksRules; Premium tier). Terraform:
#     azurerm_databricks_workspace with custom_parameters { no_public_ip = true },
#     public_network_access_enabled = false and network_security_group_rules_required =
#     "NoAzureDatabricksRules".
package sdescan.checks.azure.databricks_workspace

import data.sdescan.lib.facts
import rego.v1

attrs := input.resource.attributes

workspace := object.get(attrs, "name", input.resource.id)

deny contains sprintf("Databricks workspace %s gives its cluster nodes public IP addresses (enableNoPublicIp false: no secure cluster connectivity)", [workspace]) if {
	attrs.enable_no_public_ip == false
}

deny contains sprintf("Databricks workspace %s allows public network access (publicNetworkAccess %v)", [workspace, shown(v)]) if {
	facts.present("public_network_access")
	v := attrs.public_network_access
	not disabled(v)
}

shown(null) := "not set: Enabled by default"

shown(v) := v if v != null

disabled(v) if {
	is_string(v)
	lower(v) == "disabled"
}

# enableNoPublicIp unset (null) is missing, not a default: before API version
# 2024-05-01 it defaulted to false, since then to true, and which applied when
# the workspace was created cannot be told from the listing.
missing contains "attributes.enable_no_public_ip" if {
	not is_boolean(object.get(attrs, "enable_no_public_ip", null))
}

missing contains "attributes.public_network_access" if {
	not facts.present("public_network_access")
}
