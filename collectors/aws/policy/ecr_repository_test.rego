package sdescan.checks.aws.ecr_repository_test

import data.sdescan.checks.aws.ecr_repository as check
import rego.v1

repo(attrs) := {"resource": {"id": "aws://111111111111/eu-west-2/ecr/repository/sde/analysis", "type": "aws.ecr.repository", "source": "aws", "attributes": object.union(
	{"repository_name": "sde/analysis", "image_tag_mutability": "IMMUTABLE", "scan_on_push": false, "registry_scan_type": "BASIC", "registry_scan_frequency": ""},
	attrs,
)}}

test_basic_scan_on_push_immutable_passes if {
	inp := repo({"scan_on_push": true})
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_basic_registry_rule_passes if {
	count(check.deny) == 0 with input as repo({"registry_scan_frequency": "SCAN_ON_PUSH"})
}

test_enhanced_continuous_passes if {
	count(check.deny) == 0 with input as repo({"registry_scan_type": "ENHANCED", "registry_scan_frequency": "CONTINUOUS_SCAN"})
}

test_not_scanned_fails if {
	check.deny == {"ECR repository sde/analysis is not scanned on push (basic scanning, no registry rule covers it)"} with input as repo({})
}

test_manual_rule_fails if {
	count(check.deny) == 1 with input as repo({"registry_scan_frequency": "MANUAL"})
}

# Under enhanced scanning a repository's own scanOnPush does nothing.
test_enhanced_ignores_repository_setting if {
	check.deny == {"ECR repository sde/analysis is not scanned on push (enhanced scanning, no registry rule covers it; its own scanOnPush is ignored under enhanced scanning)"} with input as repo({"registry_scan_type": "ENHANCED", "scan_on_push": true})
}

test_mutable_tags_fail if {
	check.deny == {"ECR repository sde/analysis has mutable image tags (MUTABLE): an approved tag can be pointed at another image"} with input as repo({"scan_on_push": true, "image_tag_mutability": "MUTABLE"})
}

test_mutable_with_exclusions_fails if {
	count(check.deny) == 1 with input as repo({"scan_on_push": true, "image_tag_mutability": "MUTABLE_WITH_EXCLUSION"})
}

test_immutable_with_exclusions_passes if {
	count(check.deny) == 0 with input as repo({"scan_on_push": true, "image_tag_mutability": "IMMUTABLE_WITH_EXCLUSION"})
}

# The registry's configuration could not be read: not assessed, even when the
# repository asks for scans itself (enhanced scanning would ignore it).
test_registry_unknown_is_missing if {
	inp := {"resource": {"id": "r", "type": "aws.ecr.repository", "source": "aws", "attributes": {"repository_name": "x", "image_tag_mutability": "IMMUTABLE", "scan_on_push": true}}}
	check.missing == {"attributes.registry_scan_type"} with input as inp
	count(check.deny) == 0 with input as inp
}
