# METADATA
# title: Compose services do not mount the Docker socket, run privileged, use unpinned images or publish databases on all interfaces
# description: >-
#   A service with the Docker socket or privileged mode controls its host; an image
#   tagged latest changes under you; a database port published on 0.0.0.0 is reachable
#   from every network the host is on.
# custom:
#   id: IAC-COMPOSE-001
#   severity: high
#   resource_types: [iac.compose.service]
#   remediation: >-
#     Remove /var/run/docker.sock volumes and privileged: true; pin images by version
#     and digest; publish database ports on 127.0.0.1 only (or not at all).
package sdescan.checks.iac.compose_service

import rego.v1

attrs := input.resource.attributes

db_ports := {"5432", "3306", "1433", "1521", "27017", "6379", "9200", "5984"}

deny contains sprintf("service %s mounts the Docker socket", [attrs.name]) if {
	some v in attrs.volume_sources
	endswith(v, "docker.sock")
}

deny contains sprintf("service %s runs privileged", [attrs.name]) if attrs.privileged == true

deny contains sprintf("service %s uses an unpinned image (%s)", [attrs.name, attrs.image]) if {
	attrs.image != ""
	not contains(attrs.image, "@sha256:")
	unpinned(attrs.image)
}

unpinned(img) if endswith(img, ":latest")

unpinned(img) if not contains(last_part(img), ":")

last_part(img) := parts[count(parts) - 1] if parts := split(img, "/")

deny contains sprintf("service %s publishes database port %s on all interfaces", [attrs.name, p.target]) if {
	some p in attrs.ports
	p.target in db_ports
	p.host_ip in {"", "0.0.0.0", "::"}
	p.published != ""
}

missing contains sprintf("attributes.%s", [a]) if {
	some a in ["volume_sources", "privileged", "ports"]
	not a in object.keys(attrs)
}
