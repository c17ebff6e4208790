# METADATA
# title: AWS Config is recording in every region in scope
# description: >-
#   AWS Config keeps a history of every resource's configuration, showing what the SDE
#   looked like at any past moment and who changed it - the record behind change
#   control and incident investigation. A recorder that exists but is stopped records
#   nothing, and one that records only a chosen list of resource types misses
#   everything else (recording all types, or all but named exclusions, passes).
# custom:
#   id: AWS-CFG-001
#   severity: medium
#   resource_types: [aws.region]
#   remediation: >-
#     Terraform: aws_config_configuration_recorder (recording_group all_supported = true),
#     aws_config_delivery_channel and aws_config_configuration_recorder_status with
#     is_enabled = true, in every region used.
package sdescan.checks.aws.config_recorder

import data.sdescan.lib.facts
import rego.v1

where := sprintf("account %s region %s", [object.get(input.resource.scope, "account", "?"), object.get(input.resource.scope, "region", "?")])

recording if {
	some r in input.resource.attributes.config_recorders
	r.recording == true
}

unknown if {
	some r in input.resource.attributes.config_recorders
	not is_boolean(object.get(r, "recording", null))
}

deny contains sprintf("AWS Config has no configuration recorder in %s", [where]) if {
	count(input.resource.attributes.config_recorders) == 0
}

deny contains sprintf("AWS Config recorder is not recording in %s", [where]) if {
	count(input.resource.attributes.config_recorders) > 0
	not recording
	not unknown
}

# A recorder that records every supported type, or every type but named exclusions.
records_broadly(r) if r.all_supported == true

records_broadly(r) if r.recording_strategy in {"ALL_SUPPORTED_RESOURCE_TYPES", "EXCLUSION_BY_RESOURCE_TYPES"}

# Facts without the recording group say nothing about it.
records_broadly(r) if not "all_supported" in object.keys(r)

deny contains sprintf("AWS Config recorder %s records only selected resource types in %s", [r.name, where]) if {
	some r in input.resource.attributes.config_recorders
	r.recording == true
	not records_broadly(r)
	not broad_recorder
}

broad_recorder if {
	some r in input.resource.attributes.config_recorders
	r.recording == true
	records_broadly(r)
}

missing contains "attributes.config_recorders" if {
	not facts.present("config_recorders")
}

missing contains "attributes.config_recorders[].recording" if {
	not recording
	unknown
}
