# METADATA
# title: WorkSpaces root and user volumes are encrypted
# description: >-
#   A WorkSpace's root and user volumes hold whatever the researcher worked on,
#   including cached extracts of data. Encrypting both with a KMS key protects those
#   copies at rest and puts them under a key policy.
# custom:
#   id: AWS-WS-001
#   severity: high
#   resource_types: [aws.workspaces.workspace]
#   remediation: >-
#     Encryption can only be set when a WorkSpace is created: rebuild it with
#     root_volume_encryption_enabled = true, user_volume_encryption_enabled = true and
#     volume_encryption_key set (Terraform: aws_workspaces_workspace).
package sdescan.checks.aws.workspaces_encryption

import data.sdescan.lib.facts
import rego.v1

volumes := {"root_volume_encryption_enabled": "root", "user_volume_encryption_enabled": "user"}

deny contains msg if {
	some f, v in volumes
	input.resource.attributes[f] == false
	msg := sprintf("WorkSpace %s %s volume is not encrypted", [object.get(input.resource.attributes, "workspace_id", input.resource.id), v])
}

missing contains sprintf("attributes.%s", [f]) if {
	some f, _ in volumes
	not facts.present(f)
}
