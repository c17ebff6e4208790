package sdescan.checks.image.non_root_test

import data.sdescan.checks.image.non_root as check
import rego.v1

res(attrs) := {"resource": {"id": "image:app.tar", "type": "image.container", "source": "image", "scope": {"path": "app.tar"}, "tags": {}, "attributes": attrs}}

test_pass if {
	every u in ["10001", "app", "app:app", "1000:0"] {
		inp := res({"user_known": true, "user": u})
		count(check.deny) == 0 with input as inp
		count(check.missing) == 0 with input as inp
	}
}

test_fail_empty if {
	check.deny == {"the image sets no user, so it runs as root"} with input as res({"user_known": true, "user": ""})
}

test_fail_root if {
	every u in ["root", "0", "root:root", "0:0"] {
		count(check.deny) == 1 with input as res({"user_known": true, "user": u})
	}
}

test_missing if {
	inp := res({"user_known": false, "user": ""})
	count(check.deny) == 0 with input as inp
	count(check.missing) == 1 with input as inp
}
