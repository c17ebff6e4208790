package sdescan.checks.iac.secret_literal_test

import data.sdescan.checks.iac.secret_literal as check
import rego.v1

res(attrs) := {"resource": {"id": "iac:main.tf#aws_db_instance.a", "type": "iac.terraform.resource", "source": "iac", "scope": {"path": "main.tf"}, "attributes": attrs}}

test_pass if {
	inp := res({"literal_credentials": []})
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_fail_default if {
	check.deny == {"main.tf line 7: password is set to a well-known default credential"} with input as res({"literal_credentials": [{"path": "password", "line": 7, "default": true}]})
}

test_fail_clear if {
	count(check.deny) == 1 with input as res({"literal_credentials": [{"path": "api_token", "line": 2, "default": false}]})
}

test_missing if {
	inp := res({"resource_type": "aws_db_instance"})
	check.missing == {"attributes.literal_credentials"} with input as inp
	count(check.deny) == 0 with input as inp
}
