package sdescan.checks.azure.avd_host_pool_test

import data.sdescan.checks.azure.avd_host_pool as check
import rego.v1

pool(attrs) := {"resource": {"id": "hp-id", "type": "azure.avd.host_pool", "source": "azure", "attributes": object.union({"name": "hp"}, attrs)}}

airlock := {"redirectclipboard": "0", "drivestoredirect": "", "usbdevicestoredirect": "", "redirectprinters": "0"}

test_pass if {
	count(check.deny) == 0 with input as pool({"rdp_properties": airlock})
	count(check.missing) == 0 with input as pool({"rdp_properties": airlock})

	# Other properties beside the four, and whitespace left in a value, change nothing.
	more := object.union(airlock, {"audiomode": "0", "devicestoredirect": "*", "redirectprinters": " 0 "})
	count(check.deny) == 0 with input as pool({"rdp_properties": more})
}

test_fail_each if {
	check.deny == {"host pool hp redirects the clipboard (redirectclipboard:1)"} with input as pool({"rdp_properties": object.union(airlock, {"redirectclipboard": "1"})})
	check.deny == {"host pool hp redirects local drives (drivestoredirect:*)"} with input as pool({"rdp_properties": object.union(airlock, {"drivestoredirect": "*"})})
	check.deny == {"host pool hp redirects local drives (drivestoredirect:C:;D:)"} with input as pool({"rdp_properties": object.union(airlock, {"drivestoredirect": "C:;D:"})})
	check.deny == {"host pool hp redirects local drives (drivestoredirect:DynamicDrives)"} with input as pool({"rdp_properties": object.union(airlock, {"drivestoredirect": "DynamicDrives"})})
	check.deny == {"host pool hp redirects USB devices (usbdevicestoredirect:*)"} with input as pool({"rdp_properties": object.union(airlock, {"usbdevicestoredirect": "*"})})
	check.deny == {"host pool hp redirects printers (redirectprinters:1)"} with input as pool({"rdp_properties": object.union(airlock, {"redirectprinters": "1"})})
}

test_fail_unset if {
	check.deny == {"host pool hp redirects printers (redirectprinters not set: the RDP default redirects)"} with input as pool({"rdp_properties": object.remove(airlock, ["redirectprinters"])})

	# No custom RDP properties at all: every redirection at its default.
	check.deny == {
		"host pool hp redirects the clipboard (redirectclipboard not set: the RDP default redirects)",
		"host pool hp redirects local drives (drivestoredirect not set: the RDP default redirects)",
		"host pool hp redirects USB devices (usbdevicestoredirect not set: the RDP default redirects)",
		"host pool hp redirects printers (redirectprinters not set: the RDP default redirects)",
	} with input as pool({"custom_rdp_property": null, "rdp_properties": {}})
	count(check.missing) == 0 with input as pool({"custom_rdp_property": null, "rdp_properties": {}})
}

test_missing if {
	count(check.deny) == 0 with input as pool({})
	check.missing == {"attributes.rdp_properties"} with input as pool({})
	check.missing == {"attributes.rdp_properties"} with input as pool({"rdp_properties": null})
}
