# The one decision on Azure storage accounts' access settings, shared by the
# live checks (AZ-ST-001 anonymous blob access, AZ-ST-002 HTTPS and TLS,
# AZ-ST-005 shared keys, over azure.storage.account) and their IaC twin
# (IAC-AZ-002, over azurerm_storage_account and Microsoft.Storage/storageAccounts).
# A library, not a check (it has no custom.id). Both judge an account in the
# live facts' shape:
#
#   {"allow_blob_public_access": bool|null, "https_only": bool|null,
#    "minimum_tls_version": string|null, "allow_shared_key_access": bool|null}
#
# The live collector writes what ARM reports (null: ARM leaves it unset). The
# IaC twin writes each setting as the code gives it, or as the provider or
# Azure applies it when the code leaves it out, and leaves out a setting whose
# value is not known offline: an attribute left out is unknown (not assessed),
# never a pass.
package sdescan.lib.azure_storage

import data.sdescan.lib.facts
import rego.v1

# settings are the judged attributes, with the Azure property each is read
# from, for messages.
settings := {
	"allow_blob_public_access": "allowBlobPublicAccess",
	"https_only": "supportsHttpsTrafficOnly",
	"minimum_tls_version": "minimumTlsVersion",
	"allow_shared_key_access": "allowSharedKeyAccess",
}

# tls_ok are the minimum TLS versions accepted.
tls_ok := {"TLS1_2", "TLS1_3"}

# weak(a, key): account a's setting key fails. allowBlobPublicAccess must be
# false (unset allows anonymous access on accounts created before the secure
# default); HTTPS only must be true; the minimum TLS version 1.2 or later;
# shared-key access false (unset allows it).
weak(a, "allow_blob_public_access") if a.allow_blob_public_access == true

weak(a, "allow_blob_public_access") if {
	facts.has(a, "allow_blob_public_access")
	a.allow_blob_public_access == null
}

weak(a, "https_only") if {
	facts.has(a, "https_only")
	a.https_only != true
}

weak(a, "minimum_tls_version") if {
	facts.has(a, "minimum_tls_version")
	not a.minimum_tls_version in tls_ok
}

weak(a, "allow_shared_key_access") if {
	facts.has(a, "allow_shared_key_access")
	a.allow_shared_key_access != false
}

# failing(a): the settings of account a that fail.
failing(a) := {key | some key, _ in settings; weak(a, key)}

# unknown(a): the settings of account a that are not known.
unknown(a) := {key | some key, _ in settings; not facts.has(a, key)}
