package sdescan.checks.image.secrets_test

import data.sdescan.checks.image.secrets as check
import rego.v1

res(attrs) := {"resource": {"id": "image:app.tar", "type": "image.container", "source": "image", "scope": {"path": "app.tar"}, "tags": {}, "attributes": attrs}}

test_pass if {
	inp := res({"secrets": []})
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_fail if {
	inp := res({"secrets": [{"rule_id": "aws-access-key-id", "category": "AWS", "severity": "CRITICAL", "title": "AWS Access Key ID", "path": "/app/config", "line": 2, "layer": "sha256:ab"}]})
	check.deny == {"/app/config line 2: secret found by rule aws-access-key-id (AWS, critical)"} with input as inp
}

test_missing if {
	inp := res({"user": ""})
	count(check.deny) == 0 with input as inp
	count(check.missing) == 1 with input as inp
}
