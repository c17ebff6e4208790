# METADATA
# title: Azure Machine Learning workspaces disable public network access and are high business impact for identifiable data
# description: >-
#   An Azure Machine Learning workspace (or Azure AI Foundry hub or project) reachable
#   from the public internet exposes its studio, APIs, data stores and compute to anyone
#   with a credential, outside the SDE's network boundary: public network access must
#   be Disabled, leaving private endpoints. A workspace holding identifiable or
#   pseudonymised data (by the resource's classification tag) must also be a
#   high-business-impact workspace (hbiWorkspace), which encrypts the compute's local
#   scratch disk and limits the diagnostic data Microsoft collects. Unset settings are
#   Azure's defaults: public network access Enabled, hbiWorkspace false. A project
#   inherits its hub's settings: a project that sets neither is judged on its hub's,
#   and is not assessed when its hub (in another subscription) was not read.
# custom:
#   id: AZ-ML-001
#   severity: high
#   resource_types: [azure.ml.workspace]
#   remediation: >-
#     az ml workspace update --public-network-access Disabled (with private endpoints for
#     access); create workspaces for identifiable data with --hbi-workspace (it cannot
#     be changed after creation: recreate the workspace). Terraform:
#     azurerm_machine_learning_workspace with public_network_access_enabled = false and
#     high_business_impact = true.
package sdescan.checks.azure.ml_workspace

import data.sdescan.lib.facts
import rego.v1

attrs := input.resource.attributes

workspace := object.get(attrs, "name", input.resource.id)

# A project: it names its hub.
project if is_string(attrs.hub_resource_id)

# setting(own, hub) is the workspace's own setting, or, for a project that
# leaves it unset, its hub's (null there too: Azure's default). Undefined for
# such a project whose hub was not read.
setting(own, _) := attrs[own] if attrs[own] != null

setting(own, _) := null if {
	attrs[own] == null
	not project
}

setting(own, hub) := attrs[hub] if {
	attrs[own] == null
	project
	facts.present(hub)
}

# The attribute a verdict needs but the facts lack.
unknown(own, _) := sprintf("attributes.%s", [own]) if not facts.present(own)

unknown(own, hub) := sprintf("attributes.%s", [hub]) if {
	facts.present(own)
	attrs[own] == null
	project
	not facts.present(hub)
}

# source(own) says where a verdict's setting came from.
default source(_) := ""

source(own) := ", its hub's" if {
	attrs[own] == null
	project
}

disabled(v) if {
	is_string(v)
	lower(v) == "disabled"
}

shown(null) := "not set: Enabled by default"

shown(v) := v if v != null

deny contains sprintf("ML workspace %s allows public network access (publicNetworkAccess %v%s)", [workspace, shown(v), source("public_network_access")]) if {
	facts.present("public_network_access")
	v := setting("public_network_access", "hub_public_network_access")
	not disabled(v)
}

deny contains sprintf("ML workspace %s is tagged %s but is not a high-business-impact workspace (hbiWorkspace %v%s)", [workspace, input.resource.classification, v, source("hbi_workspace")]) if {
	input.resource.classification in {"identifiable", "pseudonymised"}
	facts.present("hbi_workspace")
	v := setting("hbi_workspace", "hub_hbi_workspace")
	v != true
}

missing contains u if {
	u := unknown("public_network_access", "hub_public_network_access")
}

missing contains u if {
	input.resource.classification in {"identifiable", "pseudonymised"}
	u := unknown("hbi_workspace", "hub_hbi_workspace")
}
