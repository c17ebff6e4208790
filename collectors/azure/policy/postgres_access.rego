# METADATA
# title: PostgreSQL flexible servers are closed to public networks and require TLS
# description: >-
#   A PostgreSQL flexible server holding SDE data should be reached through a delegated
#   subnet or private endpoints only (network.publicNetworkAccess Disabled; unset counts
#   as enabled), and must refuse connections without TLS (the server parameter
#   require_secure_transport ON; unset counts as off).
# custom:
#   id: AZ-PG-001
#   severity: high
#   resource_types: [azure.postgresql.flexible_server]
#   remediation: >-
#     Deploy the server into a delegated subnet or add a private endpoint and disable
#     public access (az postgres flexible-server update --public-access Disabled), and
#     az postgres flexible-server parameter set --name require_secure_transport --value
#     on. Terraform: azurerm_postgresql_flexible_server with
#     public_network_access_enabled = false, and an
#     azurerm_postgresql_flexible_server_configuration require_secure_transport = "on".
package sdescan.checks.azure.postgres_access

import data.sdescan.lib.facts
import rego.v1

attrs := input.resource.attributes

server := object.get(attrs, "name", input.resource.id)

deny contains sprintf("PostgreSQL server %s is open to public networks (publicNetworkAccess %v)", [server, attrs.public_network_access]) if {
	facts.present("public_network_access")
	attrs.public_network_access != "Disabled"
}

deny contains sprintf("PostgreSQL server %s accepts connections without TLS (require_secure_transport %v)", [server, attrs.require_secure_transport]) if {
	facts.present("require_secure_transport")
	not secure_transport
}

secure_transport if {
	is_string(attrs.require_secure_transport)
	lower(attrs.require_secure_transport) == "on"
}

missing contains sprintf("attributes.%s", [key]) if {
	some key in ["public_network_access", "require_secure_transport"]
	not facts.present(key)
}
