package sdescan.checks.github.open_secrets_test

import data.sdescan.checks.github.open_secrets as check
import rego.v1

local(attrs) := {"resource": {"id": "git:///src/analysis", "type": "git.repo", "source": "git", "attributes": attrs}}

remote(attrs) := {"resource": {"id": "https://github.com/nhs/analysis", "type": "github.repo", "source": "github", "attributes": attrs}}

test_pass_local if {
	inp := local({"name": "analysis", "secrets": []})
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_fail_local_history if {
	inp := local({"name": "analysis", "secrets": [{"rule": "aws-access-key-id", "file": "config.py", "commit": "0123456789abcdef0123", "in_head": false}]})
	check.deny == {"repository analysis: a credential (aws-access-key-id) was committed in config.py at commit 0123456789ab (removed since, but still in the history)"} with input as inp
}

test_fail_local_head if {
	inp := local({"name": "analysis", "secrets": [{"rule": "private-key", "file": "id_rsa", "commit": "fedcba9876543210", "in_head": true}]})
	check.deny == {"repository analysis: a credential (private-key) was committed in id_rsa at commit fedcba987654 (still at HEAD)"} with input as inp
}

test_missing_local if {
	inp := local({"name": "analysis"})
	check.missing == {"attributes.secrets"} with input as inp
	count(check.deny) == 0 with input as inp
}

test_pass_remote if {
	inp := remote({"full_name": "nhs/analysis", "secret_scanning": "enabled", "secret_scanning_push_protection": "enabled"})
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_fail_remote if {
	inp := remote({"full_name": "nhs/analysis", "secret_scanning": "disabled", "secret_scanning_push_protection": "disabled"})
	count(check.deny) == 2 with input as inp
}

test_missing_remote if {
	inp := remote({"full_name": "nhs/analysis"})
	check.missing == {"attributes.secret_scanning"} with input as inp
	count(check.deny) == 0 with input as inp
}
