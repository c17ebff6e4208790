package sdescan.checks.image.vuln_fixable_test

import data.sdescan.checks.image.vuln_fixable as check
import rego.v1

res(attrs) := {"resource": {"id": "image:app.tar", "type": "image.container", "source": "image", "scope": {"path": "app.tar"}, "tags": {}, "attributes": attrs}}

vuln(sev, fixed) := {"id": "CVE-2026-0001", "package": "musl", "installed_version": "1.2.5-r0", "fixed_version": fixed, "severity": sev}

params := {"as_of": "2026-11-25T00:00:00Z"}

fresh := {"updated_at": "2026-11-24T06:00:00Z"}

test_pass_none if {
	inp := res({"vulnerabilities": [], "vulnerability_db": fresh})
	count(check.deny) == 0 with input as inp with data.sdescan.params as params
	count(check.missing) == 0 with input as inp with data.sdescan.params as params
}

test_pass_high_or_unfixed if {
	inp := res({"vulnerabilities": [vuln("HIGH", "1.2.5-r1"), vuln("CRITICAL", "")], "vulnerability_db": fresh})
	count(check.deny) == 0 with input as inp with data.sdescan.params as params
	count(check.missing) == 0 with input as inp with data.sdescan.params as params
}

test_fail_critical_fixed if {
	inp := res({"vulnerabilities": [vuln("CRITICAL", "1.2.5-r1")], "vulnerability_db": fresh})
	check.deny == {"musl 1.2.5-r0: CVE-2026-0001 (critical) is fixed in 1.2.5-r1"} with input as inp with data.sdescan.params as params
}

# A database built more than image.max_db_age_days (default 7) before the
# assessment: nothing found is not assessed, never "no vulnerabilities".
test_stale_db_finding_nothing_is_not_assessed if {
	inp := res({"vulnerabilities": [], "vulnerability_db": {"updated_at": "2026-11-10T00:00:00Z"}})
	count(check.deny) == 0 with input as inp with data.sdescan.params as params
	check.missing == {"attributes.vulnerability_db.updated_at: the vulnerability database was built 2026-11-10T00:00:00Z, 15 days before the assessment, older than image.max_db_age_days (7): newer advisories are not in it"} with input as inp with data.sdescan.params as params
}

# What a stale database does find is still a real, fixable vulnerability.
test_stale_db_still_fails_what_it_finds if {
	inp := res({"vulnerabilities": [vuln("CRITICAL", "1.2.5-r1")], "vulnerability_db": {"updated_at": "2026-11-10T00:00:00Z"}})
	count(check.deny) == 1 with input as inp with data.sdescan.params as params
}

# Exactly the maximum age is still fresh enough; the limit is configurable.
test_max_age_boundary_and_configured_limit if {
	inp := res({"vulnerabilities": [], "vulnerability_db": {"updated_at": "2026-11-18T00:00:00Z"}})
	count(check.missing) == 0 with input as inp with data.sdescan.params as params
	count(check.missing) == 1 with input as inp with data.sdescan.params as object.union(params, {"image_max_db_age_days": 3})
}

# A database without metadata.json: its age cannot be known.
test_unknown_db_age_is_not_assessed if {
	inp := res({"vulnerabilities": [], "vulnerability_db": {"updated_at": null}})
	count(check.missing) == 1 with input as inp with data.sdescan.params as params
	inp2 := res({"vulnerabilities": []})
	count(check.missing) == 1 with input as inp2 with data.sdescan.params as params
}

test_missing_no_db if {
	inp := res({"vulnerabilities_not_assessed": "no vulnerability database given (--db PATH); sdescan never downloads one"})
	count(check.deny) == 0 with input as inp
	check.missing == {"attributes.vulnerabilities: no vulnerability database given (--db PATH); sdescan never downloads one"} with input as inp
}
