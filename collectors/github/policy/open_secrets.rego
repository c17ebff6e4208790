# METADATA
# title: No secrets are committed, and GitHub secret scanning is on
# description: >-
#   A password, access key, token or private key committed to a repository is
#   compromised for good: deleting the file leaves it in the history that every clone
#   holds. For a secure data environment that can mean access to the environment or to
#   patient data. In a local repository sdescan scans every blob of every commit with a
#   few high-confidence rules (AWS access key IDs, private key blocks, GitHub tokens,
#   password assignments) and reports the rule, file and commit, never the value. On
#   GitHub it requires secret scanning to be enabled (and push protection not disabled).
# custom:
#   id: OPEN-008
#   severity: critical
#   resource_types: [git.repo, github.repo]
#   remediation: >-
#     Revoke and rotate the credential first: it must be treated as leaked. Then remove
#     it from history (git filter-repo or BFG) and force-push, and load secrets from the
#     environment or a secrets manager. On GitHub: Settings > Code security > enable
#     Secret scanning and Push protection (Terraform: github_repository
#     security_and_analysis).
package sdescan.checks.github.open_secrets

import rego.v1

attrs := object.get(input.resource, "attributes", {})

# attr reads an attribute; null when the collector could not read it.
attr(k) := object.get(attrs, k, null)

name := object.get(attrs, "full_name", object.get(attrs, "name", input.resource.id))

where(s) := "still at HEAD" if s.in_head == true

else := "removed since, but still in the history"

deny contains sprintf("repository %s: a credential (%s) was committed in %s at commit %s (%s)", [name, s.rule, s.file, substring(s.commit, 0, 12), where(s)]) if {
	input.resource.type == "git.repo"
	some s in attr("secrets")
}

deny contains sprintf("repository %s: GitHub secret scanning is not enabled", [name]) if {
	input.resource.type == "github.repo"
	attr("secret_scanning") == "disabled"
}

deny contains sprintf("repository %s: GitHub secret scanning push protection is disabled", [name]) if {
	input.resource.type == "github.repo"
	attr("secret_scanning_push_protection") == "disabled"
}

missing contains "attributes.secrets" if {
	input.resource.type == "git.repo"
	not is_array(attr("secrets"))
}

missing contains "attributes.secret_scanning" if {
	input.resource.type == "github.repo"
	not is_string(attr("secret_scanning"))
}
