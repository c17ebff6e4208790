package sdescan.checks.azure.sql_tls_entra_test

import data.sdescan.checks.azure.sql_tls_entra as check
import rego.v1

srv(attrs) := {"resource": {"id": "sql-id", "type": "azure.sql.server", "source": "azure", "attributes": object.union({"name": "sql"}, attrs)}}

test_pass if {
	every v in ["1.2", "1.3"] {
		count(check.deny) == 0 with input as srv({"minimal_tls_version": v, "azure_ad_only_authentication": true})
		count(check.missing) == 0 with input as srv({"minimal_tls_version": v, "azure_ad_only_authentication": true})
	}
}

test_fail_tls if {
	check.deny == {"SQL server sql accepts TLS below 1.2 (minimalTlsVersion 1.1)"} with input as srv({"minimal_tls_version": "1.1", "azure_ad_only_authentication": true})
	check.deny == {"SQL server sql accepts TLS below 1.2 (minimalTlsVersion None)"} with input as srv({"minimal_tls_version": "None", "azure_ad_only_authentication": true})
	check.deny == {"SQL server sql accepts TLS below 1.2 (minimalTlsVersion null)"} with input as srv({"minimal_tls_version": null, "azure_ad_only_authentication": true})
}

test_fail_entra if {
	check.deny == {"SQL server sql allows SQL authentication (Microsoft Entra-only authentication false)"} with input as srv({"minimal_tls_version": "1.2", "azure_ad_only_authentication": false})
	check.deny == {"SQL server sql allows SQL authentication (Microsoft Entra-only authentication null)"} with input as srv({"minimal_tls_version": "1.2", "azure_ad_only_authentication": null})
}

test_missing if {
	count(check.deny) == 0 with input as srv({})
	check.missing == {"attributes.minimal_tls_version", "attributes.azure_ad_only_authentication"} with input as srv({})
	check.missing == {"attributes.azure_ad_only_authentication"} with input as srv({"minimal_tls_version": "1.2"})
}
