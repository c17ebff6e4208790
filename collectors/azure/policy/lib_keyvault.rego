# The one decision on Azure Key Vaults, shared by the live checks (AZ-KV-001
# soft delete and purge protection, AZ-KV-002 public network access and RBAC
# authorisation, over azure.keyvault.vault) and their IaC twin (IAC-AZ-004,
# over azurerm_key_vault and Microsoft.KeyVault/vaults; public network access
# in code is IAC-AZ-001's). A library, not a check (it has no custom.id). Both
# judge a vault in the live facts' shape:
#
#   {"enable_soft_delete": bool|null, "enable_purge_protection": bool|null,
#    "enable_rbac_authorization": bool|null, "public_network_access": string|null}
#
# An attribute left out is unknown (not assessed), never a pass; null is a
# setting Azure leaves unset, which fails.
package sdescan.lib.azure_keyvault

import data.sdescan.lib.facts
import rego.v1

# settings are the judged attributes, each with the value that passes and the
# Azure property it is read from.
settings := {
	"enable_soft_delete": {"want": true, "property": "enableSoftDelete"},
	"enable_purge_protection": {"want": true, "property": "enablePurgeProtection"},
	"enable_rbac_authorization": {"want": true, "property": "enableRbacAuthorization"},
	"public_network_access": {"want": "Disabled", "property": "publicNetworkAccess"},
}

# failing(v, keys): the settings among keys of vault v that are known and not
# what they must be.
failing(v, keys) := {key |
	some key in keys
	facts.has(v, key)
	v[key] != settings[key].want
}

# unknown(v, keys): the settings among keys of vault v that are not known.
unknown(v, keys) := {key | some key in keys; not facts.has(v, key)}
