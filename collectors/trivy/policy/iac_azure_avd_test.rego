package sdescan.checks.iac.azure_avd_test

import data.sdescan.checks.iac.azure_avd as check
import rego.v1

airlock := {"redirectclipboard": "0", "drivestoredirect": "", "usbdevicestoredirect": "", "redirectprinters": "0"}

tf(props) := {"resource": {"id": "x", "type": "iac.terraform.resource", "source": "iac", "attributes": object.union({"mode": "resource", "resource_type": "azurerm_virtual_desktop_host_pool", "name": "hp", "config": {}, "unknown_attributes": []}, props)}}

arm(props) := {"resource": {"id": "x", "type": "iac.arm.resource", "source": "iac", "attributes": object.union({"resource_type": "Microsoft.DesktopVirtualization/hostPools", "name": "hp", "properties": {}, "unknown_attributes": []}, props)}}

test_pass if {
	count(check.deny) == 0 with input as tf({"rdp_properties": airlock})
	count(check.missing) == 0 with input as tf({"rdp_properties": airlock})
	count(check.deny) == 0 with input as arm({"rdp_properties": object.union(airlock, {"audiocapturemode": "0"})})
}

test_fail if {
	check.deny == {"azurerm_virtual_desktop_host_pool hp redirects the clipboard (redirectclipboard:1)"} with input as tf({"rdp_properties": object.union(airlock, {"redirectclipboard": "1"})})
	check.deny == {"Microsoft.DesktopVirtualization/hostPools hp redirects local drives (drivestoredirect:*)"} with input as arm({"rdp_properties": object.union(airlock, {"drivestoredirect": "*"})})
	check.deny == {"azurerm_virtual_desktop_host_pool hp redirects printers (redirectprinters not set: the RDP default redirects)"} with input as tf({"rdp_properties": object.remove(airlock, ["redirectprinters"])})
}

# No custom RDP properties at all: every redirection at its RDP default.
test_fail_none_set if {
	count(check.deny) == 4 with input as tf({"rdp_properties": {}})
	count(check.missing) == 0 with input as tf({"rdp_properties": {}})
}

# Not known offline: the collector records no rdp_properties.
test_missing if {
	check.missing == {"attributes.config.custom_rdp_properties"} with input as tf({})
	count(check.deny) == 0 with input as tf({})
	check.missing == {"attributes.properties.customRdpProperty"} with input as arm({})
}
