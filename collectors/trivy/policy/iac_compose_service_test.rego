package sdescan.checks.iac.compose_service_test

import data.sdescan.checks.iac.compose_service as check
import rego.v1

svc(attrs) := {"resource": {"id": "x", "type": "iac.compose.service", "source": "iac", "attributes": object.union({"name": "db", "image": "postgres:16.4@sha256:00", "privileged": false, "volume_sources": [], "ports": []}, attrs)}}

test_pass if {
	inp := svc({"ports": [{"host_ip": "127.0.0.1", "published": "5432", "target": "5432"}]})
	count(check.deny) == 0 with input as inp
	count(check.missing) == 0 with input as inp
}

test_fail_socket if {
	count(check.deny) == 1 with input as svc({"volume_sources": ["/var/run/docker.sock"]})
}

test_fail_privileged if {
	count(check.deny) == 1 with input as svc({"privileged": true})
}

test_fail_latest if {
	count(check.deny) == 1 with input as svc({"image": "postgres:latest"})
	count(check.deny) == 1 with input as svc({"image": "example/agent"})
}

test_fail_db_port if {
	count(check.deny) == 1 with input as svc({"ports": [{"host_ip": "", "published": "5432", "target": "5432"}]})
}

test_missing if {
	inp := {"resource": {"id": "x", "type": "iac.compose.service", "source": "iac", "attributes": {"name": "db", "image": "postgres:16.4@sha256:00"}}}
	count(check.missing) == 3 with input as inp
	count(check.deny) == 0 with input as inp
}
