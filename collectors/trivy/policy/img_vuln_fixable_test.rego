package sdescan.checks.image.vuln_fixable_test

import data.sdescan.checks.image.vuln_fixable as check
import rego.v1

res(attrs) := {"resource": {"id": "image:app.tar", "type": "image.container", "source": "image", "scope": {"path": "app.tar"}, "tags": {}, "attributes": attrs}}

vuln(sev, fixed) := {"id": "CVE-2026-0001", "package": "musl", "installed_version": "1.2.5-r0", "fixed_version": fixed, "severity": sev}

test_pass_none if {
	inp := res({"vulnerabilities": []})
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_pass_high_or_unfixed if {
	inp := res({"vulnerabilities": [vuln("HIGH", "1.2.5-r1"), vuln("CRITICAL", "")]})
	count(check.deny) == 0 with input as inp
}

test_fail_critical_fixed if {
	inp := res({"vulnerabilities": [vuln("CRITICAL", "1.2.5-r1")]})
	check.deny == {"musl 1.2.5-r0: CVE-2026-0001 (critical) is fixed in 1.2.5-r1"} with input as inp
}

test_missing_no_db if {
	inp := res({"vulnerabilities_not_assessed": "no vulnerability database given (--db PATH); sdescan never downloads one"})
	count(check.deny) == 0 with input as inp
	check.missing == {"attributes.vulnerabilities: no vulnerability database given (--db PATH); sdescan never downloads one"} with input as inp
}
