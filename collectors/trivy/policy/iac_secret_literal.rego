# METADATA
# title: No hard-coded or default credentials in infrastructure code
# description: >-
#   A password, token or key written in Terraform, tfvars, CloudFormation, Kubernetes
#   manifests, Helm values or Compose files is readable by everyone with the repository,
#   stays in its history for ever, and is often a well-known default (password, changeme).
#   An SDE holding patient data must keep credentials in a secret store.
# custom:
#   id: IAC-SECRET-001
#   severity: critical
#   resource_types: [iac.terraform.resource, iac.cloudformation.resource, iac.kubernetes.object, iac.compose.service, iac.file]
#   remediation: >-
#     Read credentials from a secret store at deploy time: Terraform variables marked
#     sensitive with no default (or random_password / aws_secretsmanager_secret_version),
#     CloudFormation NoEcho parameters or {{resolve:secretsmanager:…}}, Kubernetes
#     secretKeyRef to a Secret created outside the repository, Compose secrets. Rotate
#     any credential that was committed.
package sdescan.checks.iac.secret_literal

import rego.v1

deny contains msg if {
	some c in input.resource.attributes.literal_credentials
	c["default"] == true
	msg := sprintf("%s line %d: %s is set to a well-known default credential", [input.resource.scope.path, c.line, c.path])
}

deny contains msg if {
	some c in input.resource.attributes.literal_credentials
	c["default"] == false
	msg := sprintf("%s line %d: %s is a credential written in clear", [input.resource.scope.path, c.line, c.path])
}

missing contains "attributes.literal_credentials" if {
	not "literal_credentials" in object.keys(input.resource.attributes)
}
