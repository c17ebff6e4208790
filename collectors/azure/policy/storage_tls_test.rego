package sdescan.checks.azure.storage_tls_test

import data.sdescan.checks.azure.storage_tls as check
import rego.v1

sa(attrs) := {"resource": {"id": "sa-id", "type": "azure.storage.account", "source": "azure", "attributes": object.union({"name": "sa"}, attrs)}}

test_pass if {
	every v in ["TLS1_2", "TLS1_3"] {
		count(check.deny) == 0 with input as sa({"https_only": true, "minimum_tls_version": v})
		count(check.missing) == 0 with input as sa({"https_only": true, "minimum_tls_version": v})
	}
}

test_fail_http if {
	check.deny == {"storage account sa accepts plain HTTP (supportsHttpsTrafficOnly false)"} with input as sa({"https_only": false, "minimum_tls_version": "TLS1_2"})
	check.deny == {"storage account sa accepts plain HTTP (supportsHttpsTrafficOnly null)"} with input as sa({"https_only": null, "minimum_tls_version": "TLS1_2"})
}

test_fail_tls if {
	check.deny == {"storage account sa accepts TLS below 1.2 (minimumTlsVersion TLS1_0)"} with input as sa({"https_only": true, "minimum_tls_version": "TLS1_0"})
	check.deny == {"storage account sa accepts TLS below 1.2 (minimumTlsVersion null)"} with input as sa({"https_only": true, "minimum_tls_version": null})
}

test_missing if {
	count(check.deny) == 0 with input as sa({})
	check.missing == {"attributes.https_only", "attributes.minimum_tls_version"} with input as sa({})
}
