package sdescan.checks.azure.postgres_access_test

import data.sdescan.checks.azure.postgres_access as check
import rego.v1

pg(attrs) := {"resource": {"id": "pg-id", "type": "azure.postgresql.flexible_server", "source": "azure", "attributes": object.union({"name": "pg"}, attrs)}}

test_pass if {
	every v in ["on", "ON", "On"] {
		count(check.deny) == 0 with input as pg({"public_network_access": "Disabled", "require_secure_transport": v})
		count(check.missing) == 0 with input as pg({"public_network_access": "Disabled", "require_secure_transport": v})
	}
}

test_fail_public if {
	check.deny == {"PostgreSQL server pg is open to public networks (publicNetworkAccess Enabled)"} with input as pg({"public_network_access": "Enabled", "require_secure_transport": "on"})
	check.deny == {"PostgreSQL server pg is open to public networks (publicNetworkAccess null)"} with input as pg({"public_network_access": null, "require_secure_transport": "on"})
}

test_fail_tls if {
	check.deny == {"PostgreSQL server pg accepts connections without TLS (require_secure_transport off)"} with input as pg({"public_network_access": "Disabled", "require_secure_transport": "off"})
	check.deny == {"PostgreSQL server pg accepts connections without TLS (require_secure_transport null)"} with input as pg({"public_network_access": "Disabled", "require_secure_transport": null})
}

test_missing if {
	count(check.deny) == 0 with input as pg({})
	check.missing == {"attributes.public_network_access", "attributes.require_secure_transport"} with input as pg({})
	check.missing == {"attributes.require_secure_transport"} with input as pg({"public_network_access": "Disabled"})
}
