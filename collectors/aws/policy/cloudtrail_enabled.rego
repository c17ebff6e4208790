# METADATA
# title: A multi-region CloudTrail trail is logging management events
# description: >-
#   CloudTrail is the audit log of every change made to the SDE's infrastructure and
#   every use of its credentials. Without a multi-region trail that is logging
#   management events, actions taken in a region nobody watches, or taken before
#   logging is switched back on, leave no record for an investigation.
# custom:
#   id: AWS-CT-001
#   severity: high
#   resource_types: [aws.account]
#   remediation: >-
#     Create (or turn logging back on for) a multi-region trail capturing all management
#     events, ideally an organization trail. Terraform: aws_cloudtrail with
#     is_multi_region_trail = true, enable_logging = true and an event_selector with
#     include_management_events = true, read_write_type = "All".
package sdescan.checks.aws.cloudtrail_enabled

import data.sdescan.lib.facts
import rego.v1

needed := ["is_multi_region_trail", "is_logging", "management_events_included"]

good(t) if {
	t.is_multi_region_trail == true
	t.is_logging == true
	t.management_events_included == true
}

bad(t) if {
	some f in needed
	t[f] == false
}

# A trail that might be good: nothing it needs is false, but something is unknown.
unknown(t) if {
	not good(t)
	not bad(t)
}

any_good if {
	some t in input.resource.attributes.cloudtrail_trails
	good(t)
}

any_unknown if {
	some t in input.resource.attributes.cloudtrail_trails
	unknown(t)
}

account := object.get(input.resource.scope, "account", input.resource.id)

deny contains sprintf("account %s has no trails at all", [account]) if {
	count(input.resource.attributes.cloudtrail_trails) == 0
}

deny contains msg if {
	count(input.resource.attributes.cloudtrail_trails) > 0
	not any_good
	not any_unknown
	msg := sprintf("account %s has no multi-region trail logging management events (trails: %s)", [account, concat(", ", sort([t.name | some t in input.resource.attributes.cloudtrail_trails]))])
}

missing contains "attributes.cloudtrail_trails" if {
	not facts.present("cloudtrail_trails")
}

missing contains sprintf("attributes.cloudtrail_trails[%d].%s", [i, f]) if {
	not any_good
	some i, t in input.resource.attributes.cloudtrail_trails
	unknown(t)
	some f in needed
	not f in object.keys(t)
}
