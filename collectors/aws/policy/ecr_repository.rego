# METADATA
# title: ECR repositories scan images on push and keep tags immutable
# description: >-
#   The images an SDE runs for its researchers come from its registry. An image
#   that is not scanned when pushed can carry known vulnerabilities into the
#   environment unseen, and a mutable tag lets an image be replaced under a name
#   already reviewed and approved. Under enhanced scanning the registry's rules
#   alone decide what is scanned (a repository's own scanOnPush is ignored); under
#   basic scanning either the repository or a registry rule may ask for it.
# custom:
#   id: AWS-ECR-001
#   severity: medium
#   resource_types: [aws.ecr.repository]
#   remediation: >-
#     Scan on push: a registry scanning rule for the repositories (aws ecr
#     put-registry-scanning-configuration, filter '*', frequency SCAN_ON_PUSH or
#     CONTINUOUS_SCAN with enhanced scanning), or aws ecr
#     put-image-scanning-configuration --image-scanning-configuration
#     scanOnPush=true. Immutable tags: aws ecr put-image-tag-mutability
#     --image-tag-mutability IMMUTABLE. Terraform: aws_ecr_repository
#     (image_tag_mutability = "IMMUTABLE", image_scanning_configuration) and
#     aws_ecr_registry_scanning_configuration.
package sdescan.checks.aws.ecr_repository

import data.sdescan.lib.facts
import rego.v1

a := input.resource.attributes

registry_scans if a.registry_scan_frequency in {"SCAN_ON_PUSH", "CONTINUOUS_SCAN"}

scanned if registry_scans

scanned if {
	a.registry_scan_type == "BASIC"
	a.scan_on_push == true
}

deny contains sprintf("ECR repository %s is not scanned on push (%s scanning, no registry rule covers it%s)", [a.repository_name, lower(a.registry_scan_type), own]) if {
	facts.present("registry_scan_type")
	not scanned
	own := own_setting
}

own_setting := "; its own scanOnPush is ignored under enhanced scanning" if {
	a.registry_scan_type == "ENHANCED"
	a.scan_on_push == true
} else := ""

deny contains sprintf("ECR repository %s has mutable image tags (%s): an approved tag can be pointed at another image", [a.repository_name, a.image_tag_mutability]) if {
	a.image_tag_mutability in {"MUTABLE", "MUTABLE_WITH_EXCLUSION"}
}

missing contains "attributes.registry_scan_type" if {
	not facts.present("registry_scan_type")
}

missing contains "attributes.image_tag_mutability" if {
	not facts.present("image_tag_mutability")
}
